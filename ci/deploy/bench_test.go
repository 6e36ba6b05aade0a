package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// fifteenServices seeds the default topology and splits the frontend into
// one service per portal (bitflow-<app>, one container each), so a release
// updates 15 services: the backend and 14 portals.
func fifteenServices(b *testing.B, srv *awsemu.Server, cfg aws.Config) *config.Environment {
	b.Helper()
	ctx := context.Background()
	if _, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: oldSHA, BackendDesired: 1, FrontendDesired: 1}); err != nil {
		b.Fatal(err)
	}
	client := awsecs.NewFromConfig(cfg)
	fe, err := ecs.DescribeTaskDefinition(ctx, client, seed.FrontendFamily)
	if err != nil {
		b.Fatal(err)
	}
	backend, _ := ecs.DescribeServices(ctx, client, seed.Cluster, []string{seed.BackendService})
	net := backend[seed.BackendService].NetworkConfiguration
	env := &config.Environment{
		Name: "bench", Region: srv.Region(), AccountID: srv.AccountID(), Cluster: seed.Cluster,
		Services:  []config.Service{{Name: seed.BackendService, Role: config.RoleBackend, Containers: []config.Container{{Name: seed.BackendContainer, App: config.BackendApp}}}},
		Migration: config.Migration{TaskDefinition: seed.MigrationFamily, Container: seed.BackendContainer},
	}
	for i, app := range config.AppNames() {
		in := ecs.RegisterInput(fe)
		in.Family = aws.String("bitflow-" + app)
		in.Cpu, in.Memory = aws.String("512"), aws.String("1024")
		in.ContainerDefinitions = []ecstypes.ContainerDefinition{fe.ContainerDefinitions[i]}
		if _, err := client.RegisterTaskDefinition(ctx, in); err != nil {
			b.Fatal(err)
		}
		name := "bitflow-" + app
		if _, err := client.CreateService(ctx, &awsecs.CreateServiceInput{
			Cluster: aws.String(seed.Cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(name),
			DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: net,
			DeploymentConfiguration: &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		}); err != nil {
			b.Fatal(err)
		}
		env.Services = append(env.Services, config.Service{Name: name, Role: config.RoleFrontend, Containers: []config.Container{{Name: app, App: app}}})
	}
	env.File = "bench.yaml"
	if err := applyDefaults(env); err != nil {
		b.Fatal(err)
	}
	return env
}

// applyDefaults runs the config package's defaulting through a YAML round trip.
func applyDefaults(env *config.Environment) error {
	got, err := config.Parse(env.File, mustYAML(env))
	if err != nil {
		return err
	}
	*env = *got
	return nil
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
