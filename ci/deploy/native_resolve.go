package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
)

// nativeService is one service's native deployment: the resources it
// moves traffic between, what UpdateService sends, and, once started, its
// service deployment.
type nativeService struct {
	t         *Target
	cfg       config.NativeService
	lbArn     string // the load balancer of the primary target group
	primary   string // the service's targetGroupArn
	alternate string
	liveTG    string // the target group with production traffic now
	greenTG   string // where the new revision's tasks go
	prodRule  string
	testRule  string
	settings  ecs.ServiceDeploymentSettings
	arn       string // the service deployment, once started
	prevTD    string // the task definition before the deployment
}

// resolveNative reads, without changing anything, what a service's native
// deployment needs: target groups, listener rules, the live target group,
// and the deployment configuration and load balancers to send.
func resolveNative(ctx context.Context, run *Run, t *Target, cfg config.NativeService, waitUntil string) (*nativeService, error) {
	svc := t.Current
	if svc == nil || len(svc.LoadBalancers) == 0 {
		return nil, fmt.Errorf("%s: a native deployment needs a service attached to a target group (it has no loadBalancers)", t.Service)
	}
	ns := &nativeService{t: t, cfg: cfg, primary: aws.ToString(svc.LoadBalancers[0].TargetGroupArn), prevTD: aws.ToString(svc.TaskDefinition)}
	tgs, err := run.nelb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{ns.primary}})
	if err != nil || len(tgs.TargetGroups) != 1 {
		return nil, fmt.Errorf("%s: target group %s: %v", t.Service, ns.primary, err)
	}
	primaryName := aws.ToString(tgs.TargetGroups[0].TargetGroupName)
	if lbs := tgs.TargetGroups[0].LoadBalancerArns; len(lbs) > 0 {
		ns.lbArn = lbs[0]
	}
	alt := cfg.AlternateFor(primaryName)
	if ns.alternate, err = targetGroupArn(ctx, run.nelb, alt); err != nil {
		return nil, fmt.Errorf("%s: alternate target group: %w", t.Service, err)
	}
	if ns.prodRule, err = findRule(ctx, run.nelb, cfg.ProductionListenerRule, ns.lbArn, cfg.ProductionListenerPort, ns.primary, ns.alternate); err != nil || ns.prodRule == "" {
		return nil, fmt.Errorf("%s: production listener rule (port %d, forwarding to %s and %s): %v", t.Service, cfg.ProductionListenerPort, primaryName, alt, orNotFound(err))
	}
	if cfg.TestListenerRule != "none" {
		if ns.testRule, err = findRule(ctx, run.nelb, cfg.TestListenerRule, ns.lbArn, cfg.TestListenerPort, ns.primary, ns.alternate); err != nil {
			return nil, fmt.Errorf("%s: test listener rule: %w", t.Service, err)
		}
	}
	if ns.liveTG, err = liveTargetGroup(ctx, run.nelb, ns.prodRule, ns.primary, ns.alternate); err != nil {
		return nil, fmt.Errorf("%s: %w", t.Service, err)
	}
	ns.greenTG = ns.alternate
	if ns.liveTG == ns.alternate {
		ns.greenTG = ns.primary
	}
	role := cfg.InfrastructureRole
	if !strings.HasPrefix(role, "arn:") {
		role = fmt.Sprintf("arn:aws:iam::%s:role/%s", run.Env.AccountID, role)
	}
	lbs := append([]ecstypes.LoadBalancer(nil), svc.LoadBalancers...)
	lbs[0].AdvancedConfiguration = &ecstypes.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(ns.alternate),
		ProductionListenerRule: aws.String(ns.prodRule), RoleArn: aws.String(role)}
	if ns.testRule != "" {
		lbs[0].AdvancedConfiguration.TestListenerRule = aws.String(ns.testRule)
	}
	ns.settings = ecs.ServiceDeploymentSettings{DeploymentConfiguration: nativeDeploymentConfiguration(svc.DeploymentConfiguration, cfg, ns.testRule != "", waitUntil), LoadBalancers: lbs}
	return ns, nil
}

// nativeDeploymentConfiguration keeps the service's task counts (percents)
// and sets everything the strategy needs, clearing what another strategy
// left (ECS keeps any member not sent): the strategy, bake times, its
// linear or canary step, alarms (off when none are configured), the
// circuit breaker, and the PAUSE hooks of the gates (none when no gate
// stage remains).
func nativeDeploymentConfiguration(cur *ecstypes.DeploymentConfiguration, cfg config.NativeService, test bool, waitUntil string) *ecstypes.DeploymentConfiguration {
	dc := &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: ecs.CircuitBreaker(), Alarms: ecs.NoDeploymentAlarms(),
		LifecycleHooks: []ecstypes.DeploymentLifecycleHook{}}
	if cur != nil {
		dc.MaximumPercent, dc.MinimumHealthyPercent = cur.MaximumPercent, cur.MinimumHealthyPercent
	}
	dc.BakeTimeInMinutes = aws.Int32(config.Minutes(cfg.Bake))
	switch cfg.Strategy {
	case config.StrategyNativeBlueGreen:
		dc.Strategy = ecstypes.DeploymentStrategyBlueGreen
	case config.StrategyNativeLinear:
		dc.Strategy = ecstypes.DeploymentStrategyLinear
		dc.LinearConfiguration = &ecstypes.LinearConfiguration{StepBakeTimeInMinutes: aws.Int32(config.Minutes(cfg.Linear.StepBake))}
		if cfg.Linear.StepPercent > 0 {
			dc.LinearConfiguration.StepPercent = aws.Float64(cfg.Linear.StepPercent)
		}
	case config.StrategyNativeCanary:
		dc.Strategy = ecstypes.DeploymentStrategyCanary
		dc.CanaryConfiguration = &ecstypes.CanaryConfiguration{CanaryBakeTimeInMinutes: aws.Int32(config.Minutes(cfg.Canary.Bake))}
		if cfg.Canary.Percent > 0 {
			dc.CanaryConfiguration.CanaryPercent = aws.Float64(cfg.Canary.Percent)
		}
	}
	if len(cfg.Alarms.Names) > 0 {
		dc.Alarms = &ecstypes.DeploymentAlarms{AlarmNames: cfg.Alarms.Names, Enable: true, Rollback: cfg.AlarmRollback()}
	}
	if stages := gateStages(test, waitUntil); len(stages) > 0 {
		dc.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{
			TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause, LifecycleStages: stages,
			TimeoutConfiguration: &ecstypes.DeploymentLifecycleHookTimeoutConfiguration{
				TimeoutInMinutes: aws.Int32(config.Minutes(cfg.Gates.HookTimeout)), Action: ecstypes.DeploymentLifecycleHookActionRollback},
		}}
	}
	return dc
}

// targetGroupArn resolves a target group name (or passes an ARN through).
func targetGroupArn(ctx context.Context, api nativeELBAPI, nameOrArn string) (string, error) {
	if strings.HasPrefix(nameOrArn, "arn:") {
		return nameOrArn, nil
	}
	out, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{nameOrArn}})
	if err != nil {
		return "", fmt.Errorf("target group %s: %w", nameOrArn, err)
	}
	if len(out.TargetGroups) != 1 {
		return "", fmt.Errorf("target group %s: not found", nameOrArn)
	}
	return aws.ToString(out.TargetGroups[0].TargetGroupArn), nil
}

// findRule returns rule if given, else the rule of the load balancer's
// listener on port that forwards to both target groups ("" if none).
func findRule(ctx context.Context, api nativeELBAPI, rule, lbArn string, port int, a, b string) (string, error) {
	if rule != "" {
		return rule, nil
	}
	if lbArn == "" || port == 0 {
		return "", nil
	}
	ls, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lbArn)})
	if err != nil {
		return "", fmt.Errorf("listeners of %s: %w", lbArn, err)
	}
	for _, l := range ls.Listeners {
		if aws.ToInt32(l.Port) != int32(port) {
			continue
		}
		rs, err := api.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			return "", fmt.Errorf("rules of %s: %w", aws.ToString(l.ListenerArn), err)
		}
		for _, r := range rs.Rules {
			w := forwardWeights(r.Actions)
			if _, okA := w[a]; okA {
				if _, okB := w[b]; okB {
					return aws.ToString(r.RuleArn), nil
				}
			}
		}
	}
	return "", nil
}

// liveTargetGroup is the target group with the larger production weight.
func liveTargetGroup(ctx context.Context, api nativeELBAPI, rule, primary, alternate string) (string, error) {
	rs, err := api.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{rule}})
	if err != nil || len(rs.Rules) != 1 {
		return "", fmt.Errorf("production listener rule %s: %v", rule, orNotFound(err))
	}
	w := forwardWeights(rs.Rules[0].Actions)
	if w[alternate] > w[primary] {
		return alternate, nil
	}
	return primary, nil
}

// forwardWeights maps target group ARN -> weight of a rule's forward action.
func forwardWeights(acts []elbtypes.Action) map[string]int32 {
	out := map[string]int32{}
	for _, a := range acts {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.TargetGroupArn != nil {
			out[*a.TargetGroupArn] = 1
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				out[aws.ToString(t.TargetGroupArn)] = aws.ToInt32(t.Weight)
			}
		}
	}
	return out
}

func orNotFound(err error) error {
	if err == nil {
		return fmt.Errorf("not found")
	}
	return err
}
