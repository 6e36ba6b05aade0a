package seed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

func TestBitflowSeedsTheDefaultTopology(t *testing.T) {
	clock := awsemu.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := emutest.Start(t, awsemu.Options{Clock: clock})
	ctx := context.Background()
	cfg := srv.AWSConfig()
	res, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: "3f9c2ab"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Repositories) != 15 || len(res.ImageDigests) != 15 || len(res.TaskDefinitions) != 16 || len(res.Services) != 15 || len(res.TargetGroups) != 30 {
		t.Fatalf("created %d repos, %d digests, %d task defs, %d services, %d target groups", len(res.Repositories), len(res.ImageDigests), len(res.TaskDefinitions), len(res.Services), len(res.TargetGroups))
	}
	// The environment's native section: every service has its alternate
	// target group ("{targetGroup}-2") for ECS-run deployments.
	for _, tg := range []string{"bitflow-backend-2", "bitflow-student-2", "bitflow-non-teaching-manager-2"} {
		if res.TargetGroups[tg] == "" {
			t.Errorf("no alternate target group %s", tg)
		}
	}
	if res.Registry != "123456789012.dkr.ecr.us-east-1.amazonaws.com" {
		t.Fatalf("registry %q", res.Registry)
	}

	// Every image exists by tag with the digest the seed reported.
	ecrc := ecr.NewFromConfig(cfg)
	for repo, digest := range res.ImageDigests {
		out, err := ecrc.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String(repo),
			ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("3f9c2ab")}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Images) != 1 || aws.ToString(out.Images[0].ImageId.ImageDigest) != digest {
			t.Fatalf("%s: images %+v failures %+v, want digest %s", repo, out.Images, out.Failures, digest)
		}
	}

	// The deploy-state bucket exists and is empty.
	if n := srv.CountCalls("s3.CreateBucket"); n != 1 {
		t.Fatalf("s3.CreateBucket called %d times, want 1", n)
	}
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListObjectsV2(ctx,
		&s3.ListObjectsV2Input{Bucket: aws.String(seed.StateBucket)}); err != nil {
		t.Fatalf("state bucket %s: %v", seed.StateBucket, err)
	}

	ecsc := ecs.NewFromConfig(cfg)
	fe, err := ecsc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("bitflow-frontend-super-non-teaching-manager")})
	if err != nil {
		t.Fatal(err)
	}
	cds := fe.TaskDefinition.ContainerDefinitions
	if len(cds) != 1 || aws.ToString(cds[0].Name) != "super-non-teaching-manager" || aws.ToInt32(cds[0].PortMappings[0].ContainerPort) != 3014 {
		t.Fatalf("portal containers: %d, first %s, port %d", len(cds), aws.ToString(cds[0].Name), aws.ToInt32(cds[0].PortMappings[0].ContainerPort))
	}
	if aws.ToString(cds[0].Image) != res.Registry+"/bitflow-super-non-teaching-manager:3f9c2ab" {
		t.Fatalf("portal image %s", aws.ToString(cds[0].Image))
	}
	// One listener rule per service, each forwarding its path to the service's
	// target group (weight 100) and, for native deployments, its alternate (0).
	elbc := elb.NewFromConfig(cfg)
	rules, err := elbc.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(res.ListenerArn)})
	if err != nil {
		t.Fatal(err)
	}
	forwards := map[string]string{}
	for _, r := range rules.Rules {
		if len(r.Conditions) == 1 && len(r.Actions) == 1 && r.Actions[0].ForwardConfig != nil {
			tgs := r.Actions[0].ForwardConfig.TargetGroups
			if len(tgs) != 2 || aws.ToInt32(tgs[0].Weight) != 100 || aws.ToInt32(tgs[1].Weight) != 0 {
				t.Errorf("rule %s: forwards %+v, want the target group at 100 and its alternate at 0", aws.ToString(r.RuleArn), tgs)
				continue
			}
			if !strings.HasSuffix(aws.ToString(tgs[1].TargetGroupArn), "/"+tgNameOf(aws.ToString(tgs[0].TargetGroupArn))+"-2/"+tgIDOf(aws.ToString(tgs[1].TargetGroupArn))) {
				t.Errorf("rule %s: alternate %s is not %s-2", aws.ToString(r.RuleArn), aws.ToString(tgs[1].TargetGroupArn), tgNameOf(aws.ToString(tgs[0].TargetGroupArn)))
			}
			forwards[r.Conditions[0].PathPatternConfig.Values[0]] = aws.ToString(tgs[0].TargetGroupArn)
		}
	}
	if len(forwards) != 15 || forwards["/student/*"] != res.TargetGroups["bitflow-student"] || forwards["/api/*"] != res.TargetGroups["bitflow-backend"] {
		t.Fatalf("rules %v, target groups %v", forwards, res.TargetGroups)
	}
	mig, err := ecsc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("bitflow-migration:1")})
	if err != nil {
		t.Fatal(err)
	}
	if got := mig.TaskDefinition.ContainerDefinitions[0].Command; len(got) != 4 || got[2] != "migrate" {
		t.Fatalf("migration command %q", got)
	}

	// The services become stable with the seeded images once time passes.
	clock.Advance(10 * time.Second)
	var names []string
	for name := range res.Services {
		names = append(names, name)
	}
	var services []ecstypes.Service
	for len(names) > 0 {
		n := min(10, len(names))
		out, err := ecsc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(seed.Cluster), Services: names[:n]})
		if err != nil {
			t.Fatal(err)
		}
		services, names = append(services, out.Services...), names[n:]
	}
	if len(services) != 15 {
		t.Fatalf("%d services described", len(services))
	}
	for _, s := range services {
		if len(s.Deployments) != 1 || s.RunningCount != s.DesiredCount || s.Deployments[0].RolloutState != ecstypes.DeploymentRolloutStateCompleted {
			t.Fatalf("%s not stable: running %d/%d, deployments %+v, events %+v", aws.ToString(s.ServiceName), s.RunningCount, s.DesiredCount, s.Deployments, s.Events)
		}
		cb := s.DeploymentConfiguration.DeploymentCircuitBreaker
		if !cb.Enable || !cb.Rollback || s.LaunchType != ecstypes.LaunchTypeFargate || len(s.LoadBalancers) != 1 {
			t.Fatalf("%s: circuit breaker %+v launch type %s", aws.ToString(s.ServiceName), cb, s.LaunchType)
		}
	}

	// Seeding twice is an error naming the service, not a silent duplicate.
	if _, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: "3f9c2ab"}); err == nil {
		t.Fatal("second seed: want an error for the existing services")
	}
	if _, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: "bad tag!"}); err == nil {
		t.Fatal("bad image tag accepted")
	}
}

// tgNameOf and tgIDOf split a target group ARN's "targetgroup/<name>/<id>".
func tgNameOf(arn string) string {
	return strings.Split(arn[strings.Index(arn, "targetgroup/"):], "/")[1]
}
func tgIDOf(arn string) string {
	return strings.Split(arn[strings.Index(arn, "targetgroup/"):], "/")[2]
}
