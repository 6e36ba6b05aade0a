package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func (f *fixture) lockStore() *lock.Store {
	return &lock.Store{Client: awsx.S3(f.cfg), Bucket: f.env.State.Bucket, Prefix: f.env.State.Prefix}
}

func (f *fixture) history(t *testing.T) ledger.History {
	t.Helper()
	h, err := ledger.New(awsx.S3(f.cfg), *f.env.State).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) runs(t *testing.T, service string) string {
	t.Helper()
	cur, err := ecs.DescribeServices(context.Background(), awsecs.NewFromConfig(f.cfg), f.env.Cluster, []string{service})
	if err != nil {
		t.Fatal(err)
	}
	return shortARN(aws.ToString(cur[service].TaskDefinition))
}

func (f *fixture) rollbackOpts(owner string) RollbackOptions {
	return RollbackOptions{Env: f.env, AWS: f.cfg, Out: f.out, OutputPath: filepath.Join(f.dir, "rollback.json"), State: State{Owner: owner}, Clock: f.clock}
}

// pushRelease pushes every image of the environment tagged sha.
func (f *fixture) pushRelease(t *testing.T, sha string) {
	t.Helper()
	for _, app := range f.env.AppsDeployed() {
		if _, err := seed.PushImage(context.Background(), awsecr.NewFromConfig(f.cfg), f.env.Repository(app), sha); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentDeploySecondFailsNamingTheHolderWithoutRunTask(t *testing.T) {
	f := newFixture(t, awsemu.Timing{TaskStop: 1500 * time.Millisecond}) // the first run's migration takes 1.5 s
	first := f.options()
	first.State = State{Owner: "alice@laptop", RunURL: "https://ci.example/runs/7"}
	migrating := make(chan struct{})
	first.OnStage = func(st manifest.Stage) {
		if st.Name == StageMigrate && st.Status == manifest.StageRunning {
			close(migrating)
		}
	}
	done := make(chan error, 1)
	go func() { _, err := Deploy(context.Background(), first); done <- err }()
	<-migrating
	for f.srv.CountCalls("ecs.RunTask") == 0 { // the first run's migration task is running
		time.Sleep(10 * time.Millisecond)
	}
	runTasks := f.srv.CountCalls("ecs.RunTask")

	second := f.options()
	second.ManifestPath = filepath.Join(f.dir, "second.json")
	second.State = State{Owner: "bob@ci"}
	start := time.Now()
	m, err := Deploy(context.Background(), second)
	var held *lock.HeldError
	if !errors.As(err, &held) || !strings.Contains(err.Error(), "locked by alice@laptop (deploy of "+newSHA) || m.FailedStage != StageLock {
		t.Fatalf("second deploy: %v (failed stage %q)", err, m.FailedStage)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("the second deploy took %s to fail: it must fail at once", time.Since(start))
	}
	if n := f.srv.CountCalls("ecs.RunTask"); n != runTasks {
		t.Errorf("RunTask calls went %d -> %d during the refused deploy", runTasks, n)
	}
	if err := <-done; err != nil {
		t.Fatalf("first deploy: %v\n%s", err, f.out)
	}
	if n := f.srv.CountCalls("ecs.RunTask"); n != 1 {
		t.Errorf("%d RunTask calls in all, want 1 (the first deploy's migration)", n)
	}
	// Both runs are in the ledger; the refused one says why.
	h := f.history(t)
	if len(h) != 1 || h[0].StartedBy != "alice@laptop" || h[0].Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("ledger %d records: %+v", len(h), h)
	}
	if got, _, _ := f.lockStore().Status(context.Background()); got != nil {
		t.Errorf("lock still held after both runs: %+v", got)
	}
}

func TestCancelledDeployReleasesTheLockAndRollbackEnvUndoesItFromTheLedger(t *testing.T) {
	f := newFixture(t, awsemu.Timing{Rollout: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	opts := f.options()
	opts.ManifestPath = "" // as under Dagger: the local file is lost, only the ledger has the record
	opts.OnStage = func(st manifest.Stage) {
		if st.Name == StageWait && st.Status == manifest.StageRunning {
			cancel() // what SIGINT does to the CLI's context
		}
	}
	m, err := Deploy(ctx, opts)
	if !errors.Is(err, context.Canceled) || m.Outcome != manifest.OutcomeCancelled {
		t.Fatalf("cancelled deploy: %v %s", err, m.Outcome)
	}
	if got, _, err := f.lockStore().Status(context.Background()); err != nil || got != nil {
		t.Fatalf("lock after the cancel: %v %+v", err, got)
	}
	if n := f.srv.CountCalls("s3.DeleteObject"); n != 1 {
		t.Errorf("%d DeleteObject calls, want 1 (the lock's release)", n)
	}
	h := f.history(t)
	if len(h) != 1 || h[0].Outcome != manifest.OutcomeCancelled || len(h[0].Services) != len(f.env.Services) || h[0].Stage(StageWait).Status != manifest.StageCancelled {
		t.Fatalf("ledger after the cancel: %+v", h)
	}
	if f.runs(t, "bitflow-backend") != "bitflow-backend:2" {
		t.Fatalf("backend runs %s", f.runs(t, "bitflow-backend"))
	}
	rb, err := Rollback(context.Background(), f.rollbackOpts("carol@laptop"))
	if err != nil {
		t.Fatalf("rollback --env: %v\n%s", err, f.out)
	}
	if rb.Undoes != m.ID {
		t.Errorf("rollback undid %q, want %s", rb.Undoes, m.ID)
	}
	for _, s := range f.env.Services {
		if got := f.runs(t, s.Name); !strings.HasSuffix(got, ":1") {
			t.Errorf("%s runs %s after the rollback, want revision 1", s.Name, got)
		}
	}
}

func TestStaleLockIsTakenOverWithAMessage(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	dead := lock.Info{Environment: f.env.Name, Owner: "dead@host", Operation: "deploy", SHA: "0000000",
		StartedAt: f.clock.Now().Add(-time.Hour), ExpiresAt: f.clock.Now().Add(-50 * time.Minute)}
	body, _ := json.Marshal(dead)
	if _, err := awsx.S3(f.cfg).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(f.env.State.Bucket),
		Key: aws.String(f.lockStore().Key()), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	if _, err := Deploy(context.Background(), f.options()); err != nil {
		t.Fatalf("deploy over a stale lock: %v\n%s", err, f.out)
	}
	if !strings.Contains(f.out.String(), "took over the expired lock of dead@host (deploy of 0000000") {
		t.Errorf("no takeover line:\n%s", f.out)
	}
}

func TestRollbackOfAnOlderReleaseIsRefusedWhileANewerIsLive(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	ctx := context.Background()
	older, err := Deploy(ctx, f.options())
	if err != nil {
		t.Fatal(err)
	}
	olderPath := filepath.Join(f.dir, "older.json")
	if err := older.Write(olderPath); err != nil {
		t.Fatal(err)
	}
	f.pushRelease(t, "3333333")
	newer := f.options()
	newer.GitSHA = "3333333"
	newer.ManifestPath = filepath.Join(f.dir, "newer.json")
	nm, err := Deploy(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.ResetCalls()
	opts := f.rollbackOpts("carol@laptop")
	opts.ManifestPath = olderPath
	rm, err := Rollback(ctx, opts)
	// One clause for the 15 services that share the cause (issue 21: it was
	// ~6 KB, one clause per service), the outcome refused, not failed.
	if err == nil || !strings.Contains(err.Error(), "all 15 services: runs revision 3 (release "+older.ID+" left revision 2)") ||
		!strings.Contains(err.Error(), "put there by release "+nm.ID) || !strings.Contains(err.Error(), "--force") || len(err.Error()) > 500 {
		t.Fatalf("rollback of the older release (%d characters): %v", len(err.Error()), err)
	}
	if rm.Outcome != manifest.OutcomeRefused || !strings.Contains(f.out.String(), "rollback "+rm.ID+": refused") {
		t.Errorf("refused rollback: outcome %s\n%s", rm.Outcome, f.out)
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("refused rollback changed the account: %v", mut)
	}
	// The same by sha, from the ledger.
	opts = f.rollbackOpts("carol@laptop")
	opts.SHA = newSHA
	if _, err := Rollback(ctx, opts); err == nil || !strings.Contains(err.Error(), "a newer release than "+older.ID+" is live") {
		t.Fatalf("rollback --sha of the older release: %v", err)
	}
	// rollback --env undoes the newest, then the older one is live and can be undone.
	if rb, err := Rollback(ctx, f.rollbackOpts("carol@laptop")); err != nil || rb.Undoes != nm.ID || f.runs(t, "bitflow-backend") != "bitflow-backend:2" {
		t.Fatalf("rollback of the newest: %v, backend %s", err, f.runs(t, "bitflow-backend"))
	}
	if rb, err := Rollback(ctx, f.rollbackOpts("carol@laptop")); err != nil || rb.Undoes != older.ID || f.runs(t, "bitflow-backend") != "bitflow-backend:1" {
		t.Fatalf("rollback of the older one next: %v, backend %s", err, f.runs(t, "bitflow-backend"))
	}
}

func TestForcedRollbackSaysWhatItOverrides(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	ctx := context.Background()
	if _, err := Deploy(ctx, f.options()); err != nil {
		t.Fatal(err)
	}
	f.pushRelease(t, "3333333")
	newer := f.options()
	newer.GitSHA = "3333333"
	if _, err := Deploy(ctx, newer); err != nil {
		t.Fatal(err)
	}
	opts := f.rollbackOpts("carol@laptop")
	opts.SHA, opts.Force = newSHA, true
	if _, err := Rollback(ctx, opts); err != nil {
		t.Fatalf("forced rollback: %v", err)
	}
	if !strings.Contains(f.out.String(), "--force overrides: service bitflow-backend runs bitflow-backend:3") || f.runs(t, "bitflow-backend") != "bitflow-backend:1" {
		t.Errorf("forced rollback: backend %s\n%s", f.runs(t, "bitflow-backend"), f.out)
	}
}

func TestTamperedManifestIsRefused(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	ctx := context.Background()
	if _, err := Deploy(ctx, f.options()); err != nil {
		t.Fatal(err)
	}
	path := f.options().ManifestPath
	m, err := manifest.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Services[0].TaskDefinitionBefore = strings.Replace(m.Services[0].TaskDefinitionBefore, ":1", ":7", 1)
	m.GitSHA = "evil"
	if err := m.Write(path); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetCalls()
	opts := f.rollbackOpts("mallory@host")
	opts.ManifestPath = path
	_, err = Rollback(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "does not match the ledger's record") || !strings.Contains(err.Error(), "gitSha, services") {
		t.Fatalf("tampered manifest: %v", err)
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("refused rollback changed the account: %v", mut)
	}
	// A manifest of a release the ledger never saw is refused too.
	m.ID = "emulator-forged-1"
	_ = m.Write(path)
	if _, err := Rollback(ctx, opts); err == nil || !strings.Contains(err.Error(), "is not in the ledger") {
		t.Fatalf("forged manifest: %v", err)
	}
	_ = os.Remove(path)
}

func TestEnvironmentWithoutStateSaysSo(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.env.State = nil
	m, err := Deploy(context.Background(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	if st := m.Stage(StageLock); st == nil || st.Status != manifest.StageSkipped || !strings.Contains(st.Error, "takes no lock") {
		t.Errorf("lock stage %+v", st)
	}
	if n := len(f.stateCalls()); n != 0 {
		t.Errorf("%d S3 calls without a state location", n)
	}
}

func TestCredentialsThatExpireBeforeTheWorstCaseAreRefused(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	opts := f.options()
	expires := f.clock.Now().Add(time.Hour)
	opts.AWS.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "x", SessionToken: "y", CanExpire: true, Expires: expires}, nil
	})
	f.env.Timeouts.Deploy = config.D(70 * time.Minute) // migration 20s + rollout 70m + health 1m: over the hour
	m, err := Deploy(context.Background(), opts)
	if err == nil || m.FailedStage != StageCredentials || !strings.Contains(err.Error(), "expire in 1h0m0s") || !strings.Contains(err.Error(), "can take 1h11m20s") {
		t.Fatalf("deploy with short credentials: %v (failed stage %s)", err, m.FailedStage)
	}
	if n := len(f.srv.Calls()); n != 0 {
		t.Errorf("%d AWS calls before the refusal, want 0", n)
	}
	f.env.Timeouts.Deploy = config.D(20 * time.Second)
	if _, err := Deploy(context.Background(), opts); err != nil {
		t.Fatalf("deploy with long enough credentials: %v", err)
	}
}

// TestDeployDuringAnotherBakeIsRefused: the race (a second deploy
// read the live colour during the first one's bake and deployed onto the
// other colour) cannot happen: the second deploy is refused at its lock
// stage, before it reads or changes anything.
func TestDeployDuringAnotherBakeIsRefused(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	first := b.options()
	first.State = State{Owner: "alice@laptop"}
	var second *manifest.Manifest
	var secondErr error
	var during []string
	first.OnStage = func(st manifest.Stage) {
		if st.Name == StageBake && st.Status == manifest.StageRunning && second == nil {
			before := len(b.mutating())
			opts := b.options()
			opts.ManifestPath = filepath.Join(b.dir, "second.json")
			opts.State = State{Owner: "bob@ci"}
			second, secondErr = Deploy(context.Background(), opts)
			during = b.mutating()[before:]
		}
	}
	if _, err := Deploy(context.Background(), first); err != nil {
		t.Fatalf("first deploy: %v\n%s", err, b.out)
	}
	var held *lock.HeldError
	if second == nil || !errors.As(secondErr, &held) || held.Holder.Owner != "alice@laptop" || second.FailedStage != StageLock {
		t.Fatalf("deploy during the bake: %v", secondErr)
	}
	if len(during) != 0 {
		t.Errorf("the refused deploy changed the account: %v", during)
	}
	if b.live(t) != "green" {
		t.Errorf("live after the first deploy = %s, want green", b.live(t))
	}
}
