// Package traffic moves and watches production traffic on an Application
// Load Balancer: it reads which colour (blue or green target group) a
// listener or rule forwards to, switches it or shifts weights between the
// two, gates on ELBv2 target health and on HTTP health checks, and bakes a
// release by checking both for a period and returning the first failure.
// It only speaks the ELBv2 API (aws-sdk-go-v2) and HTTP, so the same code
// runs against AWS and against the in-repo emulator (awsemu).
package traffic

import (
	"context"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// ELBAPI is the subset of the ELBv2 client this package calls
// (*elasticloadbalancingv2.Client implements it).
type ELBAPI interface {
	DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeRules(ctx context.Context, in *elb.DescribeRulesInput, optFns ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, optFns ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
	ModifyRule(ctx context.Context, in *elb.ModifyRuleInput, optFns ...func(*elb.Options)) (*elb.ModifyRuleOutput, error)
	DescribeTargetHealth(ctx context.Context, in *elb.DescribeTargetHealthInput, optFns ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error)
}

var _ ELBAPI = (*elb.Client)(nil)
