package enginetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The deploy functions are thin calls into the deploy brain; these tests
// check the wiring through the engine: the environment file is read from
// --source, and bad input is refused before any AWS call. They use the
// chained API: with-aws ... environment --name NAME plan|deploy|rollback.

func TestDeployRefusesUnknownEnvironment(t *testing.T) {
	r := call(t, 10*time.Minute, "environment", "--name", "no-such-env", "deploy", "--sha", "abc1234")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, "environments/no-such-env.yaml") {
		t.Fatalf("want an error naming environments/no-such-env.yaml, got %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}

func TestPlanRefusesBadEnvironmentName(t *testing.T) {
	r := call(t, 10*time.Minute, "environment", "--name", "../etc/passwd", "plan", "--sha", "abc1234")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, "give a name from ci/environments/") {
		t.Fatalf("path-like environment accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}

func TestRollbackRefusesAManifestOfAnotherEnvironment(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "manifest.json")
	body := `{"schemaVersion":1,"id":"staging-abc1234-1","environment":"staging","gitSha":"abc1234","strategy":"rolling",
"images":[{"app":"backend","repository":"123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend","tag":"abc1234"}],
"services":[],"stages":[],"outcome":"succeeded","startedAt":"2026-01-01T00:00:00Z"}`
	if err := os.WriteFile(m, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := call(t, 10*time.Minute, "environment", "--name", "production", "rollback", "--manifest", m)
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, `is a release of "staging", not "production"`) {
		t.Fatalf("foreign manifest accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}

func TestDeployRefusesHalfGivenCredentials(t *testing.T) {
	t.Setenv("BITFLOW_TEST_FAKE_KEY", "AKIDNOTREAL")
	r := call(t, 10*time.Minute, "with-aws", "--access-key-id", "env:BITFLOW_TEST_FAKE_KEY", "environment", "--name", "production", "deploy", "--sha", "abc1234")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, "need both an access key id and a secret access key") {
		t.Fatalf("half-given credentials accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
	if strings.Contains(r.stdout+r.stderr, "AKIDNOTREAL") {
		t.Fatal("a secret value appeared in the output")
	}
}

func TestEnvironmentCheckDescribesTheFile(t *testing.T) {
	out := mustSucceed(t, call(t, 10*time.Minute, "environment", "--name", "production", "check"))
	if !strings.Contains(out, "environment production") || !strings.Contains(out, "migration:") {
		t.Fatalf("environment check:\n%s", out)
	}
}

func TestDeployRefusesUnknownWaitUntilStage(t *testing.T) {
	r := call(t, 10*time.Minute, "environment", "--name", "production", "deploy", "--sha", "abc1234", "--wait-until", "NOPE")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, `--wait-until "NOPE" is not a lifecycle stage`) {
		t.Fatalf("unknown --wait-until stage accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}
