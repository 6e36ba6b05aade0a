package ecs

import (
	"encoding/json"
	"fmt"
	"strings"

	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/pmezard/go-difflib/difflib"
)

// Diff is a unified diff (3 lines of context) between the registration input
// of the current task definition and the rendered new one, both written as
// indented JSON with sorted keys and empty fields left out. It is "" when
// nothing changes.
func Diff(old *TaskDefinition, next *awsecs.RegisterTaskDefinitionInput) (string, error) {
	a, err := canonicalJSON(RegisterInput(old))
	if err != nil {
		return "", err
	}
	b, err := canonicalJSON(next)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	body, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(a),
		B:        difflib.SplitLines(b),
		FromFile: Ref(old),
		ToFile:   fmt.Sprintf("%s:new", deref(next.Family)),
		Context:  3,
	})
	if err != nil {
		return "", err
	}
	return imageSummary(old, next) + body, nil
}

// imageSummary names each container whose image changes, one line each
// ("# container student: old -> new"), since the JSON hunks may not show
// the container's name.
func imageSummary(old *TaskDefinition, next *awsecs.RegisterTaskDefinitionInput) string {
	before := map[string]string{}
	for _, c := range old.ContainerDefinitions {
		before[deref(c.Name)] = deref(c.Image)
	}
	var b strings.Builder
	for _, c := range next.ContainerDefinitions {
		if was, now := before[deref(c.Name)], deref(c.Image); was != now {
			fmt.Fprintf(&b, "# container %s: %s -> %s\n", deref(c.Name), was, now)
		}
	}
	return b.String()
}

// canonicalJSON marshals v, drops null/empty values and sorts keys.
func canonicalJSON(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("task definition to JSON: %w", err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return "", err
	}
	out, err := json.MarshalIndent(camel(prune(tree), false), "", "  ")
	if err != nil {
		return "", err
	}
	return string(out) + "\n", nil
}

func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			x = prune(x)
			if empty(x) {
				delete(t, k)
			} else {
				t[k] = x
			}
		}
		return t
	case []any:
		for i := range t {
			t[i] = prune(t[i])
		}
		return t
	}
	return v
}

// userMaps are SDK fields of map type whose keys are user data (kept as is).
var userMaps = map[string]bool{"Options": true, "DockerLabels": true, "DriverOpts": true, "Labels": true}

// camel writes SDK field names the way the AWS CLI and console show them
// (Image -> image, SizeInGiB -> sizeInGiB); keys of user maps are kept.
func camel(v any, userKeys bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			nk := k
			if !userKeys && k != "" {
				nk = strings.ToLower(k[:1]) + k[1:]
			}
			out[nk] = camel(x, !userKeys && userMaps[k])
		}
		return out
	case []any:
		for i := range t {
			t[i] = camel(t[i], false)
		}
		return t
	}
	return v
}

func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
