package release

import (
	"fmt"

	"github.com/bitflow-lms/pipeline/manifest"
)

// CheckRollbackTarget refuses, as a rollback target, a manifest of another
// environment, a dry run, a release that did not succeed, or one without images.
func CheckRollbackTarget(prev *manifest.Manifest, environment string) error {
	switch {
	case prev.Environment != environment:
		return fmt.Errorf("--manifest is a release of %q, not %q", prev.Environment, environment)
	case prev.DryRun:
		return fmt.Errorf("--manifest %s is a dry run: nothing to return to", prev.ID)
	case prev.Outcome != manifest.OutcomeSucceeded:
		return fmt.Errorf("--manifest %s has outcome %s: roll back only to a release that succeeded", prev.ID, prev.Outcome)
	case len(prev.Images) == 0:
		return fmt.Errorf("--manifest %s lists no images", prev.ID)
	}
	return nil
}
