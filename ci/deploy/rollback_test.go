package deploy

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// crashAt runs a deploy that dies (panics, as a killed process would stop)
// when the named stage starts; the manifest file is what it left behind.
func crashAt(t *testing.T, b *bgFixture, stage string) {
	t.Helper()
	opts := b.options()
	opts.OnStage = func(st manifest.Stage) {
		if st.Name == stage && st.Status == manifest.StageRunning {
			panic("simulated crash at " + stage)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "simulated crash") {
				t.Fatalf("deploy did not crash at %s: %v", stage, r)
			}
		}()
		_, _ = Deploy(context.Background(), opts)
	}()
}

func (b *bgFixture) rollbackOptions() RollbackOptions {
	return RollbackOptions{Env: b.env, ManifestPath: b.options().ManifestPath, Out: b.out, AWS: b.cfg, Clock: b.clock}
}

func TestRollbackAfterACrashDuringTheBake(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	blueTD, _, _ := b.service(t, "bitflow-backend-blue")
	crashAt(t, b, StageBake)
	left, err := manifest.Read(b.options().ManifestPath)
	if err != nil || left.Outcome != manifest.OutcomeInProgress || left.Traffic.LiveColourAfter != "green" {
		t.Fatalf("manifest left by the crash: %v %+v", err, left)
	}
	if b.live(t) != "green" {
		t.Fatalf("the crash should have left green live")
	}
	m, err := Rollback(context.Background(), b.rollbackOptions())
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, b.out)
	}
	want := "read-manifest:succeeded credentials:succeeded lock:succeeded choose-release:succeeded check-live:succeeded restore-old-colour:succeeded switch-back:succeeded restore-new-colour:succeeded restore-services:succeeded"
	if got := stageNames(m); got != want {
		t.Errorf("rollback stages:\n got  %s\n want %s", got, want)
	}
	if b.live(t) != "blue" {
		t.Errorf("live after rollback = %s, want blue", b.live(t))
	}
	if td, desired, running := b.service(t, "bitflow-backend-blue"); td != blueTD || desired != 3 || running != 3 {
		t.Errorf("blue %s %d/%d, want %s 3/3", td, running, desired, blueTD)
	}
	if _, desired, _ := b.service(t, "bitflow-backend-green"); desired != 0 {
		t.Errorf("green desired %d, want 0 as before the deploy", desired)
	}
	// The frontend was never updated (the crash came first): nothing to restore.
	if fe, _, _ := b.service(t, "bitflow-frontend-student"); !strings.HasSuffix(fe, ":1") {
		t.Errorf("frontend runs %s, want its first revision", fe)
	}
	if m.Outcome != manifest.OutcomeSucceeded || m.ID != "rollback-"+left.ID || m.Traffic.LiveColourBefore != "green" || m.Traffic.LiveColourAfter != "blue" {
		t.Errorf("rollback manifest %s %s %+v", m.Outcome, m.ID, m.Traffic)
	}
	if _, err := manifest.Read(filepath.Join(b.dir, "manifest.rollback.json")); err != nil {
		t.Errorf("rollback manifest file: %v", err)
	}
	// Idempotent: a second rollback changes nothing, and says so (refused:
	// nothing to undo, naming the rollback that undid it), not a success.
	b.srv.ResetCalls()
	if _, err := Rollback(context.Background(), b.rollbackOptions()); !errors.Is(err, ErrRefused) ||
		!strings.Contains(err.Error(), "nothing to undo") || !strings.Contains(err.Error(), "undone by rollback "+m.ID) {
		t.Fatalf("second rollback: %v", err)
	}
	if muts := b.mutating(); len(muts) != 0 {
		t.Errorf("second rollback made mutating calls %v", muts)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestRollbackScalesTheOldColourUpBeforeSwitching(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	if _, err := Deploy(context.Background(), b.options()); err != nil {
		t.Fatalf("deploy: %v\n%s", err, b.out)
	}
	frontendNew, _, _ := b.service(t, "bitflow-frontend-student")
	if _, desired, _ := b.service(t, "bitflow-backend-blue"); desired != 1 {
		t.Fatalf("blue desired %d after the deploy, want 1", desired)
	}
	m, err := Rollback(context.Background(), b.rollbackOptions())
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, b.out)
	}
	changes := b.productionChanges()
	last := changes[len(changes)-1]
	if last.Weights["bitflow-backend-blue"] != 100 || last.Healthy["bitflow-backend-blue"] != 3 || len(last.NotHealthy) != 0 {
		t.Errorf("switch back %+v, want blue with 3 healthy targets at that moment", last)
	}
	if _, desired, running := b.service(t, "bitflow-backend-blue"); desired != 3 || running != 3 {
		t.Errorf("blue %d/%d, want 3/3", running, desired)
	}
	if fe, _, _ := b.service(t, "bitflow-frontend-student"); fe == frontendNew || !strings.HasSuffix(fe, ":1") {
		t.Errorf("frontend runs %s after rollback, want revision 1 (was %s)", fe, frontendNew)
	}
	if _, desired, _ := b.service(t, "bitflow-backend-green"); desired != 0 {
		t.Errorf("green desired %d, want 0", desired)
	}
	if m.Stage(StageWaitServices) == nil {
		t.Errorf("rollback did not wait for the frontend: %s", stageNames(m))
	}
	// The old colour scaled back up and the frontend's way back are this run's rollouts.
	for _, svc := range []string{"bitflow-backend-blue", "bitflow-frontend-student"} {
		if sc := serviceChangeOf(m, svc); sc == nil || sc.Rollout == nil || sc.Rollout.Result != manifest.RolloutStable {
			t.Errorf("%s: the rollback's service change %+v, want a stable rollout", svc, sc)
		}
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestRollbackOfARollingDeployRestoresRevisions(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	before := map[string]string{}
	m, err := Deploy(context.Background(), f.options())
	if err != nil {
		t.Fatalf("rolling deploy: %v", err)
	}
	for _, sc := range m.Services {
		before[sc.Service] = sc.TaskDefinitionBefore
	}
	rb, err := Rollback(context.Background(), RollbackOptions{Env: f.env, ManifestPath: f.options().ManifestPath, Out: f.out, AWS: f.cfg, Clock: f.clock})
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, f.out)
	}
	if got := stageNames(rb); got != "read-manifest:succeeded credentials:succeeded lock:succeeded choose-release:succeeded check-live:succeeded restore-services:succeeded wait-services:succeeded" {
		t.Errorf("stages %s", got)
	}
	for svc, td := range before {
		b := &bgFixture{fixture: f}
		b.ecs = newECSClient(f)
		if now, _, _ := b.service(t, svc); now != td {
			t.Errorf("%s runs %s after rollback, want %s", svc, now, td)
		}
	}
	// The rollback's own manifest times each service's way back.
	for _, sc := range rb.Services {
		if ro := sc.Rollout; ro == nil || ro.Result != manifest.RolloutStable || ro.StartedAt.Before(rb.Stage(StageRestoreServices).StartedAt) {
			t.Errorf("%s: the rollback's rollout %+v, want stable", sc.Service, ro)
		}
	}
}

func TestRollbackRefusesAManifestOfAnotherEnvironment(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	crashAt(t, b, StageSwitch)
	other := *b.env
	other.Name = "staging"
	b.srv.ResetCalls()
	opts := b.rollbackOptions()
	opts.Env = &other
	m, err := Rollback(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), `for environment "emulator", not "staging"`) {
		t.Fatalf("rollback with the wrong environment: %v", err)
	}
	if m.Outcome != manifest.OutcomeFailed || len(b.srv.Calls()) != 0 {
		t.Errorf("outcome %s, %d calls; want failed before any call", m.Outcome, len(b.srv.Calls()))
	}
}
