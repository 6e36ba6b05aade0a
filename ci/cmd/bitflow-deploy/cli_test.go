package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func TestCheckVerb(t *testing.T) {
	t.Chdir("../../..")
	for _, env := range []string{"production", "staging", "emulator"} {
		if code, out, errOut := runCLI(t, context.Background(), "check", "--env", env, "--offline"); code != 0 || !strings.Contains(out, ": ok") ||
			!strings.Contains(out, "  ecs service bitflow-frontend-student: runs family bitflow-frontend-student, attached to target group ") {
			t.Errorf("check %s: %d %s %s", env, code, out, errOut)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nregion: mars-1\nfoo: 1\n"), 0o644)
	code, _, errOut := runCLI(t, context.Background(), "check", "--config", bad)
	if code != exitUsage || !strings.Contains(errOut, bad+": region (line 2)") || !strings.Contains(errOut, `unknown key "foo"`) {
		t.Errorf("bad config: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, context.Background(), "check", "--env", "nope"); code != exitUsage || !strings.Contains(errOut, "environments/nope.yaml") {
		t.Errorf("missing env: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, context.Background(), "frobnicate"); code != exitUsage {
		t.Errorf("unknown verb: %d", code)
	}
	if code, _, errOut := runCLI(t, context.Background(), "deploy", "--env", "emulator", "--sha", "abc1234", "--wait-until", "BAKE"); code != exitUsage || !strings.Contains(errOut, `--wait-until "BAKE" is not a lifecycle stage`) {
		t.Errorf("bad --wait-until: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, context.Background(), "deploy", "--env", "emulator"); code != exitUsage || !strings.Contains(errOut, "--sha is required") {
		t.Errorf("deploy without sha: %d %s", code, errOut)
	}
}

// TestDeployVerbAgainstEmulator runs the CLI end to end: a seeded emulator,
// a release pushed to ECR, bitflow-deploy deploy --endpoint.
func TestDeployVerbAgainstEmulator(t *testing.T) {
	srv, env := seededRelease(t, awsemu.Options{})
	ctx := context.Background()
	// check: read-only; the seed made no blue/green colours, so those are missing.
	srv.ResetCalls()
	code, out, _ := runCLI(t, ctx, "check", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL)
	if code != exitFailed || !strings.Contains(out, "  ok          ecs service bitflow-frontend-student\n") ||
		!strings.Contains(out, "  MISSING     ecs service bitflow-backend-green\n") || !strings.Contains(out, "  placeholder account 123456789012") {
		t.Errorf("check exit %d\n%s", code, out)
	}
	if mut := srv.MutatingCalls(); len(mut) != 0 {
		t.Errorf("check made %d mutating calls: %+v", len(mut), mut)
	}
	// plan: read-only, prints the diff, makes no mutating call.
	srv.ResetCalls()
	code, out, errOut := runCLI(t, ctx, "plan", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1")
	if code != exitOK || !strings.Contains(out, "bitflow-backend") || !strings.Contains(out, "@sha256:") {
		t.Fatalf("plan exit %d\n%s\n%s", code, out, errOut)
	}
	if mut := srv.MutatingCalls(); len(mut) != 0 {
		t.Errorf("plan made %d mutating calls: %+v", len(mut), mut)
	}
	if code, out, _ := runCLI(t, ctx, "plan", "--json", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1"); code != exitOK || !strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Errorf("plan --json exit %d: %.200s", code, out)
	}

	mpath := filepath.Join(t.TempDir(), "m.json")
	start := time.Now()
	code, out, errOut = runCLI(t, ctx, "deploy", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1", "--manifest", mpath, "--no-report")
	if code != exitOK {
		t.Fatalf("exit %d after %s\n%s\n%s", code, time.Since(start), out, errOut)
	}
	m, err := manifest.Read(mpath)
	if err != nil || m.Outcome != manifest.OutcomeSucceeded || m.GitSHA != "abcdef1" || len(m.Services) != 15 {
		t.Fatalf("manifest %v %+v", err, m)
	}
	// Roll the release back from its manifest: services return to revision 1.
	code, out, errOut = runCLI(t, ctx, "rollback", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--manifest", mpath, "--no-report")
	if code != exitOK {
		t.Fatalf("rollback exit %d\n%s\n%s", code, out, errOut)
	}
	for _, sc := range m.Services {
		svcs, err := ecs.DescribeServices(ctx, awsecs.NewFromConfig(srv.AWSConfig()), sc.Cluster, []string{sc.Service})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(svcs[sc.Service].TaskDefinition); got != sc.TaskDefinitionBefore {
			t.Errorf("after rollback %s runs %s, want %s", sc.Service, got, sc.TaskDefinitionBefore)
		}
	}

	// A retry of the same release does not run its migrations twice (ledger).
	runTasks := srv.CountCalls("ecs.RunTask")
	code, out, errOut = runCLI(t, ctx, "deploy", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1", "--manifest", mpath, "--no-report")
	if code != exitOK || !strings.Contains(out, "migrations of abcdef1 already ran (exit 0) in release "+m.ID) || srv.CountCalls("ecs.RunTask") != runTasks {
		t.Errorf("retry of abcdef1: exit %d, RunTask %d -> %d\n%s\n%s", code, runTasks, srv.CountCalls("ecs.RunTask"), out, errOut)
	}

	pushRelease(t, srv, env, "abcdef2")
	srv.FailTasks("bitflow-migration", 2, "boom")
	code, _, errOut = runCLI(t, ctx, "deploy", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef2", "--manifest", mpath, "--no-report")
	if code != exitFailed || !strings.Contains(errOut, "exit code 2") {
		t.Errorf("failing migration: exit %d\n%s", code, errOut)
	}

	// The ledger has all four runs, newest first, and the summary.
	code, out, errOut = runCLI(t, ctx, "releases", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL)
	if code != exitOK || strings.Count(out, "\n    stages: ") != 4 || !strings.Contains(out, "undid "+m.ID) ||
		!strings.Contains(out, "3 deploys (2 succeeded)") || !strings.Contains(out, "change failure rate: 67% (2 of the finished deploys)") {
		t.Errorf("releases: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, ctx, "lock", "status", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL); code != exitOK || !strings.Contains(out, "emulator: unlocked (s3://bitflow-deploy-state/emulator/lock.json)") {
		t.Errorf("lock status after the runs: %d %s", code, out)
	}
}

// seededRelease serves an emulator seeded with the emulator environment at
// release 1111111 and with every image of release abcdef1 pushed to ECR.
func seededRelease(t *testing.T, opts awsemu.Options) (*awsemu.Server, *config.Environment) {
	t.Helper()
	srv := emutest.Start(t, opts)
	if _, err := seed.Bitflow(context.Background(), srv.AWSConfig(), seed.Options{ImageTag: "1111111"}); err != nil {
		t.Fatal(err)
	}
	env, err := config.Load("../../environments/emulator.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pushRelease(t, srv, env, "abcdef1")
	return srv, env
}

// pushRelease pushes every image of the environment's apps, tagged tag.
func pushRelease(t *testing.T, srv *awsemu.Server, env *config.Environment, tag string) {
	t.Helper()
	for _, app := range env.AppsDeployed() {
		if _, err := seed.PushImage(context.Background(), awsecr.NewFromConfig(srv.AWSConfig()), env.Repository(app), tag); err != nil {
			t.Fatal(err)
		}
	}
}
