package deploy

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// allStrategies are the six strategies, in the order of the matrix.
var allStrategies = []string{config.StrategyRolling, config.StrategyBlueGreen, config.StrategyCanary,
	config.StrategyNativeBlueGreen, config.StrategyNativeLinear, config.StrategyNativeCanary}

// switchFixture is the emulator seeded for all six strategies from
// emulator.yaml, cut to the backend and one portal: the colour services and
// the ALB of the client-driven blue/green and canary, the alternate target
// groups and test listener of the native ones. Both release images (oldSHA,
// newSHA) are in ECR, so consecutive deploys alternate between them.
type switchFixture struct {
	*fixture
	ecs *awsecs.Client
}

func newSwitchFixture(t testing.TB) *switchFixture {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{})
	cfg := awsx.WithRetryer(srv.AWSConfig(), 0, testMaxBackoff)
	ctx := context.Background()
	env, err := config.Load(filepath.Join("..", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env.Services = env.Services[:2] // bitflow-backend and the first portal
	env.Apps = env.Apps[:0:0]
	for _, a := range env.Services[1].Containers {
		env.Apps = append(env.Apps, apps.App{Name: a.App, Port: a.Port})
	}
	env.Portals = nil
	_, alb, err := seed.BlueGreen(ctx, cfg, seed.BlueGreenOptions{Options: seed.Options{ImageTag: oldSHA, Env: env}})
	if err != nil {
		t.Fatal(err)
	}
	env.Timeouts.Poll = config.D(200 * time.Millisecond)
	env.Timeouts.Deploy = config.D(2 * time.Minute)
	env.Timeouts.Migration = config.D(20 * time.Second)
	env.Health.URLs = nil
	bg := env.BlueGreen
	bg.ListenerArn, bg.TestListenerArn, bg.RuleArn = alb.ProductionListenerArn, alb.TestListenerArn, ""
	bg.Blue = config.Colour{Service: alb.Services["blue"], TargetGroupArn: alb.TargetGroups["blue"]}
	bg.Green = config.Colour{Service: alb.Services["green"], TargetGroupArn: alb.TargetGroups["green"]}
	bg.TestURL = srv.URL + "/_emulator/alb/bitflow-alb/8080"
	bg.Bake = config.D(bgBake)
	bg.HealthCheck = config.HealthCheck{Path: "/health", Status: 200, Retries: 100, Interval: config.D(bgCheckInterval)}
	env.Canary = &config.Canary{Steps: []int{10, 50, 100}, Bake: config.D(bgCanaryBake)}
	if err := env.Validate(); err != nil {
		t.Fatalf("fixture environment: %v", err)
	}
	f := &fixture{srv: srv, clock: clk, cfg: cfg, env: env, out: &syncBuf{}, digests: map[string]string{}, rep: &fakeReporter{}, dir: t.TempDir()}
	for _, app := range env.AppsDeployed() {
		if _, err := seed.PushImage(ctx, awsecr.NewFromConfig(cfg), env.Repository(app), newSHA); err != nil {
			t.Fatal(err)
		}
	}
	s := &switchFixture{fixture: f, ecs: awsecs.NewFromConfig(cfg)}
	if _, err := ecsWait(s.ecs, clk, env.Cluster, []string{env.Services[0].Name, env.Services[1].Name, alb.Services[alb.Live]}); err != nil {
		t.Fatal(err)
	}
	return s
}

// deploy runs one release of sha with strategy; it returns the manifest
// and the run's output.
func (s *switchFixture) deploy(strategy, sha string) (*manifest.Manifest, string, error) {
	s.out = &syncBuf{}
	opts := s.options()
	opts.Strategy, opts.GitSHA = strategy, sha
	m, err := Deploy(context.Background(), opts)
	return m, s.out.String(), err
}

// ecsStrategy is the deploymentConfiguration.strategy a strategy leaves a
// service it deployed with.
func ecsStrategy(strategy string) ecstypes.DeploymentStrategy {
	switch strategy {
	case config.StrategyNativeBlueGreen:
		return ecstypes.DeploymentStrategyBlueGreen
	case config.StrategyNativeLinear:
		return ecstypes.DeploymentStrategyLinear
	case config.StrategyNativeCanary:
		return ecstypes.DeploymentStrategyCanary
	}
	return ecstypes.DeploymentStrategyRolling
}

// check says what is wrong with the services a release of strategy
// updated: deployment settings other than the strategy's, a task
// definition other than the release's, and production traffic that does
// not reach healthy targets through the service's listener rule.
func (s *switchFixture) check(m *manifest.Manifest, strategy string) []string {
	var problems []string
	ctx := context.Background()
	for _, c := range m.Services {
		out, err := s.ecs.DescribeServices(ctx, &awsecs.DescribeServicesInput{Cluster: aws.String(s.env.Cluster), Services: []string{c.Service}})
		if err != nil || len(out.Services) != 1 {
			return append(problems, fmt.Sprintf("describe %s: %v", c.Service, err))
		}
		svc := out.Services[0]
		dc := svc.DeploymentConfiguration
		want := ecsStrategy(strategy)
		switch {
		case dc == nil:
			problems = append(problems, c.Service+": no deploymentConfiguration")
			continue
		case dc.Strategy != want:
			problems = append(problems, fmt.Sprintf("%s: strategy %s, want %s", c.Service, dc.Strategy, want))
		case want == ecstypes.DeploymentStrategyRolling && len(dc.LifecycleHooks) > 0:
			problems = append(problems, fmt.Sprintf("%s: ROLLING with %d lifecycle hooks left", c.Service, len(dc.LifecycleHooks)))
		case want == ecstypes.DeploymentStrategyRolling && (aws.ToInt32(dc.BakeTimeInMinutes) != 0 || dc.Alarms != nil && dc.Alarms.Enable):
			problems = append(problems, fmt.Sprintf("%s: ROLLING with bake %d min, alarms %+v", c.Service, aws.ToInt32(dc.BakeTimeInMinutes), dc.Alarms))
		case dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback:
			problems = append(problems, fmt.Sprintf("%s: circuit breaker %+v", c.Service, dc.DeploymentCircuitBreaker))
		}
		if got := aws.ToString(svc.TaskDefinition); got != c.TaskDefinitionAfter {
			problems = append(problems, fmt.Sprintf("%s: runs %s, the release set %s", c.Service, shortARN(got), shortARN(c.TaskDefinitionAfter)))
		}
	}
	for _, svc := range s.env.Services {
		path := strings.TrimSuffix(svc.Rule.Path, "*") + "health"
		resp, err := http.Get(s.srv.URL + "/_emulator/alb/bitflow-alb/80" + path)
		if err != nil {
			return append(problems, err.Error())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			problems = append(problems, fmt.Sprintf("%s: production traffic (%s) reaches %s: %s", svc.Name, path, resp.Header.Get("X-Emulator-Target-Group"), resp.Status))
		}
	}
	return problems
}

// eulerCircuit visits every ordered pair of distinct strategies exactly
// once, starting and ending at the first (Hierholzer on the complete
// directed graph).
func eulerCircuit(nodes []string) []string {
	next := map[string][]string{}
	for _, a := range nodes {
		for _, b := range nodes {
			if a != b {
				next[a] = append(next[a], b)
			}
		}
	}
	stack, circuit := []string{nodes[0]}, []string(nil)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		if len(next[v]) > 0 {
			stack = append(stack, next[v][0])
			next[v] = next[v][1:]
			continue
		}
		circuit = append(circuit, v)
		stack = stack[:len(stack)-1]
	}
	slices.Reverse(circuit)
	return circuit
}

// TestEveryStrategySwitchDeploys deploys through every transition between
// the six strategies, both directions (30, one circuit of 31 releases on
// one emulator), and checks after each that the release succeeded within
// its own time, that every service it updated runs the release with
// exactly the deployment settings of the new strategy (nothing left from
// the previous one), and that production traffic reaches healthy targets.
// It prints the transition matrix.
func TestEveryStrategySwitchDeploys(t *testing.T) {
	s := newSwitchFixture(t)
	seq := eulerCircuit(allStrategies)
	if len(seq) != 31 {
		t.Fatalf("circuit of %d releases, want 31: %v", len(seq), seq)
	}
	result := map[[2]string]string{}
	var failed []string
	ok := 0
	for i, strategy := range seq {
		sha := newSHA
		if i%2 == 1 {
			sha = oldSHA
		}
		start := s.clock.Now()
		m, out, err := s.deploy(strategy, sha)
		took := s.clock.Now().Sub(start)
		var problems []string
		if err != nil || m.Outcome != manifest.OutcomeSucceeded {
			problems = append(problems, fmt.Sprintf("outcome %s: %v", m.Outcome, err))
		} else {
			problems = s.check(m, strategy)
		}
		from := "seed (rolling)"
		if i > 0 {
			from = seq[i-1]
		}
		verdict := "ok"
		if len(problems) > 0 {
			verdict = "FAIL"
			failed = append(failed, fmt.Sprintf("%s -> %s (release %d, %s emulated): %s\n%s", from, strategy, i, took.Round(time.Second), strings.Join(problems, "; "), out))
		}
		if i > 0 {
			result[[2]string{from, strategy}] = verdict
			if verdict == "ok" {
				ok++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-17s", "from \\ to")
	for _, to := range allStrategies {
		fmt.Fprintf(&b, " %-16s", to)
	}
	for _, from := range allStrategies {
		fmt.Fprintf(&b, "\n%-17s", from)
		for _, to := range allStrategies {
			v := result[[2]string{from, to}]
			if from == to {
				v = "-"
			}
			fmt.Fprintf(&b, " %-16s", v)
		}
	}
	t.Logf("strategy transitions (%d of 30 ok):\n%s", ok, b.String())
	for _, f := range failed {
		t.Errorf("%s", f)
	}
}

// After a native canary release, a rolling plan shows each service's
// switch back to ROLLING (strategy, hooks) as a deployment-settings change,
// although its task definition would not change.
func TestPlanShowsAStrategySwitchAsAChange(t *testing.T) {
	s := newSwitchFixture(t)
	if m, out, err := s.deploy(config.StrategyNativeCanary, newSHA); err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("native-canary: %v (%s)\n%s", err, m.Outcome, out)
	}
	opts := s.options()
	opts.Strategy, opts.GitSHA = config.StrategyRolling, newSHA
	p, err := Plan(context.Background(), opts)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	var text strings.Builder
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, ps := range p.Services {
		for _, want := range []string{`-    "strategy": "CANARY"`, `+    "strategy": "ROLLING"`, `-    "lifecycleHooks"`} {
			if !strings.Contains(ps.DeploymentDiff, want) {
				t.Errorf("%s: deployment diff lacks %q:\n%s", ps.Service, want, ps.DeploymentDiff)
			}
		}
	}
	if strings.Contains(text.String(), "    no change\n") || strings.Count(text.String(), "deployment settings change:") != len(p.Services) {
		t.Errorf("the plan text must show the strategy switch as a change:\n%s", text.String())
	}
}

// A native canary whose runner died at a pause is rolled back by ECS at
// the hook timeout; the next rolling release then deploys at once (it
// waited out its whole timeout and ended rolled_back: ECS started another
// canary nobody continued).
func TestRollingAfterAKilledNativeCanary(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	n.onLine = func(l string) {
		if strings.Contains(l, "paused at hook") && !n.sw.Killed() {
			n.sw.Kill(nil)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	done := make(chan error, 1)
	go func() { _, err := Deploy(ctx, n.options()); done <- err }()
	n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	cancel()
	<-done
	n.sw.Revive()
	n.onLine = nil
	opts := n.options()
	opts.Strategy = config.StrategyRolling
	opts.State.LockWait = time.Hour // the dead run's lock expires first
	start := n.clk.Now()
	m, err := Deploy(context.Background(), opts)
	if err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("rolling after the killed canary: %v (%s)\n%s", err, m.Outcome, n.out.String())
	}
	if took := n.clk.Now().Sub(start); took > 10*time.Minute {
		t.Errorf("the rolling release took %s of emulated time (lock expiry included)", took)
	}
	out, err := n.ecs.DescribeServices(context.Background(), &awsecs.DescribeServicesInput{Cluster: aws.String(n.top.Cluster), Services: []string{"bitflow-backend"}})
	if err != nil {
		t.Fatal(err)
	}
	if dc := out.Services[0].DeploymentConfiguration; dc.Strategy != ecstypes.DeploymentStrategyRolling || len(dc.LifecycleHooks) != 0 {
		t.Errorf("after the rolling release: strategy %s, %d hooks", dc.Strategy, len(dc.LifecycleHooks))
	}
	if ds := n.deployments(t, "bitflow-backend"); len(ds) != 1 {
		t.Errorf("%d service deployments, want only the killed canary's (the rolling release starts none)", len(ds))
	}
}
