package awsemu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"

	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// nativeFixture is the seeded blue/green ALB with bitflow-backend-blue live
// (2 tasks) and native rules: production and test rules forwarding to the
// blue (primary) and green (alternate) target groups.
type nativeFixture struct {
	*elbECSFixture
	rules *seed.NativeRules
	td2   string
}

func newNativeFixture(t *testing.T) *nativeFixture {
	t.Helper()
	f := &nativeFixture{elbECSFixture: newELBECSFixture(t)}
	ctx := context.Background()
	var err error
	f.rules, err = seed.CreateNativeRules(ctx, elb.NewFromConfig(f.srv.AWSConfig()), f.alb.ProductionListenerArn, f.alb.TestListenerArn,
		f.alb.TargetGroups["blue"], f.alb.TargetGroups["green"], "/*", 10)
	if err != nil {
		t.Fatal(err)
	}
	td, err := f.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(f.td1)})
	if err != nil {
		t.Fatal(err)
	}
	d := td.TaskDefinition
	reg, err := f.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
		Cpu: d.Cpu, Memory: d.Memory, NetworkMode: d.NetworkMode, RequiresCompatibilities: d.RequiresCompatibilities,
		ExecutionRoleArn: d.ExecutionRoleArn, TaskRoleArn: d.TaskRoleArn})
	if err != nil {
		t.Fatal(err)
	}
	f.td2 = *reg.TaskDefinition.TaskDefinitionArn
	return f
}

func (f *nativeFixture) lbs() []types.LoadBalancer {
	return []types.LoadBalancer{{
		TargetGroupArn: aws.String(f.alb.TargetGroups["blue"]), ContainerName: aws.String(seed.BackendContainer), ContainerPort: aws.Int32(seed.BackendPort),
		AdvancedConfiguration: &types.AdvancedConfiguration{
			AlternateTargetGroupArn: aws.String(f.alb.TargetGroups["green"]), ProductionListenerRule: aws.String(f.rules.Production),
			TestListenerRule: aws.String(f.rules.Test), RoleArn: aws.String("arn:aws:iam::123456789012:role/" + seed.InfrastructureRole),
		},
	}}
}

func pauseHook(timeout int32, stages ...types.DeploymentLifecycleHookStage) types.DeploymentLifecycleHook {
	return types.DeploymentLifecycleHook{TargetType: types.DeploymentLifecycleHookTargetTypePause, LifecycleStages: stages,
		TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(timeout), Action: types.DeploymentLifecycleHookActionRollback}}
}

// start updates blue to td2 with dc and returns the new service deployment.
func (f *nativeFixture) start(t *testing.T, dc *types.DeploymentConfiguration) string {
	t.Helper()
	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(f.td2), DeploymentConfiguration: dc, LoadBalancers: f.lbs()})
	out, err := f.ecs.ListServiceDeployments(context.Background(), &ecs.ListServiceDeploymentsInput{Cluster: aws.String(seed.Cluster), Service: aws.String(seed.BlueService)})
	if err != nil || len(out.ServiceDeployments) == 0 {
		t.Fatalf("ListServiceDeployments: %v %+v", err, out)
	}
	return *out.ServiceDeployments[0].ServiceDeploymentArn
}

func (f *nativeFixture) sd(t *testing.T, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := f.ecs.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments: %v %+v", err, out)
	}
	return out.ServiceDeployments[0]
}

// awaiting is the hook awaiting action, or "".
func awaiting(sd types.ServiceDeployment) string {
	for _, h := range sd.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
			return *h.HookId
		}
	}
	return ""
}

// runUntilPause advances the clock in 5s steps until the deployment pauses
// at a hook or ends; it returns the deployment then.
func (f *nativeFixture) runUntilPause(t *testing.T, arn string, limit time.Duration) types.ServiceDeployment {
	t.Helper()
	for waited := time.Duration(0); ; waited += 5 * time.Second {
		sd := f.sd(t, arn)
		if awaiting(sd) != "" || sd.Status != types.ServiceDeploymentStatusInProgress {
			return sd
		}
		if waited > limit {
			t.Fatalf("no pause within %s: stage %s status %s", limit, sd.LifecycleStage, sd.Status)
		}
		f.clk.Advance(5 * time.Second)
	}
}

func (f *nativeFixture) cont(t *testing.T, arn, hook string) {
	t.Helper()
	if _, err := f.ecs.ContinueServiceDeployment(context.Background(), &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(hook)}); err != nil {
		t.Fatalf("ContinueServiceDeployment: %v", err)
	}
}

// prodWeights lists the green weights the production rule was given by ECS.
func (f *nativeFixture) prodWeights() []int32 {
	var out []int32
	for _, c := range f.srv.TrafficLog() {
		if c.RuleArn == f.rules.Production && strings.HasPrefix(c.Action, "ECS:") {
			out = append(out, c.Weights[seed.GreenTargetGroup])
		}
	}
	return out
}

func TestNativeBlueGreenPausesAtHooksShiftsTrafficAndCleansUp(t *testing.T) {
	f := newNativeFixture(t)
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(5),
		LifecycleHooks: []types.DeploymentLifecycleHook{pauseHook(30, types.DeploymentLifecycleHookStagePostTestTrafficShift, types.DeploymentLifecycleHookStagePostProductionTrafficShift)}})
	sd := f.runUntilPause(t, arn, 5*time.Minute)
	if sd.LifecycleStage != types.ServiceDeploymentLifecycleStagePostTestTrafficShift || sd.Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("first pause at %s (%s), want POST_TEST_TRAFFIC_SHIFT", sd.LifecycleStage, sd.Status)
	}
	if got := aws.ToFloat64(sd.TargetServiceRevision.RequestedTestTrafficWeight); got != 100 {
		t.Errorf("test traffic on green = %v, want 100", got)
	}
	if w := f.prodWeights(); len(w) != 0 {
		t.Errorf("production moved before the test gate: %v", w)
	}
	if sd.TargetServiceRevision.RunningTaskCount != 2 || sd.SourceServiceRevisions[0].RunningTaskCount != 2 {
		t.Errorf("green/blue running = %d/%d, want 2/2", sd.TargetServiceRevision.RunningTaskCount, sd.SourceServiceRevisions[0].RunningTaskCount)
	}
	f.cont(t, arn, awaiting(sd))
	sd = f.runUntilPause(t, arn, time.Minute)
	if sd.LifecycleStage != types.ServiceDeploymentLifecycleStagePostProductionTrafficShift {
		t.Fatalf("second pause at %s, want POST_PRODUCTION_TRAFFIC_SHIFT", sd.LifecycleStage)
	}
	if w := f.prodWeights(); len(w) != 1 || w[0] != 100 {
		t.Errorf("production weights of green = %v, want [100]", w)
	}
	// A hook answered twice is refused.
	old := awaiting(sd)
	f.cont(t, arn, old)
	if _, err := f.ecs.ContinueServiceDeployment(context.Background(), &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(old)}); !isCode(err, "InvalidParameterException") {
		t.Errorf("continuing a finished hook: %v, want InvalidParameterException", err)
	}
	if sd = f.sd(t, arn); sd.LifecycleStage != types.ServiceDeploymentLifecycleStageBakeTime {
		t.Fatalf("after the last hook: stage %s, want BAKE_TIME", sd.LifecycleStage)
	}
	f.clk.Advance(4 * time.Minute)
	if sd = f.sd(t, arn); sd.Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("finished before the 5 min bake: %s", sd.Status)
	}
	f.clk.Advance(time.Minute + time.Second)
	sd = f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusSuccessful || sd.FinishedAt == nil {
		t.Fatalf("after bake: %s (%s)", sd.Status, aws.ToString(sd.StatusReason))
	}
	f.clk.Advance(5 * time.Second)
	svc := f.blue(t)
	if *svc.TaskDefinition != f.td2 || len(svc.Deployments) != 1 || svc.RunningCount != 2 {
		t.Errorf("service after success: td %s deployments %d running %d", *svc.TaskDefinition, len(svc.Deployments), svc.RunningCount)
	}
	h, _ := f.srv.TargetHealthOf(seed.GreenTargetGroup)
	b, _ := f.srv.TargetHealthOf(seed.BlueTargetGroup)
	if h.Healthy != 2 || b.Total != 0 {
		t.Errorf("targets green %+v blue %+v, want green 2 healthy and blue empty", h, b)
	}
	if _, err := f.ecs.StopServiceDeployment(context.Background(), &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn)}); !isCode(err, "ConflictException") {
		t.Errorf("stopping a finished deployment: %v, want ConflictException", err)
	}
}

func TestNativeLinearPausesBeforeEveryStep(t *testing.T) {
	f := newNativeFixture(t)
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(0),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(40), StepBakeTimeInMinutes: aws.Int32(2)},
		LifecycleHooks:      []types.DeploymentLifecycleHook{pauseHook(10, types.DeploymentLifecycleHookStagePreProductionTrafficShift)}})
	var pauses []float64
	for {
		sd := f.runUntilPause(t, arn, 10*time.Minute)
		if sd.Status != types.ServiceDeploymentStatusInProgress {
			if sd.Status != types.ServiceDeploymentStatusSuccessful {
				t.Fatalf("ended %s: %s", sd.Status, aws.ToString(sd.StatusReason))
			}
			break
		}
		if sd.LifecycleStage != types.ServiceDeploymentLifecycleStageProductionTrafficShift {
			t.Fatalf("paused at %s", sd.LifecycleStage)
		}
		pauses = append(pauses, aws.ToFloat64(sd.TargetServiceRevision.RequestedProductionTrafficWeight))
		f.cont(t, arn, awaiting(sd))
	}
	if len(pauses) != 3 || pauses[0] != 0 || pauses[1] != 40 || pauses[2] != 80 {
		t.Errorf("paused before steps at weights %v, want [0 40 80]", pauses)
	}
	if w := f.prodWeights(); len(w) != 3 || w[0] != 40 || w[1] != 80 || w[2] != 100 {
		t.Errorf("production weights %v, want [40 80 100]", w)
	}
}

func TestNativeHookTimeoutRollsBackWithoutAClient(t *testing.T) {
	f := newNativeFixture(t)
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(1),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(1)},
		LifecycleHooks:      []types.DeploymentLifecycleHook{pauseHook(3, types.DeploymentLifecycleHookStagePreProductionTrafficShift)}})
	sd := f.runUntilPause(t, arn, 5*time.Minute)
	f.cont(t, arn, awaiting(sd)) // canary step
	sd = f.runUntilPause(t, arn, 5*time.Minute)
	if w := f.prodWeights(); len(w) != 1 || w[0] != 10 {
		t.Fatalf("canary weights %v, want [10]", w)
	}
	f.clk.Advance(3*time.Minute + time.Second) // nobody answers the hook
	sd = f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackInProgress && sd.Status != types.ServiceDeploymentStatusRollbackSuccessful {
		t.Fatalf("after the hook timed out: %s", sd.Status)
	}
	f.clk.Advance(5 * time.Second)
	sd = f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.Rollback == nil || !strings.Contains(aws.ToString(sd.StatusReason), "timed out") {
		t.Fatalf("rollback: %s %q %+v", sd.Status, aws.ToString(sd.StatusReason), sd.Rollback)
	}
	if w := f.prodWeights(); w[len(w)-1] != 0 {
		t.Errorf("production weights %v: last must be 0 on green", w)
	}
	var timedOut bool
	for _, h := range sd.LifecycleHookDetails {
		timedOut = timedOut || h.Status == types.DeploymentLifecycleHookStatusTimedOut
	}
	if !timedOut {
		t.Errorf("no TIMED_OUT hook in %+v", sd.LifecycleHookDetails)
	}
	if svc := f.blue(t); *svc.TaskDefinition != f.td1 {
		t.Errorf("service runs %s after rollback, want %s", *svc.TaskDefinition, f.td1)
	}
}

func TestNativeAlarmDuringBakeRollsBack(t *testing.T) {
	f := newNativeFixture(t)
	f.srv.DefineAlarm("bitflow-backend-5xx")
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10),
		Alarms: &types.DeploymentAlarms{AlarmNames: []string{"bitflow-backend-5xx"}, Enable: true, Rollback: true}})
	for i := 0; f.sd(t, arn).LifecycleStage != types.ServiceDeploymentLifecycleStageBakeTime; i++ {
		if i > 100 {
			t.Fatalf("never reached BAKE_TIME: %+v", f.sd(t, arn))
		}
		f.clk.Advance(5 * time.Second)
	}
	f.srv.SetAlarmState("bitflow-backend-5xx", "ALARM", f.clk.Now().Add(2*time.Minute), "5xx above 1%")
	f.clk.Advance(3 * time.Minute)
	sd := f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful && sd.Status != types.ServiceDeploymentStatusRollbackInProgress {
		t.Fatalf("after the alarm: %s", sd.Status)
	}
	if got := sd.Alarms.TriggeredAlarmNames; len(got) != 1 || got[0] != "bitflow-backend-5xx" || sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		t.Errorf("alarms %+v", sd.Alarms)
	}
	if !strings.Contains(aws.ToString(sd.StatusReason), "bitflow-backend-5xx") {
		t.Errorf("reason %q does not name the alarm", aws.ToString(sd.StatusReason))
	}
	if w := f.prodWeights(); len(w) != 2 || w[0] != 100 || w[1] != 0 {
		t.Errorf("production weights %v, want [100 0]", w)
	}
}

func TestNativeStopServiceDeploymentRollsBack(t *testing.T) {
	f := newNativeFixture(t)
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
		LifecycleHooks: []types.DeploymentLifecycleHook{pauseHook(30, types.DeploymentLifecycleHookStagePostTestTrafficShift)}})
	f.runUntilPause(t, arn, 5*time.Minute)
	ctx := context.Background()
	if _, err := f.ecs.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeRollback}); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Second)
	sd := f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful {
		t.Fatalf("after stop: %s", sd.Status)
	}
	for _, c := range f.srv.TrafficLog() {
		if c.RuleArn == f.rules.Test && c.Action == "ECS:ROLLBACK" && c.Weights[seed.GreenTargetGroup] != 0 {
			t.Errorf("test rule after rollback: %+v", c.Weights)
		}
	}
	if _, err := f.ecs.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn + "x")}); !isCode(err, "ServiceDeploymentNotFoundException") {
		t.Errorf("unknown deployment: %v", err)
	}
}

func TestNativeRequestValidation(t *testing.T) {
	f := newNativeFixture(t)
	ctx := context.Background()
	try := func(dc *types.DeploymentConfiguration, lbs []types.LoadBalancer) error {
		_, err := f.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(seed.Cluster), Service: aws.String(seed.BlueService),
			TaskDefinition: aws.String(f.td2), DeploymentConfiguration: dc, LoadBalancers: lbs})
		return err
	}
	bg := func(hooks ...types.DeploymentLifecycleHook) *types.DeploymentConfiguration {
		return &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1), LifecycleHooks: hooks}
	}
	noAdvanced := f.lbs()
	noAdvanced[0].AdvancedConfiguration = nil
	badRole := f.lbs()
	badRole[0].AdvancedConfiguration.RoleArn = aws.String("ecsInfrastructureRole")
	oneTG := f.lbs()
	oneTG[0].AdvancedConfiguration.ProductionListenerRule = aws.String(f.alb.ProductionListenerArn) // forwards to blue only
	for name, err := range map[string]error{
		"PAUSE at PRODUCTION_TRAFFIC_SHIFT": try(bg(pauseHook(5, types.DeploymentLifecycleHookStageProductionTrafficShift)), f.lbs()),
		"PAUSE at TEST_TRAFFIC_SHIFT":       try(bg(pauseHook(5, types.DeploymentLifecycleHookStageTestTrafficShift)), f.lbs()),
		"timeout 0":                         try(bg(pauseHook(0, types.DeploymentLifecycleHookStagePostScaleUp)), f.lbs()),
		"lambda without target":             try(bg(types.DeploymentLifecycleHook{LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostScaleUp}}), f.lbs()),
		"no bake time":                      try(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen}, f.lbs()),
		"linear 2%":                         try(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(2)}}, f.lbs()),
		"canary 0.05%":                      try(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(0.05)}}, f.lbs()),
		"no advancedConfiguration":          try(bg(), noAdvanced),
		"role not an ARN":                   try(bg(), badRole),
		"rule without the alternate":        try(bg(), oneTG),
	} {
		if !isCode(err, "InvalidParameterException") {
			t.Errorf("%s: %v, want InvalidParameterException", name, err)
		}
	}
	if svc := f.blue(t); *svc.TaskDefinition != f.td1 || svc.DeploymentConfiguration.Strategy != types.DeploymentStrategyRolling {
		t.Errorf("a refused update changed the service: %s %s", *svc.TaskDefinition, svc.DeploymentConfiguration.Strategy)
	}
	if n := f.srv.CountCalls("elbv2.ModifyRule"); n != 0 {
		t.Errorf("%d ModifyRule calls", n)
	}
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

func TestNativeNewerDeploymentStopsTheRunningOneAndListFilters(t *testing.T) {
	f := newNativeFixture(t)
	dc := &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
		LifecycleHooks: []types.DeploymentLifecycleHook{pauseHook(30, types.DeploymentLifecycleHookStagePostScaleUp)}}
	first := f.start(t, dc)
	f.runUntilPause(t, first, 5*time.Minute)
	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(f.td1), ForceNewDeployment: true})
	if sd := f.sd(t, first); sd.Status != types.ServiceDeploymentStatusStopped || sd.StoppedAt == nil {
		t.Errorf("superseded deployment: %s (stoppedAt %v), want STOPPED", sd.Status, sd.StoppedAt)
	}
	ctx := context.Background()
	list := func(in *ecs.ListServiceDeploymentsInput) ([]types.ServiceDeploymentBrief, error) {
		in.Cluster, in.Service = aws.String(seed.Cluster), aws.String(seed.BlueService)
		out, err := f.ecs.ListServiceDeployments(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.ServiceDeployments, nil
	}
	all, err := list(&ecs.ListServiceDeploymentsInput{})
	if err != nil || len(all) != 2 || *all[1].ServiceDeploymentArn != first {
		t.Fatalf("list: %v %+v (want newest first)", err, all)
	}
	stopped, _ := list(&ecs.ListServiceDeploymentsInput{Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusStopped}})
	if len(stopped) != 1 || *stopped[0].ServiceDeploymentArn != first {
		t.Errorf("status filter STOPPED: %+v", stopped)
	}
	recent, err := list(&ecs.ListServiceDeploymentsInput{CreatedAt: &types.CreatedAt{After: aws.Time(f.clk.Now().Add(-time.Second))}})
	if err != nil || len(recent) != 1 || *recent[0].ServiceDeploymentArn == first {
		t.Errorf("createdAt filter: %v %+v, want only the newer deployment", err, recent)
	}
	page, _ := list(&ecs.ListServiceDeploymentsInput{MaxResults: aws.Int32(1)})
	if len(page) != 1 {
		t.Errorf("maxResults 1: %d", len(page))
	}
	if _, err := list(&ecs.ListServiceDeploymentsInput{MaxResults: aws.Int32(101)}); !isCode(err, "InvalidParameterException") {
		t.Errorf("maxResults 101: %v", err)
	}
	if _, err := f.ecs.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(seed.Cluster), Service: aws.String("nope")}); !isCode(err, "ServiceNotFoundException") {
		t.Errorf("unknown service: %v", err)
	}
	out, err := f.ecs.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{first + "x"}})
	if err != nil || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("unknown deployment: %v %+v", err, out)
	}
}
