package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
)

// BenchmarkColourDeployOverhead runs whole blue/green and canary deploys
// against the emulator and reports the time the pipeline adds on top of
// what the emulator is scripted to take: the migration task (start, run,
// stop), the idle colour's rollout, the frontend rollout, and the bakes.
func BenchmarkColourDeployOverhead(b *testing.B) {
	timing := awsemu.DefaultTiming
	migration := timing.TaskStart + 2*timing.TaskStop
	for _, c := range []struct {
		strategy string
		bakes    time.Duration
	}{
		{config.StrategyBlueGreen, bgBake},
		{config.StrategyCanary, 3 * bgCanaryBake},
	} {
		b.Run(c.strategy, func(b *testing.B) {
			scripted := migration + 2*timing.Rollout + c.bakes
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				f := newBGFixture(b, c.strategy, awsemu.Timing{})
				b.StartTimer()
				start := time.Now()
				if _, err := Deploy(context.Background(), f.options()); err != nil {
					b.Fatalf("%v\n%s", err, f.out)
				}
				total += time.Since(start)
			}
			avg := total / time.Duration(b.N)
			b.ReportMetric(float64(avg.Milliseconds()), "total-ms/op")
			b.ReportMetric(float64(scripted.Milliseconds()), "scripted-ms/op")
			b.ReportMetric(float64((avg - scripted).Milliseconds()), "pipeline-overhead-ms/op")
		})
	}
}
