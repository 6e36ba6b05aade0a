package report

import (
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Outcome is the one-line outcome of a run ("ENV SHA: OUTCOME") and an
// error unless the run succeeded: the rule that fails a CI job after a
// deploy or rollback exported its manifest with --allow-failure.
func Outcome(m *manifest.Manifest) (string, error) {
	line := fmt.Sprintf("%s %s: %s", m.Environment, m.GitSHA, m.Outcome)
	if m.Outcome == manifest.OutcomeSucceeded {
		return line, nil
	}
	kind := "deploy"
	if m.IsRollback() {
		kind = "rollback"
	}
	return line, fmt.Errorf("%s did not succeed: outcome %s, stage %q: %s", kind, m.Outcome, m.FailedStage, m.FailureReason)
}
