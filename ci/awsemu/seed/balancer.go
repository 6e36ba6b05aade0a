package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Balancer creates the environment's load balancer side: the ALB and its
// listener (both reused when they exist, e.g. made by ALBTopology; a new
// listener answers 404 by default), one target group per service that names
// one (HTTP to the container port, ip targets) and one listener rule per
// service forwarding its host or path to the target group. With a native
// section, each service also gets its alternate target group, its rule
// forwards to both (primary 100, alternate 0) and a copy of it sits on the
// test listener (native.testListenerPort). Nothing is created when no
// service has a target group.
func Balancer(ctx context.Context, client *elb.Client, env *config.Environment, opts Options, res *Result) error {
	var behind []config.Service
	for _, s := range env.Services {
		if s.TargetGroup != "" {
			behind = append(behind, s)
		}
	}
	if len(behind) == 0 {
		return nil
	}
	for _, s := range behind {
		c := s.PortContainer()
		health := FrontendHealthPath
		if s.Role == config.RoleBackend {
			health = BackendHealthPath
		}
		tg, err := client.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
			Name: aws.String(s.TargetGroup), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(c.Port)), VpcId: aws.String(opts.VpcID),
			TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String(health),
			HealthCheckIntervalSeconds: aws.Int32(30), HealthCheckTimeoutSeconds: aws.Int32(5),
			HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2),
			Matcher: &elbtypes.Matcher{HttpCode: aws.String("200")},
		})
		if err != nil {
			return fmt.Errorf("seed: target group %s: %w", s.TargetGroup, err)
		}
		res.TargetGroups[s.TargetGroup] = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
		if ns, ok := env.NativeFor(s.Name); ok {
			alt := ns.AlternateFor(s.TargetGroup)
			atg, err := client.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
				Name: aws.String(alt), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(c.Port)), VpcId: aws.String(opts.VpcID),
				TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String(health), Matcher: &elbtypes.Matcher{HttpCode: aws.String("200")},
			})
			if err != nil {
				return fmt.Errorf("seed: alternate target group %s: %w", alt, err)
			}
			res.TargetGroups[alt] = aws.ToString(atg.TargetGroups[0].TargetGroupArn)
		}
	}
	if env.LoadBalancer == nil {
		return nil
	}
	lbArn, err := loadBalancer(ctx, client, env.LoadBalancer.Name, opts.Subnets, opts.SecurityGroups)
	if err != nil {
		return err
	}
	res.LoadBalancerArn = lbArn
	port := int32(env.LoadBalancer.ListenerPort)
	res.ListenerArn, err = listener(ctx, client, lbArn, port, elbtypes.Action{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("no portal here")}})
	if err != nil {
		return fmt.Errorf("seed: listener %s:%d: %w", env.LoadBalancer.Name, port, err)
	}
	testListener := ""
	if n := env.Native; n != nil && n.TestListenerPort != 0 {
		if testListener, err = listener(ctx, client, lbArn, int32(n.TestListenerPort), elbtypes.Action{Type: elbtypes.ActionTypeEnumFixedResponse,
			FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("no portal here")}}); err != nil {
			return fmt.Errorf("seed: test listener %s:%d: %w", env.LoadBalancer.Name, n.TestListenerPort, err)
		}
	}
	for _, s := range behind {
		if s.Rule == nil {
			continue
		}
		action := elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(res.TargetGroups[s.TargetGroup])}
		listeners := []string{res.ListenerArn}
		if ns, ok := env.NativeFor(s.Name); ok { // native: both target groups in the rule, ECS moves the weights
			action = elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
				{TargetGroupArn: aws.String(res.TargetGroups[s.TargetGroup]), Weight: aws.Int32(100)},
				{TargetGroupArn: aws.String(res.TargetGroups[ns.AlternateFor(s.TargetGroup)]), Weight: aws.Int32(0)}}}}
			if testListener != "" {
				listeners = append(listeners, testListener)
			}
		}
		for _, l := range listeners {
			_, err := client.CreateRule(ctx, &elb.CreateRuleInput{
				ListenerArn: aws.String(l), Priority: aws.Int32(int32(s.Rule.Priority)),
				Conditions: RuleConditions(*s.Rule), Actions: []elbtypes.Action{action},
			})
			if err != nil {
				return fmt.Errorf("seed: listener rule of %s (priority %d): %w", s.Name, s.Rule.Priority, err)
			}
		}
	}
	return nil
}

// RuleConditions are the ALB conditions of a configured rule.
func RuleConditions(r config.Rule) []elbtypes.RuleCondition {
	var out []elbtypes.RuleCondition
	if r.Host != "" {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &elbtypes.HostHeaderConditionConfig{Values: []string{r.Host}}})
	}
	if r.Path != "" {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{r.Path}}})
	}
	return out
}

// loadBalancer returns the ARN of the ALB called name, creating it if absent.
func loadBalancer(ctx context.Context, client *elb.Client, name string, subnets, groups []string) (string, error) {
	d, err := client.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{name}})
	var nf *elbtypes.LoadBalancerNotFoundException
	switch {
	case err == nil && len(d.LoadBalancers) == 1:
		return aws.ToString(d.LoadBalancers[0].LoadBalancerArn), nil
	case err != nil && !errors.As(err, &nf):
		return "", fmt.Errorf("seed: load balancer %s: %w", name, err)
	}
	lb, err := client.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String(name), Subnets: subnets, SecurityGroups: groups,
		Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, Type: elbtypes.LoadBalancerTypeEnumApplication,
	})
	if err != nil {
		return "", fmt.Errorf("seed: load balancer %s: %w", name, err)
	}
	return aws.ToString(lb.LoadBalancers[0].LoadBalancerArn), nil
}

// listener returns the ARN of lbArn's listener on port, creating it (HTTP,
// with the given default action) if absent.
func listener(ctx context.Context, client *elb.Client, lbArn string, port int32, def elbtypes.Action) (string, error) {
	ls, err := client.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lbArn)})
	if err != nil {
		return "", err
	}
	for _, l := range ls.Listeners {
		if aws.ToInt32(l.Port) == port {
			return aws.ToString(l.ListenerArn), nil
		}
	}
	out, err := client.CreateListener(ctx, &elb.CreateListenerInput{
		LoadBalancerArn: aws.String(lbArn), Port: aws.Int32(port), Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{def},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Listeners[0].ListenerArn), nil
}
