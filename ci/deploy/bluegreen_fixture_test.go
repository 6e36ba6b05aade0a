package deploy

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// Timings of the blue/green fixture: short, so that the pipeline's own
// overhead is what the tests and the benchmark see.
const (
	bgBake          = 600 * time.Millisecond
	bgCheckInterval = 50 * time.Millisecond
	bgCanaryBake    = 300 * time.Millisecond
)

// bgFixture is an emulator seeded with the blue/green topology (blue live
// with 3 tasks on oldSHA, green at 0), the newSHA release pushed to ECR, and
// the emulator environment pointed at the seeded ALB.
type bgFixture struct {
	*fixture
	alb    *seed.ALB
	seeded int // traffic changes the seed made (listener rules of the 15 services)
	router *traffic.Router
	ecs    *awsecs.Client
	elb    *elb.Client
}

func newBGFixture(t testing.TB, strategy string, timing awsemu.Timing) *bgFixture {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{Timing: timing})
	cfg := awsx.WithRetryer(srv.AWSConfig(), 0, testMaxBackoff)
	ctx := context.Background()
	_, alb, err := seed.BlueGreen(ctx, cfg, seed.BlueGreenOptions{Options: seed.Options{ImageTag: oldSHA}})
	if err != nil {
		t.Fatal(err)
	}
	env, err := config.Load(filepath.Join("..", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env.Strategy = strategy
	env.Timeouts.Poll = config.D(200 * time.Millisecond)
	env.Timeouts.Deploy = config.D(20 * time.Second)
	env.Timeouts.Migration = config.D(20 * time.Second)
	env.Health.URLs = []string{srv.URL + "/_emulator/alb/bitflow-alb/80/health"}
	bg := env.BlueGreen
	bg.ListenerArn, bg.TestListenerArn, bg.RuleArn = alb.ProductionListenerArn, alb.TestListenerArn, ""
	bg.Blue = config.Colour{Service: alb.Services["blue"], TargetGroupArn: alb.TargetGroups["blue"]}
	bg.Green = config.Colour{Service: alb.Services["green"], TargetGroupArn: alb.TargetGroups["green"]}
	bg.TestURL = srv.URL + "/_emulator/alb/bitflow-alb/8080"
	bg.Bake = config.D(bgBake)
	bg.ScaleDownTo = aws.Int32(1)
	bg.HealthCheck = config.HealthCheck{Path: "/health", Status: 200, Retries: 100, Interval: config.D(bgCheckInterval)}
	env.Canary = &config.Canary{Steps: []int{10, 50, 100}, Bake: config.D(bgCanaryBake)}
	if err := env.Validate(); err != nil {
		t.Fatalf("fixture environment: %v", err)
	}
	f := &fixture{srv: srv, clock: clk, cfg: cfg, env: env, out: &syncBuf{}, digests: map[string]string{}, rep: &fakeReporter{}, dir: t.TempDir()}
	client := awsecr.NewFromConfig(cfg)
	for _, app := range env.AppsDeployed() {
		d, err := seed.PushImage(ctx, client, env.Repository(app), newSHA)
		if err != nil {
			t.Fatal(err)
		}
		f.digests[env.Repository(app)] = d
	}
	b := &bgFixture{fixture: f, alb: alb, seeded: len(srv.TrafficLog()), ecs: awsecs.NewFromConfig(cfg), elb: elb.NewFromConfig(cfg)}
	b.router = newRouter(b.elb, bg)
	b.waitStable(t, alb.Services["blue"])
	srv.ResetCalls()
	return b
}

// waitStable waits until a service's rollout is complete (the seed leaves it IN_PROGRESS).
func (b *bgFixture) waitStable(t testing.TB, services ...string) {
	t.Helper()
	if _, err := ecsWait(b.ecs, b.clock, b.env.Cluster, services); err != nil {
		t.Fatal(err)
	}
}

// live reads the live colour from the production listener.
func (b *bgFixture) live(t testing.TB) string {
	t.Helper()
	c, st, err := b.router.Live(context.Background())
	if err != nil {
		t.Fatalf("live colour: %v (%v)", err, st)
	}
	return c.Name
}

// service describes one service.
func (b *bgFixture) service(t testing.TB, name string) (taskDef string, desired, running int32) {
	t.Helper()
	out, err := b.ecs.DescribeServices(context.Background(), &awsecs.DescribeServicesInput{Cluster: aws.String(b.env.Cluster), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe %s: %v", name, err)
	}
	s := out.Services[0]
	return aws.ToString(s.TaskDefinition), s.DesiredCount, s.RunningCount
}

// productionChanges are the traffic changes made on the production listener
// after the seed.
func (b *bgFixture) productionChanges() []awsemu.TrafficChange {
	var out []awsemu.TrafficChange
	for _, c := range b.srv.TrafficLog()[b.seeded:] {
		if c.ListenerArn == b.alb.ProductionListenerArn && c.Action != "CreateListener" {
			out = append(out, c)
		}
	}
	return out
}

func ecsWait(client *awsecs.Client, clk *awsemu.ManualClock, cluster string, services []string) ([]ecs.ServiceState, error) {
	return ecs.WaitStable(context.Background(), client, ecs.WaitOptions{Clock: clk, Cluster: cluster, Services: services, Timeout: 20 * time.Second, Poll: 50 * time.Millisecond})
}

func newECSClient(f *fixture) *awsecs.Client { return awsecs.NewFromConfig(f.cfg) }
