package deploy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// runNative deploys and returns the manifest and error.
func runNative(t *testing.T, n *nativeFixture, ctx context.Context) (*manifest.Manifest, error) {
	t.Helper()
	m, err := Deploy(ctx, n.options())
	t.Logf("progress:\n%s", n.out.String())
	return m, err
}

// mutatingOrder lists the mutating calls as "service.Action" in order.
func (n *nativeFixture) mutatingOrder() []string { return n.mutating() }

func TestNativeBlueGreenCleanDeploy(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeBlueGreen, 1)
	m, err := runNative(t, n, context.Background())
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("outcome %s", m.Outcome)
	}
	calls := n.mutatingOrder()
	run := slices.Index(calls, "ecs.RunTask")
	upd := slices.Index(calls, "ecs.UpdateService")
	if run < 0 || upd < run {
		t.Errorf("migration must run before any UpdateService: %v", calls)
	}
	if got := n.count("ecs.RunTask"); got != 1 {
		t.Errorf("%d migrations, want 1", got)
	}
	// Per service: pauses after test traffic, before the production shift and after it.
	if got := n.count("ecs.ContinueServiceDeployment"); got != 3 {
		t.Errorf("%d ContinueServiceDeployment, want 3 gates", got)
	}
	if got := n.count("ecs.StopServiceDeployment"); got != 0 {
		t.Errorf("%d StopServiceDeployment", got)
	}
	if n.count("cloudwatch.GetMetricData") != 3 {
		t.Errorf("%d GetMetricData, want one per gate", n.count("cloudwatch.GetMetricData"))
	}
	for _, s := range n.env.Services {
		if w := n.prodWeights(s.Name); !slices.Equal(w, []int32{100}) {
			t.Errorf("%s production weights %v, want [100]", s.Name, w)
		}
		if td := n.taskDef(t, s.Name); td == n.top.TaskDefinitions[s.Name] {
			t.Errorf("%s still runs %s", s.Name, td)
		}
		c := serviceChangeOf(m, s.Name)
		if c == nil || len(c.ServiceDeployments) != 1 || !strings.Contains(c.ServiceDeployments[0].Arn, ":service-deployment/") {
			t.Errorf("%s: manifest service deployments %+v", s.Name, c)
			continue
		}
		// The rollout spans the gates: from UpdateService to SUCCESSFUL, inside deploy..wait.
		if ro, wait := c.Rollout, m.Stage(StageWait); ro == nil || ro.Result != manifest.RolloutStable ||
			ro.StartedAt.Before(m.Stage(StageDeploy).StartedAt) || ro.FinishedAt.After(wait.FinishedAt) || !ro.FinishedAt.After(ro.StartedAt) {
			t.Errorf("%s: rollout %+v, want stable within deploy..wait (%v..%v)", s.Name, ro, m.Stage(StageDeploy).StartedAt, wait.FinishedAt)
		}
	}
	for _, want := range []string{"POST_TEST_TRAFFIC_SHIFT", "BAKE_TIME", "gate at PRODUCTION_TRAFFIC_SHIFT (0.0% production)", "gate at POST_PRODUCTION_TRAFFIC_SHIFT (100.0% production)"} {
		if !strings.Contains(n.out.String(), want) {
			t.Errorf("progress lacks %q", want)
		}
	}
}

func serviceChangeOf(m *manifest.Manifest, service string) *manifest.ServiceChange {
	for i := range m.Services {
		if m.Services[i].Service == service {
			return &m.Services[i]
		}
	}
	return nil
}

func TestNativeLinearSteps(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeLinear, 1)
	if _, err := runNative(t, n, context.Background()); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{25, 50, 75, 100}) {
		t.Errorf("production weights %v, want [25 50 75 100]", w)
	}
	// POST_TEST + one PRE_PRODUCTION per step + POST_PRODUCTION.
	if got := n.count("ecs.ContinueServiceDeployment"); got != 6 {
		t.Errorf("%d ContinueServiceDeployment, want 6", got)
	}
}

func TestNativeCanaryClean(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	if _, err := runNative(t, n, context.Background()); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{10, 100}) {
		t.Errorf("production weights %v, want [10 100]", w)
	}
}

func TestNative5xxAtCanaryStepRollsBackWithTheNumbers(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	green := n.greenTG("bitflow-backend")
	n.srv.SetMetric(green, awsemu.MetricRequestCount, n.clk.Now().Add(-10*time.Minute), 600)
	n.srv.SetMetric(green, awsemu.MetricTargetResponseTime, n.clk.Now().Add(-10*time.Minute), 0.150)
	scripted := false
	n.onLine = func(l string) {
		if !scripted && strings.Contains(l, "production 10.0%") {
			scripted = true
			n.srv.SetMetric(green, awsemu.MetricTarget5XX, n.clk.Now().Add(-5*time.Minute), 30) // 30 of 600 a minute: 5%, from before the canary window
		}
	}
	m, err := runNative(t, n, context.Background())
	var ge *GateError
	if !errors.As(err, &ge) || !errors.Is(err, ErrRolledBack) {
		t.Fatalf("deploy: %v, want a GateError wrapped in ErrRolledBack", err)
	}
	if m.Outcome != manifest.OutcomeRolledBack {
		t.Errorf("outcome %s", m.Outcome)
	}
	if !strings.Contains(err.Error(), "5xx rate 5.00%") || !strings.Contains(err.Error(), "> threshold 1.00%") || ge.Weight != 10 {
		t.Errorf("report lacks the measured rate and threshold at 10%%: %v", err)
	}
	if !strings.Contains(m.FailureReason, "threshold 1.00%") {
		t.Errorf("manifest failure reason %q", m.FailureReason)
	}
	if n.count("ecs.StopServiceDeployment") != 1 {
		t.Errorf("%d StopServiceDeployment, want 1", n.count("ecs.StopServiceDeployment"))
	}
	sd := n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{10, 0}) {
		t.Errorf("production weights %v, want [10 0]: back on the old revision", w)
	}
	if td := n.taskDef(t, "bitflow-backend"); td != n.top.TaskDefinitions["bitflow-backend"] {
		t.Errorf("service runs %s after rollback (%s)", td, sd.Status)
	}
}

func TestNativeAlarmDuringBakeRollsBackNamingTheAlarm(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeBlueGreen, 1)
	n.env.Native.Alarms = config.NativeAlarms{Names: []string{"bitflow-5xx-{service}"}}
	n.srv.DefineAlarm("bitflow-5xx-bitflow-backend")
	fired := false
	n.onLine = func(l string) {
		if !fired && strings.Contains(l, "BAKE_TIME") {
			fired = true
			n.srv.SetAlarmState("bitflow-5xx-bitflow-backend", "ALARM", n.clk.Now().Add(30*time.Second), "Threshold Crossed: 5xx > 1%")
		}
	}
	m, err := runNative(t, n, context.Background())
	var nf *NativeFailure
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "bitflow-5xx-bitflow-backend") {
		t.Fatalf("deploy: %v, want a NativeFailure naming the alarm", err)
	}
	if m.Outcome != manifest.OutcomeRolledBack || n.count("ecs.StopServiceDeployment") != 0 {
		t.Errorf("outcome %s, %d StopServiceDeployment (ECS rolls back by itself)", m.Outcome, n.count("ecs.StopServiceDeployment"))
	}
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{100, 0}) {
		t.Errorf("production weights %v, want [100 0]", w)
	}
}

func TestNativeRunnerKilledDuringPauseECSRollsBackAlone(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	var killedAt time.Time
	var before int // calls answered before the runner died
	died := make(chan struct{})
	n.onLine = func(l string) {
		if strings.Contains(l, "production 10.0%") && strings.Contains(l, "paused at hook") && !n.sw.Killed() {
			before = n.kill()
			killedAt = n.clk.Now()
			close(died)
		}
	}
	// The wall-clock bound only stops a hung run; the emulated time is the
	// runner's own until it dies.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := Deploy(ctx, n.options()); done <- err }()
	// Until it dies the runner alone moves the shared clock (its waits): the
	// test moving it too would let the hooks time out before the runner saw
	// them, and the runner would never reach the pause it is to die at.
	select {
	case <-died:
	case err := <-done:
		t.Fatalf("the deploy ended (%v) without pausing at the 10%% production hook", err)
	}
	sd := n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	cancel()
	<-done
	if !strings.Contains(*sd.StatusReason, "timed out") {
		t.Errorf("reason %q", *sd.StatusReason)
	}
	var hook *ecstypes.DeploymentLifecycleHookDetail
	for i, h := range sd.LifecycleHookDetails {
		if h.Status == ecstypes.DeploymentLifecycleHookStatusTimedOut {
			hook = &sd.LifecycleHookDetails[i]
		}
	}
	if hook == nil || !hook.ExpiresAt.After(killedAt) || !sd.Rollback.StartedAt.Equal(*hook.ExpiresAt) {
		t.Errorf("rollback at %v, want at the expiry of the TIMED_OUT hook after the runner died at %v: %+v", sd.Rollback.StartedAt, killedAt, hook)
	}
	for _, c := range n.srv.Calls()[before:] {
		if c.Mutating {
			t.Errorf("a mutating call after the runner died: %+v", c)
		}
	}
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{10, 0}) {
		t.Errorf("production weights %v, want [10 0]", w)
	}
}

func TestNativeInterruptStopsWithRollback(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeLinear, 1)
	ctx, cancel := context.WithCancel(context.Background())
	n.onLine = func(l string) {
		if strings.Contains(l, "production 50.0%") {
			cancel() // SIGINT
		}
	}
	m, err := runNative(t, n, ctx)
	if !errors.Is(err, context.Canceled) || m.Outcome != manifest.OutcomeCancelled {
		t.Fatalf("deploy: %v (%s), want cancelled", err, m.Outcome)
	}
	if n.count("ecs.StopServiceDeployment") != 1 {
		t.Errorf("%d StopServiceDeployment, want 1", n.count("ecs.StopServiceDeployment"))
	}
	n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusRollbackSuccessful)
	if w := n.prodWeights("bitflow-backend"); w[len(w)-1] != 0 {
		t.Errorf("production weights %v: the last must put 0 on the new revision", w)
	}
}

func TestNativeOneOf15RollsBackTheReleaseFails(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeBlueGreen, 15)
	bad := "bitflow-frontend-student"
	green := n.greenTG(bad)
	n.srv.SetMetric(green, awsemu.MetricRequestCount, n.clk.Now().Add(-10*time.Minute), 100)
	n.srv.SetMetric(green, awsemu.MetricTarget5XX, n.clk.Now().Add(-10*time.Minute), 20)
	m, err := runNative(t, n, context.Background())
	var ge *GateError
	if !errors.As(err, &ge) || ge.Service != bad || !errors.Is(err, ErrRolledBack) {
		t.Fatalf("deploy: %v, want %s's gate to fail the release", err, bad)
	}
	if n.count("ecs.RunTask") != 1 {
		t.Errorf("%d migrations", n.count("ecs.RunTask"))
	}
	if got := n.count("ecs.UpdateService"); got < 15 {
		t.Errorf("%d UpdateService, want all 15 started", got)
	}
	for _, s := range n.env.Services {
		ds := n.deployments(t, s.Name)
		if len(ds) == 0 {
			t.Errorf("%s: no service deployment", s.Name)
			continue
		}
		if td := n.taskDef(t, s.Name); td != n.top.TaskDefinitions[s.Name] {
			t.Errorf("%s runs %s after the release failed, want %s (%s)", s.Name, td, n.top.TaskDefinitions[s.Name], ds[0].Status)
		}
	}
	if m.Outcome != manifest.OutcomeRolledBack {
		t.Errorf("outcome %s", m.Outcome)
	}
	// The service whose gate failed ended failed; the others ended too
	// (stable before the failure, or stopped by it), none is left open.
	for _, sc := range m.Services {
		switch ro := sc.Rollout; {
		case ro == nil || !ro.Ended():
			t.Errorf("%s: rollout %+v left open", sc.Service, ro)
		case sc.Service == bad && ro.Result != manifest.RolloutFailed:
			t.Errorf("%s: rollout %s, want failed", sc.Service, ro.Result)
		case sc.Service != bad && ro.Result == manifest.RolloutFailed:
			t.Errorf("%s: rollout failed, but only %s's gate did", sc.Service, bad)
		}
	}
}

func TestNativeWaitUntilReturnsAtTheStageAndECSFinishesAlone(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeLinear, 1)
	opts := n.options()
	opts.WaitUntil = "BAKE_TIME"
	m, err := Deploy(context.Background(), opts)
	if err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("deploy: %v (%s)\n%s", err, m.Outcome, n.out.String())
	}
	ds := n.deployments(t, "bitflow-backend")
	if ds[0].LifecycleStage != ecstypes.ServiceDeploymentLifecycleStageBakeTime || ds[0].Status != ecstypes.ServiceDeploymentStatusInProgress {
		t.Fatalf("returned at %s %s, want IN_PROGRESS BAKE_TIME", ds[0].Status, ds[0].LifecycleStage)
	}
	if !strings.Contains(n.out.String(), "reached BAKE_TIME (--wait-until)") {
		t.Errorf("no --wait-until line:\n%s", n.out.String())
	}
	if ro := serviceChangeOf(m, "bitflow-backend").Rollout; ro == nil || ro.Ended() || !ro.FinishedAt.IsZero() {
		t.Errorf("rollout %+v: ECS finishes it after the run, so the run must not record an end", ro)
	}
	calls := n.srv.CountCalls("ecs.DescribeServiceDeployments")
	n.waitStatus(t, "bitflow-backend", ecstypes.ServiceDeploymentStatusSuccessful)
	if got := n.count("ecs.ContinueServiceDeployment"); got != 6 {
		t.Errorf("%d ContinueServiceDeployment, want 6 (no pause left for after the runner returned)", got)
	}
	if n.srv.CountCalls("ecs.DescribeServiceDeployments")-calls > 20 {
		t.Errorf("the runner kept polling after it returned")
	}
}

func TestNativeHookStagesFollowWaitUntil(t *testing.T) {
	all := gateStages(true, "")
	if len(all) != 3 {
		t.Fatalf("gates %v, want POST_TEST, PRE_PRODUCTION, POST_PRODUCTION", all)
	}
	if got := gateStages(false, ""); len(got) != 2 || got[0] != ecstypes.DeploymentLifecycleHookStagePreProductionTrafficShift {
		t.Errorf("without a test listener: %v", got)
	}
	if got := gateStages(true, "TEST_TRAFFIC_SHIFT"); len(got) != 0 {
		t.Errorf("--wait-until TEST_TRAFFIC_SHIFT registers %v: a pause nobody answers would time out and roll back", got)
	}
	if got := gateStages(true, "POST_TEST_TRAFFIC_SHIFT"); len(got) != 1 {
		t.Errorf("--wait-until POST_TEST_TRAFFIC_SHIFT: %v", got)
	}
	if ValidateWaitUntil("BAKE") == nil || ValidateWaitUntil("CLEAN_UP") != nil {
		t.Errorf("ValidateWaitUntil")
	}
}

func TestNativePlanShowsTheDeploymentSettingsDiff(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	p, err := Plan(context.Background(), n.options())
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if len(n.mutating()) != 0 {
		t.Errorf("plan made mutating calls: %v", n.mutating())
	}
	d := p.Services[0].DeploymentDiff
	for _, want := range []string{`+    "strategy": "CANARY"`, `-    "strategy": "ROLLING"`, `"canaryPercent": 10`, `"PRE_PRODUCTION_TRAFFIC_SHIFT"`, `"alternateTargetGroupArn"`, "bitflow-ecs-infrastructure-role"} {
		if !strings.Contains(d, want) {
			t.Errorf("deployment diff lacks %q:\n%s", want, d)
		}
	}
	var text strings.Builder
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if p.Services[0].Diff == "" || !strings.Contains(text.String(), `"canaryPercent": 10`) {
		t.Errorf("plan text lacks the task-definition or deployment diff:\n%s", text.String())
	}
}

// The emulator environment file's native section on the seeded 15-service
// topology (alternate target groups, test listener, rules forwarding to
// both): a native canary release of every service goes through, the
// migration first.
func TestNativeCanaryOfTheEnvironmentFileOn15Services(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	opts := f.options()
	opts.Strategy = config.StrategyNativeCanary
	m, err := Deploy(context.Background(), opts)
	if err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("deploy: %v (%s)\n%s", err, m.Outcome, f.out.String())
	}
	calls := f.mutating()
	if run, upd := slices.Index(calls, "ecs.RunTask"), slices.Index(calls, "ecs.UpdateService"); run < 0 || upd < run {
		t.Errorf("migration must run before any service deployment: %v", calls)
	}
	if n := f.srv.CountCalls("ecs.UpdateService"); n != 15 {
		t.Errorf("%d UpdateService, want 15", n)
	}
	// Per service: after test traffic, before the canary, before the rest, after production.
	if n := f.srv.CountCalls("ecs.ContinueServiceDeployment"); n != 15*4 {
		t.Errorf("%d ContinueServiceDeployment, want 60", n)
	}
	shifts := map[string][]int32{}
	for _, c := range f.srv.TrafficLog() {
		if c.Action == "ECS:PRODUCTION_TRAFFIC_SHIFT" {
			for tg, w := range c.Weights {
				if strings.HasSuffix(tg, "-2") {
					shifts[tg] = append(shifts[tg], w)
				}
			}
		}
	}
	if len(shifts) != 15 || !slices.Equal(shifts["bitflow-student-2"], []int32{10, 100}) {
		t.Errorf("production shifts to the alternates %v, want 15 × [10 100]", shifts)
	}
	for _, c := range m.Services {
		if len(c.ServiceDeployments) != 1 {
			t.Errorf("%s: manifest service deployments %+v", c.Service, c.ServiceDeployments)
		}
	}
}

func TestNativeRollbackOfAFinishedReleaseGoesThroughTheSameStrategy(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 1)
	if _, err := runNative(t, n, context.Background()); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	before := n.top.TaskDefinitions["bitflow-backend"]
	n.srv.ResetCalls()
	m, err := Rollback(context.Background(), RollbackOptions{Env: n.env, ManifestPath: n.options().ManifestPath, Out: n.out, AWS: n.cfg, Clock: n.clk})
	if err != nil {
		t.Fatalf("rollback: %v\n%s", err, n.out.String())
	}
	if td := n.taskDef(t, "bitflow-backend"); td != before {
		t.Errorf("after rollback the service runs %s, want %s", td, before)
	}
	ds := n.deployments(t, "bitflow-backend")
	if len(ds) != 2 || ds[0].Status != ecstypes.ServiceDeploymentStatusSuccessful || ds[0].DeploymentConfiguration.Strategy != ecstypes.DeploymentStrategyCanary {
		t.Fatalf("service deployments after rollback: %+v", ds)
	}
	// The canary again, now towards the primary target group that the old revision returns to.
	if w := n.prodWeights("bitflow-backend"); !slices.Equal(w, []int32{10, 100, 90, 0}) {
		t.Errorf("production weights of the alternate %v, want [10 100] then back [90 0]", w)
	}
	if n.count("ecs.StopServiceDeployment") != 0 || n.count("ecs.ContinueServiceDeployment") != 4 {
		t.Errorf("rollback: %d stops, %d continues (want 0, 4)", n.count("ecs.StopServiceDeployment"), n.count("ecs.ContinueServiceDeployment"))
	}
	if c := serviceChangeOf(m, "bitflow-backend"); c == nil || len(c.ServiceDeployments) != 1 || !c.ServiceDeployments[0].Rollback {
		t.Errorf("rollback manifest: %+v", c)
	} else if ro, wait := c.Rollout, m.Stage(StageWaitServices); ro == nil || ro.Result != manifest.RolloutStable || ro.FinishedAt.After(wait.FinishedAt) {
		t.Errorf("the rollback's rollout %+v, want stable by the end of %s", ro, StageWaitServices)
	}
}
