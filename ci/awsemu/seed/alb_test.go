package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

func TestBlueGreenTopology(t *testing.T) {
	clk := awsemu.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := emutest.Start(t, awsemu.Options{Clock: clk})
	ctx := context.Background()
	cfg := srv.AWSConfig()
	_, alb, err := seed.BlueGreen(ctx, cfg, seed.BlueGreenOptions{Options: seed.Options{ImageTag: "abc1234"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ALB %s\n production listener %s\n test listener %s\n blue %s\n green %s",
		alb.LoadBalancerArn, alb.ProductionListenerArn, alb.TestListenerArn, alb.TargetGroups["blue"], alb.TargetGroups["green"])
	clk.Advance(10 * time.Second)

	svcs, err := ecs.NewFromConfig(cfg).DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(seed.Cluster),
		Services: []string{seed.BlueService, seed.GreenService}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs.Services {
		want := int32(0)
		if *s.ServiceName == seed.BlueService {
			want = seed.DefaultLiveDesired
		}
		if s.RunningCount != want || s.DesiredCount != want || len(s.LoadBalancers) != 1 {
			t.Errorf("%s: running %d desired %d lbs %d, want %d attached to its target group", *s.ServiceName, s.RunningCount, s.DesiredCount, len(s.LoadBalancers), want)
		}
	}
	c := elb.NewFromConfig(cfg)
	ls, err := c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb.LoadBalancerArn)})
	if err != nil || len(ls.Listeners) != 3 { // production, the guide's test listener, the native test listener
		t.Fatalf("listeners: %v %v", ls, err)
	}
	if got := aws.ToString(ls.Listeners[0].DefaultActions[0].TargetGroupArn); got != alb.TargetGroups["blue"] || *ls.Listeners[0].Port != seed.ProductionPort {
		t.Errorf("production listener forwards to %s, want blue", got)
	}
	if got := aws.ToString(ls.Listeners[1].DefaultActions[0].TargetGroupArn); got != alb.TargetGroups["green"] {
		t.Errorf("test listener forwards to %s, want green", got)
	}
	blue, _ := srv.TargetHealthOf(seed.BlueTargetGroup)
	green, _ := srv.TargetHealthOf(seed.GreenTargetGroup)
	if blue.Healthy != seed.DefaultLiveDesired || !blue.OK() || green.Total != 0 {
		t.Errorf("target health: blue %+v green %+v, want 3 healthy blue targets and no green ones", blue, green)
	}
}
