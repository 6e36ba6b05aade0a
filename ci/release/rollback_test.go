package release

import (
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func TestCheckUndoTarget(t *testing.T) {
	base := manifest.Manifest{ID: "production-abc1234-1", Environment: "production", GitSHA: "abc1234", Strategy: "bluegreen",
		Outcome: manifest.OutcomeSucceeded, Images: []manifest.Image{{App: "backend", Repository: "r/bitflow-backend", Tag: "abc1234", Digest: "sha256:00"}}}
	// Every outcome of a real deploy can be undone: a failed or half-finished one most of all.
	for _, o := range []manifest.Outcome{manifest.OutcomeSucceeded, manifest.OutcomeFailed, manifest.OutcomeRolledBack, manifest.OutcomeCancelled, manifest.OutcomeInProgress} {
		m := base
		m.Outcome = o
		if err := CheckUndoTarget(&m, "production"); err != nil {
			t.Errorf("outcome %s refused: %v", o, err)
		}
	}
	cases := map[string]func(m *manifest.Manifest){
		`is a release of "production", not "staging"`: func(m *manifest.Manifest) {},
		"is a dry run":         func(m *manifest.Manifest) { m.Environment = "staging"; m.DryRun = true },
		"is itself a rollback": func(m *manifest.Manifest) { m.Environment = "staging"; m.Strategy = "rollback" },
	}
	for want, mut := range cases {
		m := base
		mut(&m)
		err := CheckUndoTarget(&m, "staging")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}
