// Command genclient rewrites the engine tests' generated client of the bitflow
// module (clientgen.Dir) from the module's current source. It needs a Dagger
// engine (_EXPERIMENTAL_DAGGER_RUNNER_HOST, or the CLI's default). Run it
// through `go generate ./ci/enginetest/...` from the repository root.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dagger.io/dagger"

	"github.com/bitflow-lms/pipeline/ci/enginetest/internal/clientgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genclient:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, err := dagger.Connect(ctx, dagger.WithWorkdir(root), dagger.WithLogOutput(os.Stderr))
	if err != nil {
		return fmt.Errorf("connect to the engine: %w", err)
	}
	defer c.Close()
	files, err := clientgen.Generate(ctx, c, root)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Println(clientgen.Dir, "is up to date")
		return nil
	}
	dir := filepath.Join(root, clientgen.Dir)
	for _, name := range clientgen.Names(files) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", filepath.Join(clientgen.Dir, name))
	}
	return nil
}

// repoRoot is the nearest directory above the working directory holding dagger.json.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "dagger.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no dagger.json above %s", strings.TrimSpace(dir))
		}
		dir = parent
	}
}
