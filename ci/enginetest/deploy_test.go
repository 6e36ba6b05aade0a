package enginetest

import (
	"context"
	"strings"
	"testing"
	"time"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
)

// The deploy functions are thin calls into the deploy brain; these tests
// check the wiring through the engine: the environment file is read from the
// source, and bad input is refused before any AWS call. They use the chained
// API: with-aws ... environment NAME, then plan, deploy, rollback or check.

func environment(t *testing.T, name string) *client.BitflowEnvironment {
	t.Helper()
	return pipeline(t).Environment(name)
}

// refused runs one call that must fail with an error saying want.
func refused(t *testing.T, what, want string, fn func(ctx context.Context) error) result {
	t.Helper()
	r := sdkCall(t, 10*time.Minute, what, func(ctx context.Context) (string, error) { return "", fn(ctx) })
	if r.err == nil || !strings.Contains(r.stderr, want) {
		t.Fatalf("%s: want an error saying %q, got %v\n%s", what, want, r.err, lastLines(r.stderr, 20))
	}
	return r
}

func synced(f interface {
	Sync(context.Context) (*client.File, error)
}) func(context.Context) error {
	return func(ctx context.Context) error { _, err := f.Sync(ctx); return err }
}

func TestDeployRefusesUnknownEnvironment(t *testing.T) {
	refused(t, "environment no-such-env deploy", "environments/no-such-env.yaml",
		synced(environment(t, "no-such-env").Deploy("abc1234")))
}

func TestPlanRefusesBadEnvironmentName(t *testing.T) {
	refused(t, "environment ../etc/passwd plan", "give a name from ci/environments/", func(ctx context.Context) error {
		_, err := environment(t, "../etc/passwd").Plan(ctx, "abc1234")
		return err
	})
}

func TestRollbackRefusesAManifestOfAnotherEnvironment(t *testing.T) {
	body := `{"schemaVersion":1,"id":"staging-abc1234-1","environment":"staging","gitSha":"abc1234","strategy":"rolling",
"images":[{"app":"backend","repository":"123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend","tag":"abc1234"}],
"services":[],"stages":[],"outcome":"succeeded","startedAt":"2026-01-01T00:00:00Z"}`
	m := engine(t).File("manifest.json", body)
	refused(t, "environment production rollback (a staging manifest)", `is a release of "staging", not "production"`,
		synced(environment(t, "production").Rollback(client.BitflowEnvironmentRollbackOpts{Manifest: m})))
}

func TestDeployRefusesHalfGivenCredentials(t *testing.T) {
	key := engine(t).SetSecret("bitflow-enginetest-fake-key", "AKIDNOTREAL")
	r := refused(t, "with-aws (access key id only) deploy", "need both an access key id and a secret access key",
		synced(pipeline(t).WithAws(client.WithAwsOpts{AccessKeyID: key}).Environment("production").Deploy("abc1234")))
	if strings.Contains(r.stderr, "AKIDNOTREAL") {
		t.Fatal("a secret value appeared in the output")
	}
}

func TestEnvironmentCheckDescribesTheFile(t *testing.T) {
	out := mustSucceed(t, sdkCall(t, 10*time.Minute, "environment production check", func(ctx context.Context) (string, error) {
		return environment(t, "production").Check(ctx)
	}))
	if !strings.Contains(out, "environment production") || !strings.Contains(out, "migration:") {
		t.Fatalf("environment check:\n%s", out)
	}
}

func TestDeployRefusesUnknownWaitUntilStage(t *testing.T) {
	refused(t, "environment production deploy wait-until NOPE", `--wait-until "NOPE" is not a lifecycle stage`,
		synced(environment(t, "production").Deploy("abc1234", client.BitflowEnvironmentDeployOpts{WaitUntil: "NOPE"})))
}
