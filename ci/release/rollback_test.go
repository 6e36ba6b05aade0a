package release

import (
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/manifest"
)

func TestCheckRollbackTarget(t *testing.T) {
	good := manifest.Manifest{ID: "production-abc1234-1", Environment: "production", GitSHA: "abc1234",
		Outcome: manifest.OutcomeSucceeded, Images: []manifest.Image{{App: "backend", Repository: "r/bitflow-backend", Tag: "abc1234", Digest: "sha256:00"}}}
	if err := CheckRollbackTarget(&good, "production"); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(m *manifest.Manifest){
		`not "staging"`: func(m *manifest.Manifest) { m.Environment = "production" },
		"dry run":       func(m *manifest.Manifest) { m.Environment = "staging"; m.DryRun = true },
		"outcome failed": func(m *manifest.Manifest) {
			m.Environment = "staging"
			m.Outcome = manifest.OutcomeFailed
		},
		"no images": func(m *manifest.Manifest) { m.Environment = "staging"; m.Images = nil },
	}
	for want, mut := range cases {
		m := good
		mut(&m)
		err := CheckRollbackTarget(&m, "staging")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}
