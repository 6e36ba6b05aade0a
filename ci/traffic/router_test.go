package traffic_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/bitflow-lms/pipeline/ci/traffic"
)

func TestRouterLiveColourComesFromTheListener(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.router
	live, st, err := r.Live(ctx)
	if err != nil || live.Name != "blue" || st.Percent("blue") != 100 {
		t.Fatalf("Live = %s %v %v, want blue 100%%", live.Name, st, err)
	}
	if err := r.SwitchTo(ctx, r.Green); err != nil {
		t.Fatal(err)
	}
	live, st, err = r.Live(ctx)
	if err != nil || live.Name != "green" || st.Percent("green") != 100 {
		t.Fatalf("after SwitchTo(green): Live = %s %v %v", live.Name, st, err)
	}
	if w := st.WeightsByArn(); w[r.Blue.TargetGroupArn] != 0 || w[r.Green.TargetGroupArn] != 100 {
		t.Errorf("weights by ARN = %v", w)
	}
	if err := r.SetPercent(ctx, r.Blue, 10); err != nil {
		t.Fatal(err)
	}
	st, err = r.Current(ctx)
	if err != nil || st.Percent("blue") != 10 || st.Percent("green") != 90 || !st.Split() {
		t.Fatalf("after SetPercent(blue, 10): %v %v", st, err)
	}
	if _, _, err := r.Live(ctx); err == nil || !strings.Contains(err.Error(), "splits traffic") {
		t.Errorf("Live while split: %v, want a 'splits traffic' error", err)
	}
	// The test listener was never touched.
	out, _ := f.c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{f.test}})
	if got := aws.ToString(out.Listeners[0].DefaultActions[0].TargetGroupArn); got != r.Green.TargetGroupArn {
		t.Errorf("test listener forwards to %s, want green", got)
	}
	if n := f.srv.CountCalls("elbv2.ModifyListener"); n != 2 {
		t.Errorf("ModifyListener calls = %d, want 2", n)
	}
}

func TestRouterRefusesAForeignTargetGroup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.c.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("someone-else"), Port: aws.Int32(80)})
	if err != nil {
		t.Fatal(err)
	}
	arn := *other.TargetGroups[0].TargetGroupArn
	if _, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.router.ListenerArn),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(arn)}}}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.router.Live(ctx)
	if err == nil || !strings.Contains(err.Error(), "someone-else") || !strings.Contains(err.Error(), "neither blue") {
		t.Errorf("Live with a foreign target group: %v", err)
	}
	bad := &traffic.Router{ListenerArn: "x", Blue: traffic.Colour{Name: "blue", Service: "s", TargetGroupArn: "a"},
		Green: traffic.Colour{Name: "green", Service: "s2", TargetGroupArn: "a"}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "same target group") {
		t.Errorf("Validate with one target group for both colours: %v", err)
	}
}

func TestRouterSwitchesARuleInsteadOfTheDefaultAction(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rule, err := f.c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: aws.String(f.router.ListenerArn), Priority: aws.Int32(5),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api/*"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.router.Blue.TargetGroupArn)}}})
	if err != nil {
		t.Fatal(err)
	}
	r := *f.router
	r.RuleArn = *rule.Rules[0].RuleArn
	if err := r.SwitchTo(ctx, r.Green); err != nil {
		t.Fatal(err)
	}
	if live, _, err := r.Live(ctx); err != nil || live.Name != "green" {
		t.Fatalf("rule Live = %s %v, want green", live.Name, err)
	}
	if live, _, err := f.router.Live(ctx); err != nil || live.Name != "blue" {
		t.Errorf("listener default action Live = %s %v, want blue (untouched)", live.Name, err)
	}
	if n := f.srv.CountCalls("elbv2.ModifyListener"); n != 0 {
		t.Errorf("ModifyListener calls = %d, want 0 when switching a rule", n)
	}
}
