package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// fifteenServices seeds the emulator environment's topology: a release
// updates 15 services, the backend and one per portal.
func fifteenServices(b *testing.B, srv *awsemu.Server, cfg aws.Config) *config.Environment {
	b.Helper()
	res, err := seed.Bitflow(context.Background(), cfg, seed.Options{ImageTag: oldSHA, BackendDesired: 1, FrontendDesired: 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Env.Services) != 15 {
		b.Fatalf("%d services seeded", len(res.Env.Services))
	}
	return res.Env
}

// BenchmarkRollingDeploy15Services deploys 15 services whose rollouts are
// scripted to finish between 2 s and 6.2 s. It reports the deploy's wall
// time from the first UpdateService to all stable, the slowest scripted
// rollout, the overhead (wall - slowest: how late the last stable service was
// detected), and DescribeServices calls per service per second.
func BenchmarkRollingDeploy15Services(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv, err := awsemu.Listen("127.0.0.1:0", awsemu.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cfg := awsx.WithRetryer(srv.AWSConfig(), 0, 2*time.Second)
		env := fifteenServices(b, srv, cfg)
		var slowest time.Duration
		for j, s := range env.Services {
			d := 2*time.Second + time.Duration(j)*300*time.Millisecond
			srv.SetRolloutTime(s.Name, d)
			slowest = max(slowest, d)
		}
		for _, app := range env.AppsDeployed() {
			if _, err := seed.PushImage(context.Background(), awsecr.NewFromConfig(cfg), env.Repository(app), newSHA); err != nil {
				b.Fatal(err)
			}
		}
		srv.ResetCalls()
		b.StartTimer()
		m, err := Deploy(context.Background(), Options{Env: env, GitSHA: newSHA, AWS: cfg})
		b.StopTimer()
		if err != nil || m.Outcome != manifest.OutcomeSucceeded {
			b.Fatalf("deploy: %v", err)
		}
		dep, wait := m.Stage(StageDeploy), m.Stage(StageWait)
		wall := wait.FinishedAt.Sub(dep.StartedAt)
		describes := srv.CountCalls("ecs.DescribeServices")
		perSvcPerSec := float64(describes) / float64(len(env.Services)) / wait.Duration().Seconds()
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(slowest.Seconds(), "slowest_rollout_s")
		b.ReportMetric((wall - slowest).Seconds(), "detect_overhead_s")
		b.ReportMetric(perSvcPerSec, "describes/svc/s")
		b.Logf("15 services: wall %s (deploy+wait), slowest scripted rollout %s, overhead %s, %d DescribeServices in %s wait = %.3f per service per second",
			wall.Round(time.Millisecond), slowest, (wall - slowest).Round(time.Millisecond), describes, wait.Duration().Round(time.Millisecond), perSvcPerSec)
		if wall-slowest > 2*time.Second {
			b.Errorf("last stable service detected %s after the slowest rollout (want within ~2s)", wall-slowest)
		}
		if perSvcPerSec > 1 {
			b.Errorf("%.2f describe calls per service per second, budget is 1", perSvcPerSec)
		}
		_ = srv.Close()
	}
}
