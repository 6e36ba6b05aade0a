package inventory

import (
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Markdown is the table of Resources for the docs: kind, exact name, and
// what it must look like (ci/docs/new-aws-account.md embeds it for the
// production environment; a test keeps the page current).
func Markdown(env *config.Environment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Generated from `%s` (%d resources; `go -C ci run ./cmd/bitflow-deploy check --env %s --offline` prints the same list).\n\n", env.File, len(Resources(env)), env.Name)
	b.WriteString("| # | Kind | Exact name | How it must be configured |\n|---|---|---|---|\n")
	for i, r := range Resources(env) {
		fmt.Fprintf(&b, "| %d | %s | `%s` | %s |\n", i+1, r.Kind, r.Name, strings.ReplaceAll(r.Want, "|", "\\|"))
	}
	return b.String()
}
