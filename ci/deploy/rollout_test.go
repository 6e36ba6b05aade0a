package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestRollingRecordsEachServiceRollout: every service's rollout runs from
// its UpdateService (in the deploy stage) to the poll that saw it stable
// (in the wait stage), on the run's clock; a slow service's rollout is
// longer than the others'. The manifest on disk carries it too.
func TestRollingRecordsEachServiceRollout(t *testing.T) {
	f := newFixture(t, awsemu.Timing{Rollout: time.Second})
	const slow = "bitflow-backend"
	f.srv.SetRolloutTime(slow, 6*time.Second)
	m, err := Deploy(context.Background(), f.options())
	if err != nil {
		t.Fatalf("%v\n%s", err, f.out)
	}
	deploy, wait := m.Stage(StageDeploy), m.Stage(StageWait)
	if len(m.Services) != len(f.env.Services) {
		t.Fatalf("%d service changes, want %d", len(m.Services), len(f.env.Services))
	}
	for _, sc := range m.Services {
		ro := sc.Rollout
		if ro == nil || ro.Result != manifest.RolloutStable {
			t.Errorf("%s: rollout %+v, want stable", sc.Service, ro)
			continue
		}
		if ro.StartedAt.Before(deploy.StartedAt) || ro.StartedAt.After(deploy.FinishedAt) {
			t.Errorf("%s: rollout started %v, outside the deploy stage %v..%v", sc.Service, ro.StartedAt, deploy.StartedAt, deploy.FinishedAt)
		}
		if ro.FinishedAt.Before(wait.StartedAt) || ro.FinishedAt.After(wait.FinishedAt) {
			t.Errorf("%s: rollout finished %v, outside the wait stage %v..%v", sc.Service, ro.FinishedAt, wait.StartedAt, wait.FinishedAt)
		}
		took := ro.FinishedAt.Sub(ro.StartedAt)
		switch {
		case sc.Service == slow && took < 6*time.Second:
			t.Errorf("%s took %s, want at least its 6s rollout", sc.Service, took)
		case sc.Service != slow && (took < time.Second || took >= 6*time.Second):
			t.Errorf("%s took %s, want its 1s rollout (not the slow service's)", sc.Service, took)
		}
	}
	saved, err := manifest.Read(f.options().ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.Services[0].Rollout; got == nil || !got.Ended() {
		t.Errorf("the saved manifest lacks the rollout: %+v", got)
	}
}

// TestRollingRolloutFailures: the service the circuit breaker rolls back
// ends failed; one still rolling out when that failure ends the wait ends
// stopped; one that timed out ends failed.
func TestRollingRolloutFailures(t *testing.T) {
	t.Run("circuit breaker", func(t *testing.T) {
		f := newFixture(t, awsemu.Timing{Rollout: time.Second})
		const broken, slow = "bitflow-backend", "bitflow-frontend-student"
		f.srv.CircuitBreakerRollback(broken)
		f.srv.SetRolloutTime(slow, time.Hour)
		m, err := Deploy(context.Background(), f.options())
		if err == nil || m.FailedStage != StageWait { // the slow service's revert times out too: not rolled_back
			t.Fatalf("deploy: %v (failed stage %q)\n%s", err, m.FailedStage, f.out)
		}
		want := map[string]manifest.RolloutResult{broken: manifest.RolloutFailed, slow: manifest.RolloutStopped}
		for _, sc := range m.Services {
			ro := sc.Rollout
			if ro == nil || !ro.Ended() || ro.FinishedAt.Before(ro.StartedAt) {
				t.Errorf("%s: rollout %+v, want ended", sc.Service, ro)
				continue
			}
			if w, ok := want[sc.Service]; ok && ro.Result != w {
				t.Errorf("%s: rollout %s, want %s", sc.Service, ro.Result, w)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f := newFixture(t, awsemu.Timing{Rollout: time.Second})
		const slow = "bitflow-frontend-student"
		f.srv.SetRolloutTime(slow, time.Hour)
		f.env.Timeouts.Deploy = config.D(5 * time.Second)
		m, err := Deploy(context.Background(), f.options())
		if err == nil || m.FailedStage != StageWait || !strings.Contains(err.Error(), "not stable after") {
			t.Fatalf("deploy: %v (failed stage %q)\n%s", err, m.FailedStage, f.out)
		}
		for _, sc := range m.Services {
			want := manifest.RolloutStable
			if sc.Service == slow {
				want = manifest.RolloutFailed
			}
			if sc.Rollout == nil || sc.Rollout.Result != want {
				t.Errorf("%s: rollout %+v, want %s", sc.Service, sc.Rollout, want)
			}
		}
	})
}
