package traffic_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// fixture is an emulator with bitflow-alb, blue and green target groups,
// a production listener (port 80, blue) and a test listener (8080, green).
type fixture struct {
	srv      *awsemu.Server
	clock    *awsemu.ManualClock // shared with the emulator: waits move it
	c        *elb.Client
	router   *traffic.Router
	lb, test string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{})
	f := &fixture{srv: srv, clock: clk, c: elb.NewFromConfig(srv.AWSConfig())}
	ctx := context.Background()
	lb, err := f.c.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("bitflow-alb")})
	if err != nil {
		t.Fatal(err)
	}
	f.lb = *lb.LoadBalancers[0].LoadBalancerArn
	tg := map[string]string{}
	for _, c := range []string{"blue", "green"} {
		out, err := f.c.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("bitflow-backend-" + c),
			Port: aws.Int32(8000), Protocol: elbtypes.ProtocolEnumHttp, TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String("/health")})
		if err != nil {
			t.Fatal(err)
		}
		tg[c] = *out.TargetGroups[0].TargetGroupArn
	}
	listener := func(port int32, tgArn string) string {
		out, err := f.c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(f.lb), Port: aws.Int32(port),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgArn)}}})
		if err != nil {
			t.Fatal(err)
		}
		return *out.Listeners[0].ListenerArn
	}
	prod := listener(80, tg["blue"])
	f.test = listener(8080, tg["green"])
	f.router = &traffic.Router{ELB: f.c, ListenerArn: prod,
		Blue:  traffic.Colour{Name: "blue", Service: "bitflow-backend-blue", TargetGroupArn: tg["blue"]},
		Green: traffic.Colour{Name: "green", Service: "bitflow-backend-green", TargetGroupArn: tg["green"]},
	}
	return f
}

// register adds targets to a target group (as ECS would for a service's tasks).
func (f *fixture) register(t *testing.T, tgArn string, ips ...string) {
	t.Helper()
	var ts []elbtypes.TargetDescription
	for _, ip := range ips {
		ts = append(ts, elbtypes.TargetDescription{Id: aws.String(ip)})
	}
	if _, err := f.c.RegisterTargets(context.Background(), &elb.RegisterTargetsInput{TargetGroupArn: aws.String(tgArn), Targets: ts}); err != nil {
		t.Fatal(err)
	}
}
