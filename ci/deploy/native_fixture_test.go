package deploy

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
)

// nativeFixture is the emulator with the native topology (services behind
// their own target-group pairs and listener rules), the release images
// pushed, a runner-kill switch in front of the emulator, and an environment
// on one of the native strategies.
type nativeFixture struct {
	*fixture
	clk    *awsemu.ManualClock
	top    *seed.NativeTopology
	ecs    *awsecs.Client
	sw     *emutest.RunnerSwitch // the runner's way to the emulator: kill it there
	onLine func(string)          // called with each progress line
	mu     sync.Mutex
	lines  []string
}

func newNativeFixture(t testing.TB, strategy string, services int) *nativeFixture {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{})
	n := &nativeFixture{clk: clk}
	ctx := context.Background()
	scfg := awsx.WithRetryer(srv.AWSConfig(), 0, testMaxBackoff)
	if _, err := seed.Bitflow(ctx, scfg, seed.Options{ImageTag: oldSHA}); err != nil {
		t.Fatal(err)
	}
	env, err := config.Load(filepath.Join("..", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	svcs := env.Services[:services]
	var specs []seed.NativeService
	for _, s := range svcs {
		specs = append(specs, seed.NativeService{Name: s.Name, Container: s.Containers[0].Name})
	}
	top, err := seed.Native(ctx, scfg, seed.NativeOptions{Registry: env.Registry, ImageTag: oldSHA, Services: specs,
		Repo: func(c string) string { return env.Repository(c) }})
	if err != nil {
		t.Fatal(err)
	}
	n.top = top
	// The runner reaches AWS through a switch: once killed, every call fails
	// as if the process had died.
	n.sw = emutest.NewRunnerSwitch(t, srv.URL)
	cfg := scfg
	cfg.BaseEndpoint = aws.String(n.sw.URL)

	env.Strategy = strategy
	env.Migration.Disabled = false
	env.Cluster = top.Cluster
	env.Services = svcs
	env.BlueGreen, env.Canary = nil, nil
	env.Health.URLs = nil
	env.Timeouts.Poll = config.D(200 * time.Millisecond)
	env.Timeouts.Deploy = config.D(20 * time.Second)
	env.Timeouts.Migration = config.D(20 * time.Second)
	env.Native = &config.Native{
		AlternateTargetGroup: "{targetGroup}", InfrastructureRole: "bitflow-ecs-infrastructure-role",
		ProductionListenerPort: seed.NativeProdPort, TestListenerPort: seed.NativeTestPort,
		Bake: config.D(time.Minute), Linear: config.NativeLinear{StepPercent: 25, StepBake: config.D(time.Minute)},
		Canary: config.NativeCanary{Percent: 10, Bake: config.D(time.Minute)},
		Gates: config.NativeGates{HookTimeout: config.D(5 * time.Minute), TestURL: srv.URL + "/_emulator/alb/" + seed.NativeLoadBalancer + "/8443/{service}",
			HealthCheck: config.HealthCheck{Path: "/health", Status: 200, Retries: 50, Interval: config.D(5 * time.Millisecond)},
			Window:      config.D(2 * time.Minute), Max5xxRate: 1, MaxP95: config.D(800 * time.Millisecond)},
	}
	// The alternate of nat-NN-a is nat-NN-b.
	env.Native.AlternateTargetGroup = "{alt}"
	env.Native.Services = map[string]config.NativeOverride{}
	for _, s := range svcs {
		env.Native.Services[s.Name] = config.NativeOverride{AlternateTargetGroup: strings.TrimSuffix(top.PrimaryName[s.Name], "-a") + "-b"}
	}
	if err := env.Validate(); err != nil {
		t.Fatalf("fixture environment: %v", err)
	}
	n.fixture = &fixture{srv: srv, clock: clk, cfg: cfg, env: env, out: &syncBuf{}, digests: map[string]string{}, rep: &fakeReporter{}, dir: t.TempDir()}
	client := awsecr.NewFromConfig(scfg)
	for _, app := range env.AppsDeployed() {
		d, err := seed.PushImage(ctx, client, env.Repository(app), newSHA)
		if err != nil {
			t.Fatal(err)
		}
		n.digests[env.Repository(app)] = d
	}
	n.ecs = awsecs.NewFromConfig(scfg)
	n.waitStable(t)
	srv.ResetCalls()
	return n
}

// kill makes the runner die: every call it makes from now on fails. It
// returns once the calls let through before have been answered, with the
// number of calls the emulator answered so far: every call after that index
// came after the death.
func (n *nativeFixture) kill() (answered int) {
	n.sw.Kill(func() { answered = len(n.srv.Calls()) })
	return answered
}

// waitStable waits until every service runs its tasks healthy.
func (n *nativeFixture) waitStable(t testing.TB) {
	t.Helper()
	var names []string
	for _, s := range n.env.Services {
		names = append(names, s.Name)
	}
	if _, err := ecsWait(n.ecs, n.clk, n.top.Cluster, names); err != nil {
		t.Fatal(err)
	}
}

// options are the deploy options with the emulator's clock and a progress
// writer that calls onLine.
func (n *nativeFixture) options() Options {
	o := n.fixture.options()
	o.Out = lineWriter{n}
	return o
}

type lineWriter struct{ n *nativeFixture }

func (w lineWriter) Write(p []byte) (int, error) {
	w.n.out.Write(p)
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.n.mu.Lock()
		w.n.lines = append(w.n.lines, l)
		f := w.n.onLine
		w.n.mu.Unlock()
		if f != nil {
			f(l)
		}
	}
	return len(p), nil
}

// greenTG is the target group name a service's new revision goes to.
func (n *nativeFixture) greenTG(service string) string {
	return strings.TrimSuffix(n.top.PrimaryName[service], "-a") + "-b"
}

// prodWeights lists the new revision's production weights ECS set on a
// service's production rule, in order.
func (n *nativeFixture) prodWeights(service string) []int32 {
	var out []int32
	for _, c := range n.srv.TrafficLog() {
		if c.RuleArn == n.top.Rules[service].Production && strings.HasPrefix(c.Action, "ECS:") {
			out = append(out, c.Weights[n.greenTG(service)])
		}
	}
	return out
}

// count counts calls of "service.Action" (made by anyone).
func (n *nativeFixture) count(action string) int { return n.srv.CountCalls(action) }

// taskDef is a service's task definition now.
func (n *nativeFixture) taskDef(t testing.TB, service string) string {
	t.Helper()
	out, err := n.ecs.DescribeServices(context.Background(), &awsecs.DescribeServicesInput{Cluster: aws.String(n.top.Cluster), Services: []string{service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe %s: %v", service, err)
	}
	return aws.ToString(out.Services[0].TaskDefinition)
}

// deployments lists a service's service deployments, newest first.
func (n *nativeFixture) deployments(t testing.TB, service string) []ecstypes.ServiceDeployment {
	t.Helper()
	ctx := context.Background()
	l, err := n.ecs.ListServiceDeployments(ctx, &awsecs.ListServiceDeploymentsInput{Cluster: aws.String(n.top.Cluster), Service: aws.String(service)})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, b := range l.ServiceDeployments {
		arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
	}
	if len(arns) == 0 {
		return nil
	}
	d, err := n.ecs.DescribeServiceDeployments(ctx, &awsecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil {
		t.Fatal(err)
	}
	return d.ServiceDeployments
}

// waitStatus waits (wall time) until the newest deployment of service has a status.
func (n *nativeFixture) waitStatus(t testing.TB, service string, want ecstypes.ServiceDeploymentStatus) ecstypes.ServiceDeployment {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ds := n.deployments(t, service)
		if len(ds) > 0 && ds[0].Status == want {
			return ds[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %v, want %s", service, ds, want)
		}
		n.clk.Advance(10 * time.Second) // nobody else moves the emulated world now
		time.Sleep(time.Millisecond)
	}
}
