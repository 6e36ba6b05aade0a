package ecs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// BenchmarkWaitStable15Services updates 15 services whose rollouts are
// scripted to take 1.5 s .. 5.7 s and waits for all of them on one ticker
// (poll 1 s). It reports the wall time against the slowest rollout, the
// worst per-service detection lag (first seen stable - scripted completion),
// and DescribeServices calls per service per second.
func BenchmarkWaitStable15Services(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv, err := awsemu.Listen("127.0.0.1:0", awsemu.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cfg := srv.AWSConfig()
		ctx := context.Background()
		res, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: "1111111", BackendDesired: 1})
		if err != nil {
			b.Fatal(err)
		}
		client := awsecs.NewFromConfig(cfg)
		backend := res.TaskDefinitions[seed.BackendFamily]
		svc, _ := DescribeServices(ctx, client, seed.Cluster, []string{seed.BackendService})
		var names []string
		rollout := map[string]time.Duration{}
		var slowest time.Duration
		for j := 0; j < 15; j++ {
			name := fmt.Sprintf("svc-%02d", j)
			if _, err := client.CreateService(ctx, &awsecs.CreateServiceInput{Cluster: aws.String(seed.Cluster), ServiceName: aws.String(name),
				TaskDefinition: aws.String(backend), DesiredCount: aws.Int32(1), LaunchType: "FARGATE",
				NetworkConfiguration: svc[seed.BackendService].NetworkConfiguration}); err != nil {
				b.Fatal(err)
			}
			names = append(names, name)
			rollout[name] = 1500*time.Millisecond + time.Duration(j)*300*time.Millisecond
			slowest = max(slowest, rollout[name])
		}
		if _, err := WaitStable(ctx, client, WaitOptions{Cluster: seed.Cluster, Services: names, Poll: 100 * time.Millisecond}); err != nil {
			b.Fatal(err)
		}
		td, _ := DescribeTaskDefinition(ctx, client, backend)
		in, _ := Render(td, map[string]string{seed.BackendContainer: res.Registry + "/bitflow-backend@" + res.ImageDigests["bitflow-backend"]})
		reg, err := Register(ctx, client, in)
		if err != nil {
			b.Fatal(err)
		}
		var updates []ServiceUpdate
		expect := map[string]string{}
		for _, n := range names {
			srv.SetRolloutTime(n, rollout[n])
			updates = append(updates, ServiceUpdate{Service: n, TaskDefinition: *reg.TaskDefinitionArn})
			expect[n] = *reg.TaskDefinitionArn
		}
		srv.ResetCalls()
		seen := map[string]time.Time{}
		b.StartTimer()
		start := time.Now()
		if _, err := UpdateServices(ctx, client, seed.Cluster, updates); err != nil {
			b.Fatal(err)
		}
		_, err = WaitStable(ctx, client, WaitOptions{Cluster: seed.Cluster, Services: names, Expect: expect, Poll: time.Second,
			OnState: func(s ServiceState) {
				if s.Stable {
					if _, ok := seen[s.Service]; !ok {
						seen[s.Service] = time.Now()
					}
				}
			}})
		wall := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		var worst time.Duration
		for _, n := range names {
			worst = max(worst, seen[n].Sub(start.Add(rollout[n])))
		}
		calls := srv.CountCalls("ecs.DescribeServices")
		rate := float64(calls) / float64(len(names)) / wall.Seconds()
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(slowest.Seconds(), "slowest_rollout_s")
		b.ReportMetric(worst.Seconds(), "worst_detect_lag_s")
		b.ReportMetric(rate, "describes/svc/s")
		b.Logf("15 services: wall %s, slowest rollout %s, worst detection lag %s, %d DescribeServices = %.3f per service per second",
			wall.Round(time.Millisecond), slowest, worst.Round(time.Millisecond), calls, rate)
		if worst > 2*time.Second {
			b.Errorf("a service was detected stable %s after its rollout finished (want within ~2s)", worst)
		}
		if rate > 1 {
			b.Errorf("%.2f describe calls per service per second (budget 1)", rate)
		}
		_ = srv.Close()
	}
}
