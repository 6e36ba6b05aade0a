package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func greenWeights(changes []awsemu.TrafficChange) []int32 {
	var out []int32
	for _, c := range changes {
		out = append(out, c.Weights["bitflow-backend-green"])
	}
	return out
}

func TestCanaryThreeSteps(t *testing.T) {
	b := newBGFixture(t, config.StrategyCanary, awsemu.Timing{})
	b.srv.Throttle("elbv2.ModifyListener", 2) // the SDK retryer must ride this out
	m, err := Deploy(context.Background(), b.options())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.out)
	}
	if n := b.srv.CountCalls("elbv2.ModifyListener"); n != 2+1+3 {
		t.Errorf("ModifyListener calls %d, want 6 (2 throttled, the test listener, 3 steps)", n)
	}
	want := "validate:succeeded credentials:succeeded lock:succeeded check-images:succeeded prepare:succeeded render-task-definitions:succeeded migrate:succeeded " +
		"deploy-idle:succeeded wait-idle:succeeded health-gate:succeeded shift-10:succeeded bake-10:succeeded " +
		"shift-50:succeeded bake-50:succeeded shift-100:succeeded bake-100:succeeded deploy-others:succeeded wait-others:succeeded scale-down-old:succeeded"
	if got := stageNames(m); got != want {
		t.Errorf("stages:\n got  %s\n want %s", got, want)
	}
	changes := b.productionChanges()
	if got := greenWeights(changes); len(got) != 3 || got[0] != 10 || got[1] != 50 || got[2] != 100 {
		t.Errorf("green weights on the production listener %v, want [10 50 100]", got)
	}
	for _, c := range changes {
		if len(c.NotHealthy) != 0 || c.Weights["bitflow-backend-blue"]+c.Weights["bitflow-backend-green"] != 100 {
			t.Errorf("traffic change %+v", c)
		}
	}
	for _, step := range []string{"bake-10", "bake-50", "bake-100"} {
		if s := m.Stage(step); s == nil || s.Duration() < bgCanaryBake {
			t.Errorf("stage %s = %+v, want a bake of at least %s", step, s, bgCanaryBake)
		}
	}
	if b.live(t) != "green" || m.Traffic.LiveColourAfter != "green" || m.Strategy != config.StrategyCanary {
		t.Errorf("live %s, manifest %+v", b.live(t), m.Traffic)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestCanaryFailureAtStepTwoRollsBack(t *testing.T) {
	b := newBGFixture(t, config.StrategyCanary, awsemu.Timing{})
	opts := b.options()
	opts.OnStage = func(st manifest.Stage) {
		if st.Name == "bake-50" && st.Status == manifest.StageRunning {
			b.srv.NeverHealthy("bitflow-backend-green") // the new release starts failing its health checks
		}
	}
	m, err := Deploy(context.Background(), opts)
	if !errors.Is(err, ErrRolledBack) {
		t.Fatalf("canary failing at 50%%: %v, want ErrRolledBack\n%s", err, b.out)
	}
	if m.Outcome != manifest.OutcomeRolledBack || m.FailedStage != "bake-50" {
		t.Errorf("outcome %s at %q, want rolled_back at bake-50", m.Outcome, m.FailedStage)
	}
	if m.Stage("shift-100") != nil || m.Stage(StageScaleDownOld) != nil {
		t.Errorf("stages after the failed step ran: %s", stageNames(m))
	}
	if got := greenWeights(b.productionChanges()); len(got) != 3 || got[0] != 10 || got[1] != 50 || got[2] != 0 {
		t.Errorf("green weights %v, want [10 50 0]", got)
	}
	if b.live(t) != "blue" || m.Traffic.LiveColourAfter != "blue" {
		t.Errorf("live %s, manifest traffic %+v; want blue", b.live(t), m.Traffic)
	}
	if _, desired, running := b.service(t, "bitflow-backend-blue"); desired != 3 || running != 3 {
		t.Errorf("blue %d/%d, want 3/3", running, desired)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}
