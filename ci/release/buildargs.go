package release

import (
	"fmt"
	"regexp"
	"strings"
)

var argNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseBuildArgs splits build args ("KEY=VALUE") into name/value pairs in
// first-seen order, refusing malformed names. A later value of the same KEY
// replaces the earlier one, so user flags override the module's defaults.
func ParseBuildArgs(kv []string) ([][2]string, error) {
	index := map[string]int{}
	var out [][2]string
	for _, s := range kv {
		k, v, ok := strings.Cut(s, "=")
		if !ok || !argNameRe.MatchString(k) {
			return nil, fmt.Errorf("build arg %q: want KEY=VALUE with KEY a Dockerfile ARG name", s)
		}
		if i, ok := index[k]; ok {
			out[i][1] = v
			continue
		}
		index[k] = len(out)
		out = append(out, [2]string{k, v})
	}
	return out, nil
}
