package seed

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// InfrastructureRole is the role ECS assumes to move weighted traffic in a
// native (BLUE_GREEN, LINEAR, CANARY) deployment.
const InfrastructureRole = "ecsInfrastructureRoleForLoadBalancers"

// NativeRules are the listener rules of a native deployment: a production
// rule and a test rule, each forwarding to the primary target group
// (weight 100) and the alternate one (weight 0), as ECS requires.
type NativeRules struct {
	Production string
	Test       string
}

// CreateNativeRules adds, at priority, a rule on the production listener
// and one on the test listener matching path (e.g. "/*") that forward to
// primary (100) and alternate (0).
func CreateNativeRules(ctx context.Context, client *elb.Client, productionListener, testListener, primary, alternate, path string, priority int32) (*NativeRules, error) {
	rule := func(listener string) (string, error) {
		out, err := client.CreateRule(ctx, &elb.CreateRuleInput{
			ListenerArn: aws.String(listener), Priority: aws.Int32(priority),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{path}}}},
			Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
				TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(primary), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(alternate), Weight: aws.Int32(0)}},
			}}},
		})
		if err != nil {
			return "", fmt.Errorf("seed: native rule on %s: %w", listener, err)
		}
		return aws.ToString(out.Rules[0].RuleArn), nil
	}
	var r NativeRules
	var err error
	if r.Production, err = rule(productionListener); err != nil {
		return nil, err
	}
	if testListener != "" {
		if r.Test, err = rule(testListener); err != nil {
			return nil, err
		}
	}
	return &r, nil
}
