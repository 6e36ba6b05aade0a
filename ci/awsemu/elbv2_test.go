package awsemu_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

// elbFixture is an emulator with an ALB, blue and green target groups and a
// production listener forwarding to blue.
type elbFixture struct {
	srv                 *awsemu.Server
	clk                 *awsemu.ManualClock
	c                   *elb.Client
	lb, blue, green, ln string
}

func newELBFixture(t *testing.T) *elbFixture {
	t.Helper()
	clk := awsemu.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := emutest.Start(t, awsemu.Options{Clock: clk})
	f := &elbFixture{srv: srv, clk: clk, c: elb.NewFromConfig(srv.AWSConfig())}
	ctx := context.Background()
	lb, err := f.c.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("bitflow-alb"), Subnets: []string{"subnet-a", "subnet-b"}})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	f.lb = *lb.LoadBalancers[0].LoadBalancerArn
	for _, name := range []string{"bitflow-backend-blue", "bitflow-backend-green"} {
		tg, err := f.c.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
			Name: aws.String(name), Port: aws.Int32(8000), Protocol: elbtypes.ProtocolEnumHttp,
			VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String("/health"),
		})
		if err != nil {
			t.Fatalf("CreateTargetGroup %s: %v", name, err)
		}
		if name == "bitflow-backend-blue" {
			f.blue = *tg.TargetGroups[0].TargetGroupArn
		} else {
			f.green = *tg.TargetGroups[0].TargetGroupArn
		}
	}
	ln, err := f.c.CreateListener(ctx, &elb.CreateListenerInput{
		LoadBalancerArn: aws.String(f.lb), Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp,
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.blue)}},
	})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	f.ln = *ln.Listeners[0].ListenerArn
	return f
}

func weightsOf(a elbtypes.Action) map[string]int32 {
	out := map[string]int32{}
	if a.ForwardConfig != nil {
		for _, t := range a.ForwardConfig.TargetGroups {
			out[*t.TargetGroupArn] = aws.ToInt32(t.Weight)
		}
	}
	return out
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestELBv2ListenerWeightsAndRules(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()

	d, err := f.c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(f.lb)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Listeners) != 1 || aws.ToInt32(d.Listeners[0].Port) != 80 {
		t.Fatalf("listeners = %+v", d.Listeners)
	}
	act := d.Listeners[0].DefaultActions[0]
	if aws.ToString(act.TargetGroupArn) != f.blue || weightsOf(act)[f.blue] != 1 {
		t.Fatalf("default action = %+v, want forward to blue (also as a one-entry ForwardConfig)", act)
	}
	tgs, err := f.c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"bitflow-backend-blue", "bitflow-backend-green"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tgs.TargetGroups[0].LoadBalancerArns; len(got) != 1 || got[0] != f.lb {
		t.Errorf("blue LoadBalancerArns = %v, want [%s]", got, f.lb)
	}
	if got := tgs.TargetGroups[1].LoadBalancerArns; len(got) != 0 {
		t.Errorf("green LoadBalancerArns = %v, want none before any listener uses it", got)
	}
	if hc := tgs.TargetGroups[0]; aws.ToString(hc.HealthCheckPath) != "/health" || aws.ToInt32(hc.Port) != 8000 || aws.ToString(hc.Matcher.HttpCode) != "200" {
		t.Errorf("blue target group = %+v", hc)
	}

	// Weighted shift 90/10.
	_, err = f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: []elbtypes.Action{{
		Type: elbtypes.ActionTypeEnumForward,
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
			{TargetGroupArn: aws.String(f.blue), Weight: aws.Int32(90)},
			{TargetGroupArn: aws.String(f.green), Weight: aws.Int32(10)},
		}},
	}}})
	if err != nil {
		t.Fatalf("ModifyListener: %v", err)
	}
	d, _ = f.c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{f.ln}})
	w := weightsOf(d.Listeners[0].DefaultActions[0])
	if w[f.blue] != 90 || w[f.green] != 10 || d.Listeners[0].DefaultActions[0].TargetGroupArn != nil {
		t.Fatalf("weights = %v (TargetGroupArn %v), want blue 90 green 10 and no single TargetGroupArn", w, d.Listeners[0].DefaultActions[0].TargetGroupArn)
	}

	// A rule that sends the test header to green.
	cr, err := f.c.CreateRule(ctx, &elb.CreateRuleInput{
		ListenerArn: aws.String(f.ln), Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("http-header"), HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{
			HttpHeaderName: aws.String("X-Bitflow-Colour"), Values: []string{"green"}}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.green)}},
	})
	if err != nil {
		t.Fatalf("CreateRule: %v", err)
	}
	ruleArn := *cr.Rules[0].RuleArn
	if _, err := f.c.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: aws.String(ruleArn),
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.blue)}}}); err != nil {
		t.Fatalf("ModifyRule: %v", err)
	}
	rules, err := f.c.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(f.ln)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules.Rules) != 2 || aws.ToString(rules.Rules[0].Priority) != "10" || !aws.ToBool(rules.Rules[1].IsDefault) {
		t.Fatalf("rules = %+v, want priority 10 then default", rules.Rules)
	}
	r0 := rules.Rules[0]
	if aws.ToString(r0.Actions[0].TargetGroupArn) != f.blue || aws.ToString(r0.Conditions[0].HttpHeaderConfig.HttpHeaderName) != "X-Bitflow-Colour" {
		t.Errorf("modified rule = %+v", r0)
	}
	if w := weightsOf(rules.Rules[1].Actions[0]); w[f.green] != 10 {
		t.Errorf("default rule actions = %v, want the listener's default actions", w)
	}
	if _, err := f.c.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: aws.String(ruleArn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{ruleArn}}); errCode(err) != "RuleNotFound" {
		t.Errorf("describe deleted rule: %v, want RuleNotFound", err)
	}
}

func TestELBv2DocumentedErrors(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()
	fwd := func(tg string, w int32) []elbtypes.Action {
		return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(tg), Weight: aws.Int32(w)}}}}}
	}
	missingTG := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0000"
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"unknown listener", func() error {
			_, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln + "x"), DefaultActions: fwd(f.blue, 1)})
			return err
		}, "ListenerNotFound"},
		{"unknown target group in action", func() error {
			_, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: fwd(missingTG, 1)})
			return err
		}, "TargetGroupNotFound"},
		{"weight out of range", func() error {
			_, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: fwd(f.blue, 1000)})
			return err
		}, "ValidationError"},
		{"all weights zero", func() error {
			_, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: fwd(f.blue, 0)})
			return err
		}, "ValidationError"},
		{"unknown load balancer", func() error {
			_, err := f.c.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"nope"}})
			return err
		}, "LoadBalancerNotFound"},
		{"unknown rule", func() error {
			_, err := f.c.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: aws.String(strings.Replace(f.ln, ":listener/", ":listener-rule/", 1) + "/0123456789abcdef"), Actions: fwd(f.blue, 1)})
			return err
		}, "RuleNotFound"},
		{"malformed rule ARN", func() error {
			_, err := f.c.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: aws.String("arn:nope"), Actions: fwd(f.blue, 1)})
			return err
		}, "ValidationError"},
		{"target group ARN given as listener", func() error {
			_, err := f.c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{f.blue}})
			return err
		}, "ValidationError"},

		{"unknown target group", func() error {
			_, err := f.c.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(missingTG)})
			return err
		}, "TargetGroupNotFound"},
		{"duplicate listener port", func() error {
			_, err := f.c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(f.lb), Port: aws.Int32(80), DefaultActions: fwd(f.blue, 1)})
			return err
		}, "DuplicateListener"},
	}
	for _, c := range cases {
		if err := c.call(); errCode(err) != c.want {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.want)
		}
	}
	d, _ := f.c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{f.ln}})
	if w := weightsOf(d.Listeners[0].DefaultActions[0]); len(w) != 1 || w[f.blue] != 1 {
		t.Errorf("after failed modifications the listener forwards %v, want only blue", w)
	}
}

func TestELBv2ThrottledModifyListenerIsRetried(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()
	f.srv.Throttle("elbv2.ModifyListener", 2)
	in := &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.green)}}}
	if _, err := f.c.ModifyListener(ctx, in); err != nil {
		t.Fatalf("ModifyListener with 2 throttles and the SDK retryer: %v", err)
	}
	if n := f.srv.CountCalls("elbv2.ModifyListener"); n != 3 {
		t.Errorf("ModifyListener calls = %d, want 3 (2 throttled + 1)", n)
	}
	f.srv.Throttle("elbv2.ModifyListener", 1)
	_, err := f.c.ModifyListener(ctx, in, func(o *elb.Options) { o.RetryMaxAttempts = 1 })
	if errCode(err) != "Throttling" {
		t.Errorf("without retries: %v, want Throttling", err)
	}
}

func targetStates(t *testing.T, f *elbFixture, tg string) map[string]string {
	t.Helper()
	out, err := f.c.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, d := range out.TargetHealthDescriptions {
		m[*d.Target.Id] = string(d.TargetHealth.State) + "/" + string(d.TargetHealth.Reason)
	}
	return m
}

func TestELBv2TargetHealthLifecycleAndFaults(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()
	reg := func(tg string, ids ...string) {
		var ts []elbtypes.TargetDescription
		for _, id := range ids {
			ts = append(ts, elbtypes.TargetDescription{Id: aws.String(id)})
		}
		if _, err := f.c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: ts}); err != nil {
			t.Fatal(err)
		}
	}
	reg(f.blue, "10.0.0.1", "10.0.0.2")
	reg(f.green, "10.0.1.1")
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "initial/Elb.InitialHealthChecking" {
		t.Errorf("fresh target = %s", got)
	}
	if got := targetStates(t, f, f.green)["10.0.1.1"]; got != "unused/Target.NotInUse" {
		t.Errorf("target of a target group no listener uses = %s", got)
	}
	f.clk.Advance(awsemu.DefaultTiming.TargetHealthy)
	if got := targetStates(t, f, f.blue); got["10.0.0.1"] != "healthy/" || got["10.0.0.2"] != "healthy/" {
		t.Errorf("after TargetHealthy: %v", got)
	}

	// Deregistered: draining, then gone.
	if _, err := f.c.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: aws.String(f.blue),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.2")}}}); err != nil {
		t.Fatal(err)
	}
	if got := targetStates(t, f, f.blue)["10.0.0.2"]; got != "draining/Target.DeregistrationInProgress" {
		t.Errorf("deregistered = %s", got)
	}
	f.clk.Advance(awsemu.DefaultTiming.Draining)
	if got := targetStates(t, f, f.blue); len(got) != 1 {
		t.Errorf("after Draining: %v, want only 10.0.0.1", got)
	}

	// UnhealthyAfter: healthy now, unhealthy 5s later.
	f.srv.UnhealthyAfter("bitflow-backend-blue", 5*time.Second)
	f.clk.Advance(4 * time.Second)
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "healthy/" {
		t.Errorf("4s into UnhealthyAfter(5s): %s", got)
	}
	f.clk.Advance(time.Second)
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "unhealthy/Target.ResponseCodeMismatch" {
		t.Errorf("5s into UnhealthyAfter(5s): %s", got)
	}
	f.srv.ClearHealthFaults(f.blue)
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "healthy/" {
		t.Errorf("after ClearHealthFaults: %s", got)
	}

	// NeverHealthy on green once it receives traffic from a listener.
	f.srv.NeverHealthy("bitflow-backend-green")
	if _, err := f.c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(f.lb), Port: aws.Int32(8080),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(f.green)}}}); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Hour)
	if got := targetStates(t, f, f.green)["10.0.1.1"]; got != "unhealthy/Target.ResponseCodeMismatch" {
		t.Errorf("NeverHealthy green after an hour: %s", got)
	}
}

func getStatus(t *testing.T, url string) (int, awsemu.TargetGroupHealth, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h awsemu.TargetGroupHealth
	_ = json.NewDecoder(resp.Body).Decode(&h)
	return resp.StatusCode, h, resp.Header.Get("X-Emulator-Target-Group")
}

func TestELBv2HealthURLsAndTrafficLog(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()
	blueURL := f.srv.URL + "/_emulator/health/bitflow-backend-blue"
	if code, _, _ := getStatus(t, blueURL); code != http.StatusServiceUnavailable {
		t.Errorf("health URL with no targets = %d, want 503", code)
	}
	if _, err := f.c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(f.green),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.1.1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(f.blue),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.1")}}}); err != nil {
		t.Fatal(err)
	}
	if code, h, _ := getStatus(t, blueURL); code != http.StatusServiceUnavailable || h.States["initial"] != 1 {
		t.Errorf("health URL while initial = %d %+v, want 503", code, h)
	}
	// Switching to green while green has no listener yet (unused) is logged as not healthy.
	switchTo := func(tg string) {
		if _, err := f.c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(f.ln), DefaultActions: []elbtypes.Action{
			{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}}); err != nil {
			t.Fatal(err)
		}
	}
	switchTo(f.green)
	f.clk.Advance(awsemu.DefaultTiming.TargetHealthy)
	code, h, _ := getStatus(t, f.srv.URL+"/_emulator/health/bitflow-backend-green")
	if code != http.StatusOK || h.Healthy != 1 || h.Total != 1 {
		t.Errorf("green health URL when healthy = %d %+v, want 200 1/1", code, h)
	}
	if code, _, tg := getStatus(t, f.srv.URL+"/_emulator/alb/bitflow-alb/80/health"); code != http.StatusOK || tg != "bitflow-backend-green" {
		t.Errorf("through the listener: %d via %q, want 200 via green", code, tg)
	}
	if code, _, _ := getStatus(t, f.srv.URL+"/_emulator/alb/bitflow-alb/81/health"); code != http.StatusNotFound {
		t.Errorf("no listener on 81: %d, want 404", code)
	}
	switchTo(f.blue) // blue's target has been healthy all along: not flagged
	log := f.srv.TrafficLog()
	if len(log) != 3 {
		t.Fatalf("traffic log has %d entries, want 3: %+v", len(log), log)
	}
	if log[1].Weights["bitflow-backend-green"] != 1 || len(log[1].NotHealthy) != 1 || log[1].NotHealthy[0] != "bitflow-backend-green" {
		t.Errorf("switch to initial green: %+v, want green flagged not healthy", log[1])
	}
	if log[2].Weights["bitflow-backend-blue"] != 1 || len(log[2].NotHealthy) != 0 {
		t.Errorf("switch to blue: %+v", log[2])
	}
}

func TestELBv2FaultControlEndpoint(t *testing.T) {
	f := newELBFixture(t)
	ctx := context.Background()
	if _, err := f.c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(f.blue),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.1")}}}); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Second)
	post := func(query string) int {
		resp, err := http.Post(f.srv.URL+"/_emulator/elbv2/fault?"+query, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("targetGroup=bitflow-backend-blue&kind=never-healthy"); code != http.StatusOK {
		t.Fatalf("never-healthy: %d", code)
	}
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "unhealthy/Target.ResponseCodeMismatch" {
		t.Errorf("after never-healthy over HTTP: %s", got)
	}
	if code := post("targetGroup=bitflow-backend-blue&kind=clear"); code != http.StatusOK {
		t.Fatalf("clear: %d", code)
	}
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "healthy/" {
		t.Errorf("after clear: %s", got)
	}
	if code := post("targetGroup=bitflow-backend-blue&kind=unhealthy-after&after=2s"); code != http.StatusOK {
		t.Fatalf("unhealthy-after: %d", code)
	}
	f.clk.Advance(2 * time.Second)
	if got := targetStates(t, f, f.blue)["10.0.0.1"]; got != "unhealthy/Target.ResponseCodeMismatch" {
		t.Errorf("2s after unhealthy-after=2s: %s", got)
	}
	for _, bad := range []string{"kind=never-healthy", "targetGroup=x&kind=nope", "targetGroup=x&kind=unhealthy-after&after=soon"} {
		if code := post(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	resp, err := http.Get(f.srv.URL + "/_emulator/elbv2/traffic")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var log []awsemu.TrafficChange
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil || len(log) != 1 || log[0].Action != "CreateListener" {
		t.Errorf("traffic log over HTTP: %v %+v", err, log)
	}
}
