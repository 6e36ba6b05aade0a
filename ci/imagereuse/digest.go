package imagereuse

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// TagPrefix starts the tag that carries an image's input digest.
const TagPrefix = "in-"

// InputDigest is the hex SHA-256 of an image's build inputs: the recipe
// (Dockerfile path, target, build args with the base image references) and
// every file of context (already filtered to what the build reads) by path,
// executable bit and content, in path order. Modification times, owners and
// the order files were written in do not count, so the same commit checked
// out on two runners gives the same digest.
func InputDigest(s Spec, context fs.FS) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "bitflow-image-inputs v1\n%s", s.recipe())
	err := fs.WalkDir(context, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		kind := "file"
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			kind = "symlink" // fs.FS cannot read the target portably; the name still counts
		case info.Mode()&0o111 != 0:
			kind = "exec"
		}
		fmt.Fprintf(h, "%s %q ", kind, path)
		if kind == "symlink" {
			_, err = io.WriteString(h, "\n")
			return err
		}
		f, err := context.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sum := sha256.New()
		if _, err := io.Copy(sum, f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		_, err = fmt.Fprintf(h, "%x\n", sum.Sum(nil))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("input digest of %s: %w", s.App, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Tag is the registry tag of an input digest: in-<first 32 hex digits>
// (128 bits: collisions are not a concern, and the tag stays readable).
func Tag(digest string) string {
	if len(digest) > 32 {
		digest = digest[:32]
	}
	return TagPrefix + digest
}

// IsTag reports whether tag is an input-digest tag.
func IsTag(tag string) bool { return strings.HasPrefix(tag, TagPrefix) }
