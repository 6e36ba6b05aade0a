package release

import (
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// AppTag is the tag one app deploys at.
type AppTag struct {
	App string
	Tag string
}

// DeployTags decides the tag of every app an environment deploys. With no
// selection every app deploys at sha. With a selection (--apps) only those
// apps move to sha and the others stay at previousSHA, which is then
// required: a partial release still names every image it runs.
func DeployTags(deployed, selected []string, sha, previousSHA string) ([]AppTag, error) {
	if err := manifest.CheckSHA(sha); err != nil {
		return nil, fmt.Errorf("--sha: %w", err)
	}
	if len(selected) == 0 {
		out := make([]AppTag, len(deployed))
		for i, a := range deployed {
			out[i] = AppTag{a, sha}
		}
		return out, nil
	}
	if previousSHA == "" {
		return nil, fmt.Errorf("--apps deploys only some apps: give --previous-sha, the release the other apps stay at")
	}
	if err := manifest.CheckSHA(previousSHA); err != nil {
		return nil, fmt.Errorf("--previous-sha: %w", err)
	}
	in := map[string]bool{}
	for _, a := range deployed {
		in[a] = true
	}
	sel := map[string]bool{}
	var notDeployed []string
	for _, a := range selected {
		if !in[a] {
			notDeployed = append(notDeployed, a)
		}
		sel[a] = true
	}
	if len(notDeployed) > 0 {
		return nil, fmt.Errorf("--apps %s: not deployed by this environment (it deploys %s)", strings.Join(notDeployed, ", "), strings.Join(deployed, ", "))
	}
	out := make([]AppTag, len(deployed))
	for i, a := range deployed {
		tag := previousSHA
		if sel[a] {
			tag = sha
		}
		out[i] = AppTag{a, tag}
	}
	return out, nil
}
