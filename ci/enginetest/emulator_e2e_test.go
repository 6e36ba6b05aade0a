package enginetest

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/deploy"
	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestDeployPlanRollbackAgainstTheEmulator runs plan, deploy and rollback end
// to end: the in-repo AWS emulator (bitflow-deploy emulator, built here for
// linux/amd64) runs INSIDE the engine as a Dagger service, started once and
// passed to the module as with-aws's endpoint, so its state carries from call
// to call. The deploy's manifest goes to rollback as a File of its content.
func TestDeployPlanRollbackAgainstTheEmulator(t *testing.T) {
	const sha = "abc1234"
	env := emulatorEnvironment(t, sha)
	// The emulator env's blue/green test URL names 127.0.0.1:4566, which is not
	// the service's host inside the engine: rolling exercises the whole path.
	rolling := client.BitflowEnvironmentPlanOpts{Strategy: "rolling"}

	// Plan: names the task-definition diff (tag -> digest) and changes nothing.
	plan := mustSucceed(t, e2eCall(t, "plan", func(ctx context.Context) (string, error) { return env.Plan(ctx, sha, rolling) }))
	for _, want := range []string{"bitflow-backend", "bitflow-frontend", "-      \"image\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend:" + sha, "bitflow-backend@sha256:", "php artisan migrate --force"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan output lacks %q:\n%s", want, lastLines(plan, 30))
		}
	}
	rolling.JSONOutput = true
	pj := mustSucceed(t, e2eCall(t, "plan json", func(ctx context.Context) (string, error) { return env.Plan(ctx, sha, rolling) }))
	var p deploy.PlanResult
	if err := json.Unmarshal([]byte(pj), &p); err != nil {
		t.Errorf("the JSON plan is not JSON: %v", err)
	} else if p.Strategy != "rolling" || len(p.Services) != 15 || !strings.Contains(p.Services[0].Diff, "@sha256:") {
		t.Errorf("JSON plan: %+v", p)
	}

	dm, deployed := e2eManifest(t, "deploy", env.Deploy(sha, client.BitflowEnvironmentDeployOpts{Strategy: "rolling"}))
	if dm.Outcome != manifest.OutcomeSucceeded || dm.Strategy != "rolling" || dm.GitSHA != sha {
		t.Fatalf("deploy manifest: outcome %q strategy %q sha %q, want succeeded rolling %s", dm.Outcome, dm.Strategy, dm.GitSHA, sha)
	}
	// Plan registered nothing: the deploy found revision 1 live and made 2.
	want := map[string][2]string{}
	for _, s := range dm.Services {
		want[s.Service] = [2]string{s.TaskDefinitionBefore, s.TaskDefinitionAfter}
	}
	// 15 services: the backend and one per portal; two of them checked here.
	for _, svc := range []string{"bitflow-backend", "bitflow-frontend-student"} {
		got := want[svc]
		if !strings.HasSuffix(got[0], "/"+svc+":1") || !strings.HasSuffix(got[1], "/"+svc+":2") {
			t.Errorf("deploy of %s: task definition %s -> %s, want :1 -> :2 (plan must not register revisions)", svc, got[0], got[1])
		}
	}

	rm, _ := e2eManifest(t, "rollback", env.Rollback(client.BitflowEnvironmentRollbackOpts{Manifest: deployed}))
	if rm.Outcome != manifest.OutcomeSucceeded || rm.Strategy != "rollback" || rm.ID != "rollback-"+dm.ID {
		t.Fatalf("rollback manifest: outcome %q strategy %q id %q, want succeeded rollback rollback-%s", rm.Outcome, rm.Strategy, rm.ID, dm.ID)
	}
	for _, s := range rm.Services {
		if s.Service == "bitflow-backend" || s.Service == "bitflow-frontend-student" {
			if !strings.HasSuffix(s.TaskDefinitionBefore, ":2") || !strings.HasSuffix(s.TaskDefinitionAfter, ":1") {
				t.Errorf("rollback of %s: %s -> %s, want :2 -> :1 (back to the release before the deploy)", s.Service, s.TaskDefinitionBefore, s.TaskDefinitionAfter)
			}
		}
	}
	if len(rm.Services) == 0 {
		t.Error("rollback manifest lists no services")
	}
}

// TestDeployAllowFailureReturnsTheFailedManifest deploys a sha with no images
// in the emulator's ECR: with allow-failure the call succeeds and returns the
// manifest of the failed deploy; without it the call fails, its error
// carrying the manifest.
func TestDeployAllowFailureReturnsTheFailedManifest(t *testing.T) {
	env := emulatorEnvironment(t, "abc1234")
	opts := client.BitflowEnvironmentDeployOpts{Strategy: "rolling", AllowFailure: true}
	m, _ := e2eManifest(t, "deploy allow-failure", env.Deploy("0badc0de", opts))
	if m.Outcome != manifest.OutcomeFailed || m.GitSHA != "0badc0de" {
		t.Errorf("allow-failure manifest: outcome %q sha %q, want failed 0badc0de", m.Outcome, m.GitSHA)
	}
	opts.AllowFailure = false
	r := e2eCall(t, "deploy", func(ctx context.Context) (string, error) {
		return env.Deploy("0badc0de", opts).Contents(ctx)
	})
	if r.err == nil {
		t.Fatalf("a failed deploy without allow-failure succeeded:\n%s", lastLines(r.stdout, 20))
	}
	if !strings.Contains(r.stderr, "release manifest:") || !strings.Contains(r.stderr, `"outcome": "failed"`) {
		t.Errorf("the error of a failed deploy lacks its manifest:\n%s", lastLines(r.stderr, 40))
	}
}

// Dummy credentials: the emulator accepts any; they must never be printed.
const e2eAK, e2eSK = "AKIAENGINETESTFAKE01", "engineTestSecretNeverPrinted0123456789"

// e2eCall is an sdkCall against the emulator whose output must not show the dummy secrets.
func e2eCall(t *testing.T, what string, fn func(ctx context.Context) (string, error)) result {
	t.Helper()
	r := sdkCall(t, 15*time.Minute, what, fn)
	noSecrets(t, r.stdout+r.stderr)
	return r
}

// e2eManifest reads the release manifest a deploy or rollback returned, and
// gives it back as a File of that content. Deploy and rollback are never
// cached: handing their own File to another call would run them again, the
// way the CLI's `export` then `--manifest FILE` never does.
func e2eManifest(t *testing.T, what string, f *client.File) (*manifest.Manifest, *client.File) {
	t.Helper()
	body := mustSucceed(t, e2eCall(t, what, func(ctx context.Context) (string, error) { return f.Contents(ctx) }))
	m, err := manifest.Parse([]byte(body))
	if err != nil {
		t.Fatalf("%s: the returned manifest: %v\n%s", what, err, lastLines(body, 20))
	}
	return m, engine(t).File("manifest.json", body)
}

// emulatorEnvironment builds cmd/bitflow-deploy (its emulator verb) for
// linux/amd64, starts it in the engine as a service seeded with images tagged
// seedTag (stopped when the test ends), and opens the module's emulator
// environment with dummy keys and that service as the AWS endpoint.
func emulatorEnvironment(t *testing.T, seedTag string) *client.BitflowEnvironment {
	t.Helper()
	c := engine(t)
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "bitflow-deploy")
	buildEmulator(t, bin)
	emu := c.Container().From("alpine:3").
		WithFile("/usr/local/bin/bitflow-deploy", c.Host().File(bin)).
		WithDirectory("/repo/ci/environments", c.Host().Directory(filepath.Join(root, "ci", "environments"))).
		WithFile("/repo/bitflow-frontend/apps.json", c.Host().File(filepath.Join(root, "bitflow-frontend", "apps.json"))).
		WithWorkdir("/repo").
		WithExposedPort(4566).
		AsService(client.ContainerAsServiceOpts{Args: emulatorArgs(seedTag)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	if _, err := emu.Start(ctx); err != nil {
		t.Fatalf("start the emulator service: %v", err)
	}
	t.Logf("emulator service started: %.1fs", time.Since(start).Seconds())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := emu.Stop(ctx); err != nil {
			t.Logf("stop the emulator service: %v", err)
		}
	})
	// No BITFLOW_DAGGER_ARGS needed: plan, deploy and rollback use no base image.
	return c.WithAws(client.WithAwsOpts{
		AccessKeyID:     c.SetSecret("bitflow-e2e-ak", e2eAK),
		SecretAccessKey: c.SetSecret("bitflow-e2e-sk", e2eSK),
		Endpoint:        emu,
	}).Environment("emulator")
}

func noSecrets(t *testing.T, output string) {
	t.Helper()
	for _, secret := range []string{e2eAK, e2eSK} {
		if strings.Contains(output, secret) {
			t.Fatal("a dummy AWS secret value appeared in the output")
		}
	}
}
