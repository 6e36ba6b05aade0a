package seed

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Names of the blue/green addition (the deployment guide's
// deploy-blue-green.sh and rollback.sh).
const (
	LoadBalancer       = "bitflow-alb"
	BlueService        = "bitflow-backend-blue"
	GreenService       = "bitflow-backend-green"
	BlueTargetGroup    = "bitflow-backend-blue"
	GreenTargetGroup   = "bitflow-backend-green"
	ProductionPort     = 80
	TestPort           = 8080
	BackendHealthPath  = "/health"
	DefaultLiveDesired = 3 // rollback.sh scales blue back to 3
)

// BlueGreenOptions shape the blue/green topology. Zero values take the
// defaults shown.
type BlueGreenOptions struct {
	Options            // the base topology (ImageTag required)
	Live        string // colour that receives production traffic: "blue" (default) or "green"
	LiveDesired int32  // tasks of the live colour (default 3)
	IdleDesired int32  // tasks of the idle colour (default 0: scaled down, stale task definition)
}

// ALB is the load balancer side of the blue/green topology.
type ALB struct {
	LoadBalancerArn       string
	DNSName               string
	ProductionListenerArn string            // port 80, forwards to the live colour
	TestListenerArn       string            // port 8080, forwards to the idle colour
	TargetGroups          map[string]string // colour -> target group ARN
	Services              map[string]string // colour -> ECS service name
	Live                  string
}

// Idle is the colour that is not live.
func (a *ALB) Idle() string {
	if a.Live == "blue" {
		return "green"
	}
	return "blue"
}

// ALBTopology creates bitflow-alb, the target groups bitflow-backend-blue and
// bitflow-backend-green (HTTP 8000, ip targets, health check /health), a
// production listener on port 80 forwarding to the live colour and a test
// listener on port 8080 forwarding to the idle one.
func ALBTopology(ctx context.Context, client *elb.Client, live string, opts Options) (*ALB, error) {
	if live == "" {
		live = "blue"
	}
	if live != "blue" && live != "green" {
		return nil, fmt.Errorf("seed: live colour %q: want blue or green", live)
	}
	a := &ALB{TargetGroups: map[string]string{}, Services: map[string]string{"blue": BlueService, "green": GreenService}, Live: live}
	var err error
	if a.LoadBalancerArn, err = loadBalancer(ctx, client, LoadBalancer, opts.Subnets, opts.SecurityGroups); err != nil {
		return nil, err
	}
	lbs, err := client.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{a.LoadBalancerArn}})
	if err != nil {
		return nil, fmt.Errorf("seed: load balancer %s: %w", LoadBalancer, err)
	}
	a.DNSName = aws.ToString(lbs.LoadBalancers[0].DNSName)
	for colour, name := range map[string]string{"blue": BlueTargetGroup, "green": GreenTargetGroup} {
		tg, err := client.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
			Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(BackendPort), VpcId: aws.String(opts.VpcID),
			TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String(BackendHealthPath),
			HealthCheckIntervalSeconds: aws.Int32(30), HealthCheckTimeoutSeconds: aws.Int32(5),
			HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2),
			Matcher: &elbtypes.Matcher{HttpCode: aws.String("200")},
		})
		if err != nil {
			return nil, fmt.Errorf("seed: target group %s: %w", name, err)
		}
		a.TargetGroups[colour] = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	}
	forward := func(port int32, colour string) (string, error) {
		arn, err := listener(ctx, client, a.LoadBalancerArn, port, elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(a.TargetGroups[colour])})
		if err != nil {
			return "", fmt.Errorf("seed: listener %s:%d: %w", LoadBalancer, port, err)
		}
		return arn, nil
	}
	if a.ProductionListenerArn, err = forward(ProductionPort, live); err != nil {
		return nil, err
	}
	if a.TestListenerArn, err = forward(TestPort, a.Idle()); err != nil {
		return nil, err
	}
	return a, nil
}

// BlueGreen seeds the base topology (Bitflow) plus the ALB and the two colour
// services bitflow-backend-blue and bitflow-backend-green, copies of the
// backend service attached to their target groups (container backend, port
// 8000): the live colour runs LiveDesired tasks, the idle one IdleDesired.
func BlueGreen(ctx context.Context, cfg aws.Config, opts BlueGreenOptions) (*Result, *ALB, error) {
	if opts.LiveDesired == 0 {
		opts.LiveDesired = DefaultLiveDesired
	}
	if opts.IdleDesired < 0 || opts.LiveDesired < 0 {
		return nil, nil, fmt.Errorf("seed: desired counts must not be negative (live %d, idle %d)", opts.LiveDesired, opts.IdleDesired)
	}
	base := opts.Options
	if err := base.defaults(); err != nil {
		return nil, nil, err
	}
	alb, err := ALBTopology(ctx, elb.NewFromConfig(cfg), opts.Live, base)
	if err != nil {
		return nil, nil, err
	}
	res, err := Bitflow(ctx, cfg, base)
	if err != nil {
		return nil, nil, err
	}
	backend := *Services(base, res.TargetGroups)[0]
	client := ecs.NewFromConfig(cfg)
	for _, colour := range []string{"blue", "green"} {
		in := backend
		in.ServiceName = aws.String(alb.Services[colour])
		in.DesiredCount = aws.Int32(opts.IdleDesired)
		if colour == alb.Live {
			in.DesiredCount = aws.Int32(opts.LiveDesired)
		}
		in.LoadBalancers = []ecstypes.LoadBalancer{{
			TargetGroupArn: aws.String(alb.TargetGroups[colour]), ContainerName: aws.String(BackendContainer), ContainerPort: aws.Int32(BackendPort),
		}}
		in.HealthCheckGracePeriodSeconds = aws.Int32(60)
		in.Tags = append([]ecstypes.Tag{{Key: aws.String("colour"), Value: aws.String(colour)}}, in.Tags...)
		out, err := client.CreateService(ctx, &in)
		if err != nil {
			return nil, nil, fmt.Errorf("seed: service %s: %w", alb.Services[colour], err)
		}
		res.Services[alb.Services[colour]] = aws.ToString(out.Service.ServiceArn)
	}
	return res, alb, nil
}
