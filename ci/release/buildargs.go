package release

import (
	"fmt"
	"regexp"
	"strings"
)

var argNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseBuildArgs splits --backend-build-arg values ("KEY=VALUE") into
// name/value pairs, refusing empty or malformed names and duplicates.
func ParseBuildArgs(kv []string) ([][2]string, error) {
	seen := map[string]bool{}
	var out [][2]string
	for _, s := range kv {
		k, v, ok := strings.Cut(s, "=")
		if !ok || !argNameRe.MatchString(k) {
			return nil, fmt.Errorf("build arg %q: want KEY=VALUE with KEY a Dockerfile ARG name", s)
		}
		if seen[k] {
			return nil, fmt.Errorf("build arg %s given twice", k)
		}
		seen[k] = true
		out = append(out, [2]string{k, v})
	}
	return out, nil
}
