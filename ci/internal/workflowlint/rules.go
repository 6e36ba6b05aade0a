package workflowlint

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workflow is the part of a workflow file the project's rules read.
type Workflow struct {
	Name        string            `yaml:"name"`
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]Job    `yaml:"jobs"`
}

// Job is one job of a workflow.
type Job struct {
	Name        string            `yaml:"name"`
	Uses        string            `yaml:"uses"`
	Needs       any               `yaml:"needs"`
	If          string            `yaml:"if"`
	Environment any               `yaml:"environment"`
	Concurrency *Concurrency      `yaml:"concurrency"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Steps       []Step            `yaml:"steps"`
}

// Concurrency is a job's or workflow's concurrency setting.
type Concurrency struct {
	Group            string `yaml:"group"`
	CancelInProgress any    `yaml:"cancel-in-progress"`
}

// Step is one step of a job.
type Step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// Load parses a workflow file with yaml.v3.
func Load(path string) (*Workflow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w Workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &w, nil
}

// secretEnvNames are the variables that carry secrets into run: steps.
var secretEnvNames = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "SLACK_WEBHOOK_URL", "DAGGER_CLOUD_TOKEN"}

// printing matches commands that write their arguments to the log.
var printing = regexp.MustCompile(`(^|[;&|(\s])(echo|printf|cat|tee|env|printenv|export -p|declare -p)(\s|$)`)

// tracing matches shell options that echo every command with its expanded arguments.
var tracing = regexp.MustCompile(`\bset\s+(-[a-wyz]*x|-o\s+xtrace)|\bbash\s+-[a-z]*x`)

// SecretProblems lists the ways a workflow could leak a secret into the
// log: an expression inside a run: script (secrets, tokens and free-text
// inputs must reach scripts through env:, never be pasted into them), a
// printing command that mentions a secret variable, shell tracing, or a
// secret exposed to a whole job instead of the one step that needs it.
func SecretProblems(w *Workflow) []string {
	var out []string
	for _, jobName := range sortedKeys(w.Jobs) {
		job := w.Jobs[jobName]
		for k, v := range job.Env {
			if strings.Contains(v, "secrets.") || strings.Contains(v, "github.token") {
				out = append(out, fmt.Sprintf("job %s: env %s exposes a secret to every step; set it on the step that needs it", jobName, k))
			}
		}
		for i, st := range job.Steps {
			where := fmt.Sprintf("job %s step %d (%s)", jobName, i+1, st.Name)
			if strings.Contains(st.Run, "${{") {
				out = append(out, where+": run script contains a ${{ }} expression; pass values through env:")
			}
			for n, line := range strings.Split(st.Run, "\n") {
				if tracing.MatchString(line) {
					out = append(out, fmt.Sprintf("%s line %d: shell tracing would print every secret expanded after it: %s", where, n+1, strings.TrimSpace(line)))
					continue
				}
				if !printing.MatchString(line) {
					continue
				}
				for _, s := range secretEnvNames {
					if strings.Contains(line, "$"+s) || strings.Contains(line, "${"+s) {
						out = append(out, fmt.Sprintf("%s line %d: prints secret %s: %s", where, n+1, s, strings.TrimSpace(line)))
						break
					}
				}
			}
			for k, v := range st.With {
				if firstPartyToken(st.Uses, k, v) {
					continue
				}
				if strings.Contains(v, "secrets.") || strings.Contains(v, "github.token") {
					out = append(out, fmt.Sprintf("%s: input %s passes a secret to action %s", where, k, st.Uses))
				}
			}
		}
	}
	return out
}

// pinnedRef is a full commit sha: the only reference a tag move or a
// compromised action repository cannot change under the deploy.
var pinnedRef = regexp.MustCompile(`@[0-9a-f]{40}$`)

// UnpinnedActions lists third-party uses: references that are not a full
// commit sha. A tag (@v4, @v4.1.0) or a branch (@main) can be moved to other
// code by whoever controls the action's repository.
func UnpinnedActions(w *Workflow) []string {
	var out []string
	for _, jobName := range sortedKeys(w.Jobs) {
		job := w.Jobs[jobName]
		refs := []string{job.Uses}
		for _, st := range job.Steps {
			refs = append(refs, st.Uses)
		}
		for _, uses := range refs {
			if uses != "" && !strings.HasPrefix(uses, "./") && !pinnedRef.MatchString(uses) {
				out = append(out, fmt.Sprintf("job %s: %s is not pinned to a full commit sha", jobName, uses))
			}
		}
	}
	return out
}

// pinLine is a uses: line pinned by sha; versionComment is the "# vX.Y.Z"
// that must follow it so people (and Dependabot) can read the version.
var (
	pinLine        = regexp.MustCompile(`^\s*(-\s*)?uses:\s*[^\s#]+@[0-9a-f]{40}\b(.*)$`)
	versionComment = regexp.MustCompile(`#\s*v\d+\.\d+\.\d+\s*$`)
)

// PinsWithoutVersion lists the lines of a workflow file whose sha-pinned
// uses: has no "# vX.Y.Z" comment naming the release the sha is.
func PinsWithoutVersion(src []byte) []string {
	var out []string
	for i, line := range strings.Split(string(src), "\n") {
		if m := pinLine.FindStringSubmatch(line); m != nil && !versionComment.MatchString(m[2]) {
			out = append(out, fmt.Sprintf("line %d: %s: add the release as a comment (# vX.Y.Z)", i+1, strings.TrimSpace(line)))
		}
	}
	return out
}

// DaggerVersions returns the version input of every dagger/dagger-for-github step.
func DaggerVersions(w *Workflow) []string {
	var out []string
	for _, jobName := range sortedKeys(w.Jobs) {
		for _, st := range w.Jobs[jobName].Steps {
			if strings.HasPrefix(st.Uses, "dagger/dagger-for-github@") {
				out = append(out, st.With["version"])
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// firstPartyToken is the one allowed way to hand a credential to an action:
// the workflow's own short-lived github.token given to a GitHub-maintained
// action (actions/*) through its token input.
func firstPartyToken(uses, input, value string) bool {
	return strings.HasPrefix(uses, "actions/") &&
		(input == "github-token" || input == "token") &&
		strings.TrimSpace(value) == "${{ github.token }}"
}
