package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// BenchmarkNativeLinearOverheadPerStep deploys one service natively with
// LINEAR 25 % steps (4 production steps, 1 min step bake and 1 min bake,
// scripted by ECS, here the emulator on a manual clock). It reports the
// scripted rollout time (emulated minutes from the deploy stage to
// SUCCESSFUL), and the toolkit's own cost per gated step: wall time of the
// wait stage and AWS calls, divided by the PAUSE hooks it answered (POST_TEST,
// one per step, POST_PRODUCTION). On the manual clock ECS's waits cost no
// wall time, so the wall time is the toolkit's overhead (polls, gates:
// target health, HTTP check, GetMetricData, ContinueServiceDeployment).
func BenchmarkNativeLinearOverheadPerStep(b *testing.B) {
	var wall, emulated time.Duration
	var calls, polls, steps int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		n := newNativeFixture(b, config.StrategyNativeLinear, 1)
		opts := n.options()
		var started time.Time
		var before int
		opts.OnStage = func(st manifest.Stage) {
			if st.Name != StageWait {
				return
			}
			if st.Status == manifest.StageRunning {
				started, before = time.Now(), len(n.srv.Calls())
				return
			}
			wall += time.Since(started)
			emulated += st.Duration()
			calls += len(n.srv.Calls()) - before
		}
		b.StartTimer()
		_, err := Deploy(context.Background(), opts)
		b.StopTimer()
		if err != nil {
			b.Fatalf("deploy: %v\n%s", err, n.out.String())
		}
		steps += n.count("ecs.ContinueServiceDeployment")
		polls += n.count("ecs.DescribeServiceDeployments")
	}
	perStep := wall / time.Duration(max(steps, 1))
	b.ReportMetric(float64(perStep.Microseconds())/1000, "wall-ms/step")
	b.ReportMetric(emulated.Minutes()/float64(b.N), "scripted-min/op")
	b.ReportMetric(float64(calls)/float64(max(steps, 1)), "calls/step")
	b.ReportMetric(float64(polls)/emulated.Minutes(), "polls/min")
	b.Logf("toolkit: %s and %.1f AWS calls per gated step (%d steps) vs the scripted rollout's %.1f min; overhead/rollout %.3f%%",
		perStep, float64(calls)/float64(max(steps, 1)), steps/b.N, emulated.Minutes()/float64(b.N), 100*float64(wall)/float64(emulated))
}
