package release

import (
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// CheckUndoTarget refuses, before any AWS call, a --manifest that rollback
// cannot undo: a release of another environment, or a dry run (nothing was
// changed). Any outcome is accepted otherwise: a failed, rolled-back or
// half-finished (in_progress, cancelled) deploy is exactly what rollback is
// for. The deploy brain checks the rest (listener ARNs, colours).
func CheckUndoTarget(m *manifest.Manifest, environment string) error {
	switch {
	case m.Environment != environment:
		return fmt.Errorf("--manifest is a release of %q, not %q", m.Environment, environment)
	case m.DryRun:
		return fmt.Errorf("--manifest %s is a dry run: nothing was changed, nothing to undo", m.ID)
	case m.Strategy == "rollback":
		return fmt.Errorf("--manifest %s is itself a rollback: give the manifest of the deploy to undo", m.ID)
	}
	return nil
}
