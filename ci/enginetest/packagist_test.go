package enginetest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/apps"
)

// skipIfPackagistUnreachable skips a backend test whose call failed only
// because the engine's containers cannot reach Packagist, after checking
// that the official-image recipe got that far: Composer ran in the image
// and failed downloading packages. A recipe that breaks earlier
// (`composer: not found`, a PHP fatal, a missing extension) fails the test.
func skipIfPackagistUnreachable(t *testing.T, fn string, r result) {
	t.Helper()
	all := r.stdout + r.stderr
	if r.err == nil || !strings.Contains(all, "repo.packagist.org") {
		return
	}
	for _, broken := range []string{"composer: not found", "PHP Fatal error", "exited with code 127", "exited with code 255"} {
		if strings.Contains(all, broken) {
			t.Fatalf("%s broke before the dependency download (%q):\n%s", fn, broken, lastLines(all, 40))
		}
	}
	if !strings.Contains(all, "Loading composer repositories") {
		t.Fatalf("%s: Packagist named, but Composer never started resolving:\n%s", fn, lastLines(all, 40))
	}
	t.Skipf("Packagist is unreachable from this engine's containers: %s reached Composer's dependency download and stops there", fn)
}

// onlyTheBackendFailed: image builds failed and the backend is the only one
// that did (build and publish name each failed image; publish counts only
// the images it had to build, the others being reused).
func onlyTheBackendFailed(r result) bool {
	return r.err != nil && backendAlone.MatchString(r.stdout+r.stderr)
}

var backendAlone = regexp.MustCompile(`\b1 of [0-9]+ image builds failed \(backend\)`)

// portals are the 14 portal names of bitflow-frontend/apps.json.
func portals(t *testing.T) []string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(repoRoot(t), "bitflow-frontend", "apps.json"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := apps.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	return apps.Names(list)
}
