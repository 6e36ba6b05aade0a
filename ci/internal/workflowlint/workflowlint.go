// Package workflowlint checks the repository's GitHub Actions workflows:
// actionlint (as a library) for syntax, expressions, action inputs and
// embedded shell scripts, plus the project's own rules about secrets,
// permissions and pinned versions. Its tests run both over
// .github/workflows/*.yml.
package workflowlint

import (
	"fmt"
	"io"
	"os/exec"

	"github.com/rhysd/actionlint"
)

// Shellcheck returns the path of the shellcheck executable, or "" when it is
// not installed (actionlint then skips checking run: scripts).
func Shellcheck() string {
	p, err := exec.LookPath("shellcheck")
	if err != nil {
		return ""
	}
	return p
}

// Lint runs actionlint over the workflow files. shellcheck is the path of
// the shellcheck executable ("" disables the shell script checks). The
// project (for local reusable workflows) is detected from the paths.
func Lint(paths []string, shellcheck string) ([]*actionlint.Error, error) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: shellcheck})
	if err != nil {
		return nil, fmt.Errorf("actionlint: %w", err)
	}
	errs, err := l.LintFiles(paths, nil)
	if err != nil {
		return nil, fmt.Errorf("actionlint %v: %w", paths, err)
	}
	return errs, nil
}
