package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func TestBlueGreenCleanDeploy(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	blueTD, _, _ := b.service(t, "bitflow-backend-blue")
	m, err := Deploy(context.Background(), b.options())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.out)
	}
	want := "validate:succeeded credentials:succeeded lock:succeeded check-images:succeeded prepare:succeeded render-task-definitions:succeeded migrate:succeeded " +
		"deploy-idle:succeeded wait-idle:succeeded health-gate:succeeded switch:succeeded bake:succeeded " +
		"deploy-others:succeeded wait-others:succeeded scale-down-old:succeeded"
	if got := stageNames(m); got != want {
		t.Errorf("stages:\n got  %s\n want %s", got, want)
	}
	if live := b.live(t); live != "green" {
		t.Errorf("live colour after deploy = %s, want green", live)
	}
	greenTD, greenDesired, greenRunning := b.service(t, "bitflow-backend-green")
	_, blueDesired, _ := b.service(t, "bitflow-backend-blue")
	if greenDesired != 3 || greenRunning != 3 || blueDesired != 1 {
		t.Errorf("green desired/running %d/%d, blue desired %d; want 3/3 and blue scaled to 1", greenDesired, greenRunning, blueDesired)
	}
	tr := m.Traffic
	if tr == nil || tr.LiveColourBefore != "blue" || tr.LiveColourAfter != "green" || tr.OldColourScaledTo == nil || *tr.OldColourScaledTo != 1 {
		t.Fatalf("manifest traffic %+v", tr)
	}
	if tr.WeightsAfter[b.alb.TargetGroups["green"]] != 100 || tr.WeightsBefore[b.alb.TargetGroups["blue"]] != 1 {
		t.Errorf("weights before %v after %v", tr.WeightsBefore, tr.WeightsAfter)
	}
	byService := map[string]manifest.ServiceChange{}
	for _, sc := range m.Services {
		byService[sc.Service] = sc
	}
	g, bl := byService["bitflow-backend-green"], byService["bitflow-backend-blue"]
	if g.TaskDefinitionAfter != greenTD || g.DesiredCountBefore != 0 || g.DesiredCountAfter != 3 || g.TaskDefinitionBefore == greenTD {
		t.Errorf("green change %+v (runs %s)", g, greenTD)
	}
	if bl.TaskDefinitionBefore != blueTD || bl.DesiredCountBefore != 3 || bl.DesiredCountAfter != 1 {
		t.Errorf("blue change %+v", bl)
	}
	if fe := byService["bitflow-frontend-student"]; fe.TaskDefinitionAfter == "" || fe.TaskDefinitionAfter == fe.TaskDefinitionBefore {
		t.Errorf("frontend change %+v", fe)
	}
	// Rollouts: the idle colour's in deploy-idle..wait-idle, the frontends' in deploy-others..wait-others; the old colour only scales.
	for svc, stages := range map[string][2]string{"bitflow-backend-green": {StageDeployIdle, StageWaitIdle}, "bitflow-frontend-student": {StageDeployOthers, StageWaitOthers}} {
		ro := byService[svc].Rollout
		if ro == nil || ro.Result != manifest.RolloutStable || ro.StartedAt.Before(m.Stage(stages[0]).StartedAt) || ro.FinishedAt.After(m.Stage(stages[1]).FinishedAt) {
			t.Errorf("%s: rollout %+v, want stable within %s..%s", svc, ro, stages[0], stages[1])
		}
	}
	if bl.Rollout != nil {
		t.Errorf("the old colour was only scaled down, yet has a rollout %+v", bl.Rollout)
	}
	changes := b.productionChanges()
	if len(changes) != 1 || changes[0].Weights["bitflow-backend-green"] != 100 || len(changes[0].NotHealthy) != 0 {
		t.Errorf("production listener changes %+v, want one switch to a healthy green", changes)
	}
	if read, err := manifest.Read(b.options().ManifestPath); err != nil || read.Outcome != manifest.OutcomeSucceeded || read.Traffic.LiveColourAfter != "green" {
		t.Errorf("manifest file: %v %+v", err, read)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestBlueGreenGreenNeverHealthyDoesNotSwitch(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	b.env.BlueGreen.HealthCheck.Retries = 10 // 10 x 50ms of target health before giving up
	// As on AWS, ECS replaces tasks whose targets fail their ELB health
	// checks once the service's grace period is over, and the circuit
	// breaker fails the deployment: with no grace period that is what stops
	// this deploy, before the health gate.
	if _, err := b.ecs.UpdateService(context.Background(), &awsecs.UpdateServiceInput{Cluster: aws.String(b.env.Cluster),
		Service: aws.String("bitflow-backend-green"), HealthCheckGracePeriodSeconds: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	b.srv.NeverHealthy("bitflow-backend-green")
	blueTD, _, _ := b.service(t, "bitflow-backend-blue")
	m, err := Deploy(context.Background(), b.options())
	if err == nil || errors.Is(err, ErrRolledBack) {
		t.Fatalf("deploy with a never-healthy green: %v", err)
	}
	if m.Outcome != manifest.OutcomeFailed || m.FailedStage != StageWaitIdle {
		t.Errorf("outcome %s at %q, want failed at wait-idle", m.Outcome, m.FailedStage)
	}
	if !strings.Contains(err.Error(), "circuit breaker") || !strings.Contains(err.Error(), "bitflow-backend-green") {
		t.Errorf("error does not say why: %v", err)
	}
	if !strings.Contains(b.out.String(), "is unhealthy in (target-group bitflow-backend-green) due to (reason Health checks failed") {
		t.Errorf("progress does not show the ELB health check failures")
	}
	if m.Stage(StageHealthGate) != nil {
		t.Errorf("health-gate ran after wait-idle failed: %s", stageNames(m))
	}
	if live := b.live(t); live != "blue" {
		t.Errorf("live = %s, want blue", live)
	}
	if n := len(b.productionChanges()); n != 0 {
		t.Errorf("%d changes to the production listener, want none", n)
	}
	td, desired, running := b.service(t, "bitflow-backend-blue")
	if td != blueTD || desired != 3 || running != 3 {
		t.Errorf("blue runs %s %d/%d, want untouched %s 3/3", td, running, desired, blueTD)
	}
	if m.Traffic == nil || m.Traffic.LiveColourBefore != "blue" || m.Traffic.LiveColourAfter != "" {
		t.Errorf("manifest traffic %+v", m.Traffic)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestBlueGreenFailureDuringBakeSwitchesBack(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	opts := b.options()
	opts.OnStage = func(st manifest.Stage) {
		if st.Name == StageBake && st.Status == manifest.StageRunning {
			b.srv.UnhealthyAfter("bitflow-backend-green", bgBake/3) // health fails a third into the bake
		}
	}
	m, err := Deploy(context.Background(), opts)
	if !errors.Is(err, ErrRolledBack) {
		t.Fatalf("deploy with health failing during the bake: %v, want ErrRolledBack\n%s", err, b.out)
	}
	if m.Outcome != manifest.OutcomeRolledBack || m.FailedStage != StageBake {
		t.Errorf("outcome %s at %q, want rolled_back at bake", m.Outcome, m.FailedStage)
	}
	if s := m.Stage(StageSwitchBack); s == nil || s.Status != manifest.StageSucceeded {
		t.Errorf("switch-back stage %+v", s)
	}
	if m.Stage(StageScaleDownOld) != nil || m.Stage(StageDeployOthers) != nil {
		t.Errorf("stages after a failed bake ran: %s", stageNames(m))
	}
	if live := b.live(t); live != "blue" {
		t.Errorf("live = %s, want blue again", live)
	}
	if _, desired, _ := b.service(t, "bitflow-backend-blue"); desired != 3 {
		t.Errorf("blue desired %d, want 3 (never scaled down)", desired)
	}
	changes := b.productionChanges()
	if len(changes) != 2 || changes[0].Weights["bitflow-backend-green"] != 100 || changes[1].Weights["bitflow-backend-blue"] != 100 || len(changes[1].NotHealthy) != 0 {
		t.Errorf("production listener changes %+v, want switch to green then back to a healthy blue", changes)
	}
	if m.Traffic.LiveColourAfter != "blue" || !strings.Contains(m.FailureReason, "bake failed") {
		t.Errorf("manifest traffic %+v, reason %q", m.Traffic, m.FailureReason)
	}
	read, rerr := manifest.Read(opts.ManifestPath)
	if rerr != nil || read.Outcome != manifest.OutcomeRolledBack {
		t.Errorf("manifest file: %v %+v", rerr, read)
	}
	if t.Failed() {
		t.Logf("progress:\n%s", b.out)
	}
}

func TestBlueGreenSwitchesARuleWhenConfigured(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	ctx := context.Background()
	rule, err := b.elb.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: aws.String(b.alb.ProductionListenerArn), Priority: aws.Int32(9),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/v1/*"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(b.alb.TargetGroups["blue"])}}})
	if err != nil {
		t.Fatal(err)
	}
	b.env.BlueGreen.RuleArn = *rule.Rules[0].RuleArn
	m, err := Deploy(ctx, b.options())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.out)
	}
	ruleRouter := *b.router
	ruleRouter.RuleArn = b.env.BlueGreen.RuleArn
	if live, _, err := ruleRouter.Live(ctx); err != nil || live.Name != "green" {
		t.Errorf("rule forwards to %s (%v), want green", live.Name, err)
	}
	if b.live(t) != "blue" {
		t.Errorf("the listener's default action moved to %s; only the rule should", b.live(t))
	}
	if m.Traffic.RuleArn != b.env.BlueGreen.RuleArn || b.srv.CountCalls("elbv2.ModifyRule") != 1 {
		t.Errorf("manifest rule %q, ModifyRule calls %d", m.Traffic.RuleArn, b.srv.CountCalls("elbv2.ModifyRule"))
	}
	if _, err := Rollback(ctx, b.rollbackOptions()); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if live, _, _ := ruleRouter.Live(ctx); live.Name != "blue" {
		t.Errorf("rule forwards to %s after rollback, want blue", live.Name)
	}
}
