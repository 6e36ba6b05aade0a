package deploy

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestKilledRunIsClosedAsAbandonedAndARollbackOfWhatECSRevertedIsRefused is
// issue 21's story: a native-canary deploy is SIGKILLed in a PAUSE hook, ECS
// rolls the canary back at the hook timeout, then a bare rollback takes over
// the expired lock. The rollback closes the dead run's record (abandoned:
// when, by whom, what was live) and, since ECS already reverted the release,
// does not report success for doing nothing: it is refused, saying what ECS
// reverted and when, what is live, and that nothing older can be undone.
func TestKilledRunIsClosedAsAbandonedAndARollbackOfWhatECSRevertedIsRefused(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	n.onLine = func(l string) {
		if strings.Contains(l, "paused at hook") && !n.sw.Killed() {
			n.sw.Kill(nil) // SIGKILL: no further call, no record written, the lock not released
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opts := n.options()
	opts.State = State{Owner: "alice@laptop"}
	done := make(chan *manifest.Manifest, 1)
	go func() { m, _ := Deploy(ctx, opts); done <- m }()
	sd := n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	cancel()
	dead := <-done
	n.sw.Revive() // another runner, on a machine that works

	h := n.history(t)
	if len(h) != 1 || h[0].Outcome != manifest.OutcomeInProgress {
		t.Fatalf("the killed run's record: %+v", h)
	}
	n.srv.ResetCalls()
	rb, err := Rollback(context.Background(), n.rollbackOpts("bob@ci"))

	// The rollback is refused: nothing to undo, and it says why.
	if !errors.Is(err, ErrRefused) || rb.Outcome != manifest.OutcomeRefused {
		t.Fatalf("rollback after ECS reverted the release: %v (outcome %s)", err, rb.Outcome)
	}
	at := sd.Rollback.StartedAt.UTC().Format(clockMinute)
	for _, want := range []string{"nothing to undo: release " + dead.ID, "rolled back by ECS at " + at, "timed out",
		"live: what ran before it", "no older release in the ledger to undo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal misses %q:\n%v", want, err)
		}
	}
	out := n.out.String() // the rollback's lines (the deploy wrote to its own writer)
	if !strings.Contains(out, "rollback "+rb.ID+": refused") || strings.Contains(out, "deploy "+rb.ID) {
		t.Errorf("the rollback's end line:\n%s", out)
	}
	if mut := n.mutating(); len(mut) != 0 {
		t.Errorf("a refused rollback changed the account: %v", mut)
	}

	// The killed run's record is closed: abandoned, when, by whom, what was live.
	h = n.history(t)
	rec := h.ByID(dead.ID)
	if rec == nil || rec.Outcome != manifest.OutcomeAbandoned || rec.FinishedAt.IsZero() || rec.Abandoned == nil {
		t.Fatalf("the killed run's record after the takeover: %+v", rec)
	}
	ab := rec.Abandoned
	if ab.By != rb.ID || ab.ByWho != "bob@ci" || !strings.Contains(ab.Why, "alice@laptop") || !strings.Contains(ab.Why, "expired at") ||
		ab.Live["bitflow-backend"] != rec.Services[0].TaskDefinitionBefore || ab.Live["bitflow-backend"] == rec.Services[0].TaskDefinitionAfter {
		t.Errorf("abandonment %+v", ab)
	}
	// The stage that was running when the run died says it was abandoned,
	// ending when the record was closed; no stage is left running.
	var abandonedStages []string
	for _, st := range rec.Stages {
		switch st.Status {
		case manifest.StageRunning:
			t.Errorf("stage %s of the closed record is still running", st.Name)
		case manifest.StageStatus("abandoned"):
			abandonedStages = append(abandonedStages, st.Name)
			if !st.FinishedAt.Equal(ab.At) || !strings.Contains(st.Error, "the run died during this stage") {
				t.Errorf("abandoned stage %s: finished %v (record closed %v), error %q", st.Name, st.FinishedAt, ab.At, st.Error)
			}
		}
	}
	if len(abandonedStages) != 1 || rec.FailedStage != abandonedStages[0] {
		t.Errorf("abandoned stages %v, failedStage %q; want the one stage that was running", abandonedStages, rec.FailedStage)
	}
	if !strings.Contains(out, "closed the record of "+dead.ID) || !strings.Contains(out, "as abandoned") {
		t.Errorf("no line about the closed record:\n%s", out)
	}

	// releases and the DORA numbers follow: a dead deploy is a failed change.
	s := h.Summarize()
	if s.Deploys != 1 || s.Failed != 1 || s.ChangeFailureRate != 1 {
		t.Errorf("summary %+v, want 1 deploy, 1 failed change, rate 1", s)
	}
	var w bytes.Buffer
	h.Write(&w)
	if !strings.Contains(w.String(), "abandoned: its lock (deploy by alice@laptop) expired at") ||
		!strings.Contains(w.String(), "live then: no release of the ledger; 0 of 1 services on its new revision") || !strings.Contains(w.String(), "change failure rate: 100%") ||
		!strings.Contains(w.String(), " abandoned (running when the run died; closed "+ab.At.UTC().Format("15:04:05Z")+")") || strings.Contains(w.String(), " running ") {
		t.Errorf("releases:\n%s", w.String())
	}
}

// TestRollbackMarksWhatItUndid: the record of the release a rollback undid
// names that rollback and when, and releases says so.
func TestRollbackMarksWhatItUndid(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	ctx := context.Background()
	m, err := Deploy(ctx, f.options())
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Rollback(ctx, f.rollbackOpts("carol@laptop"))
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, f.out)
	}
	h := f.history(t)
	rec := h.ByID(m.ID)
	if rec.UndoneBy != rb.ID || rec.UndoneAt == nil || !rec.UndoneAt.Equal(rb.FinishedAt) {
		t.Fatalf("the undone record says undoneBy %q at %v, want %s at %v", rec.UndoneBy, rec.UndoneAt, rb.ID, rb.FinishedAt)
	}
	var w bytes.Buffer
	h.Write(&w)
	if !strings.Contains(w.String(), "undone by "+rb.ID) || !strings.Contains(w.String(), "change failure rate: 100%") {
		t.Errorf("releases:\n%s", w.String())
	}
	// Undoing it again is refused, not a success that did nothing.
	opts := f.rollbackOpts("carol@laptop")
	opts.Release = m.ID
	if _, err := Rollback(ctx, opts); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "undone by rollback "+rb.ID) {
		t.Fatalf("second rollback of %s: %v", m.ID, err)
	}
}
