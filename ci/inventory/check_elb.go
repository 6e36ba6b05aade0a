package inventory

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// listenerArn finds the environment's load balancer and its listener on
// listenerPort ("" when absent; the status says which one is), once.
func (c *checker) listenerArn(ctx context.Context) (lbFound bool, listener string, err error) {
	if !c.lb.done {
		c.lb.found, c.lb.listener, c.lb.err = c.findListener(ctx)
		c.lb.done = true
	}
	return c.lb.found, c.lb.listener, c.lb.err
}

func (c *checker) findListener(ctx context.Context) (lbFound bool, listener string, err error) {
	lb := c.env.LoadBalancer
	out, err := c.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{lb.Name}})
	if apiCode(err) == "LoadBalancerNotFound" {
		return false, "", nil
	}
	if err != nil || len(out.LoadBalancers) == 0 {
		return false, "", err
	}
	ls, err := c.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		return true, "", err
	}
	for _, l := range ls.Listeners {
		if aws.ToInt32(l.Port) == int32(lb.ListenerPort) {
			return true, aws.ToString(l.ListenerArn), nil
		}
	}
	return true, "", nil
}

func (c *checker) checkListener(ctx context.Context, kind Kind) (Status, []string) {
	lbFound, listener, err := c.listenerArn(ctx)
	switch {
	case err != nil:
		return Unverified, []string{err.Error()}
	case kind == KindLoadBalancer:
		return present(lbFound)
	case !lbFound:
		return Missing, []string{"its load balancer is missing"}
	}
	return present(listener != "")
}

// checkTargetGroup checks ip targets on the service container's port (ECS
// registers awsvpc tasks by IP on the container port).
func (c *checker) checkTargetGroup(r Resource) (Status, []string) {
	tg, ok := c.targetGroups[r.Name]
	if !ok {
		return Missing, nil
	}
	if r.colour != nil {
		if tg.arn != r.colour.TargetGroupArn {
			return Wrong, []string{fmt.Sprintf("its ARN is %s, %s says %s", tg.arn, c.env.File, r.colour.TargetGroupArn)}
		}
		return OK, nil
	}
	var problems []string
	if tg.targetType != string(elbtypes.TargetTypeEnumIp) {
		problems = append(problems, fmt.Sprintf("target type %q; Fargate tasks (awsvpc) need ip", tg.targetType))
	}
	if pc := r.service.PortContainer(); tg.port != int32(pc.Port) {
		problems = append(problems, fmt.Sprintf("port %d, but container %s of %s listens on %d", tg.port, pc.Name, r.service.Name, pc.Port))
	}
	if len(problems) > 0 {
		return Wrong, problems
	}
	return OK, nil
}

// checkRule finds the service's rule by priority and compares its
// conditions and forward action.
func (c *checker) checkRule(ctx context.Context, s *config.Service) (Status, []string) {
	_, listener, err := c.listenerArn(ctx)
	if err != nil {
		return Unverified, []string{err.Error()}
	}
	if listener == "" {
		return Missing, []string{"its listener is missing"}
	}
	out, err := c.elb.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(listener)})
	if err != nil {
		return Unverified, []string{err.Error()}
	}
	want := fmt.Sprint(s.Rule.Priority)
	for _, rule := range out.Rules {
		if aws.ToString(rule.Priority) != want {
			continue
		}
		var problems []string
		host, path := conditionValues(rule.Conditions)
		if host != s.Rule.Host || path != s.Rule.Path {
			problems = append(problems, fmt.Sprintf("conditions host %q path %q, want host %q path %q", host, path, s.Rule.Host, s.Rule.Path))
		}
		if tg := c.targetGroups[s.TargetGroup].arn; tg == "" || !forwardsTo(rule.Actions, tg) {
			problems = append(problems, "does not forward to target group "+s.TargetGroup)
		}
		if len(problems) > 0 {
			return Wrong, problems
		}
		return OK, nil
	}
	return Missing, nil
}

func conditionValues(conds []elbtypes.RuleCondition) (host, path string) {
	first := func(vs ...[]string) string {
		for _, v := range vs {
			if len(v) > 0 {
				return v[0]
			}
		}
		return ""
	}
	for _, c := range conds {
		switch aws.ToString(c.Field) {
		case "host-header":
			var cfg []string
			if c.HostHeaderConfig != nil {
				cfg = c.HostHeaderConfig.Values
			}
			host = first(cfg, c.Values)
		case "path-pattern":
			var cfg []string
			if c.PathPatternConfig != nil {
				cfg = c.PathPatternConfig.Values
			}
			path = first(cfg, c.Values)
		}
	}
	return host, path
}

func forwardsTo(actions []elbtypes.Action, tgArn string) bool {
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if aws.ToString(a.TargetGroupArn) == tgArn {
			return true
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if aws.ToString(t.TargetGroupArn) == tgArn {
					return true
				}
			}
		}
	}
	return false
}
