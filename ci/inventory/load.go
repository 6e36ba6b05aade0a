package inventory

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type tgInfo struct {
	arn, targetType string
	port            int32
	loadBalancers   []string
}

type serviceInfo struct {
	status, taskDefinition string
	loadBalancers          []ecstypes.LoadBalancer
}

// load lists what can be listed in a few paginated calls: the caller's
// account, repositories, log groups, target groups and the services.
func (c *checker) load(ctx context.Context) error {
	id, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("check: who am I (sts GetCallerIdentity): %w", err)
	}
	c.account = aws.ToString(id.Account)
	if err := c.loadRepositories(ctx); err != nil {
		return err
	}
	c.logGroups = map[string]bool{}
	for p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/")}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("check: logs DescribeLogGroups: %w", err)
		}
		for _, g := range out.LogGroups {
			c.logGroups[aws.ToString(g.LogGroupName)] = true
		}
	}
	c.targetGroups = map[string]tgInfo{}
	for p := elb.NewDescribeTargetGroupsPaginator(c.elb, &elb.DescribeTargetGroupsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("check: elbv2 DescribeTargetGroups: %w", err)
		}
		for _, tg := range out.TargetGroups {
			c.targetGroups[aws.ToString(tg.TargetGroupName)] = tgInfo{arn: aws.ToString(tg.TargetGroupArn), targetType: string(tg.TargetType),
				port: aws.ToInt32(tg.Port), loadBalancers: tg.LoadBalancerArns}
		}
	}
	return c.loadServices(ctx)
}

// loadServices describes every service of the environment, ten per call.
func (c *checker) loadServices(ctx context.Context) error {
	var names []string
	for _, r := range Resources(c.env) {
		if r.Kind == KindService {
			names = append(names, r.Name)
		}
	}
	c.services = map[string]serviceInfo{}
	for len(names) > 0 {
		n := min(10, len(names))
		out, err := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(c.env.Cluster), Services: names[:n]})
		names = names[n:]
		if apiCode(err) == "ClusterNotFoundException" {
			return nil // every service is then missing; the cluster line says why
		}
		if err != nil {
			return fmt.Errorf("check: ecs DescribeServices: %w", err)
		}
		for _, s := range out.Services {
			c.services[aws.ToString(s.ServiceName)] = serviceInfo{status: aws.ToString(s.Status), taskDefinition: aws.ToString(s.TaskDefinition), loadBalancers: s.LoadBalancers}
		}
	}
	return nil
}

// familyOf is the family of a task definition ARN or family:revision.
func familyOf(td string) string {
	if i := strings.LastIndex(td, "task-definition/"); i >= 0 {
		td = td[i+len("task-definition/"):]
	}
	fam, _, _ := strings.Cut(td, ":")
	return fam
}

// loadRepositories describes the environment's repositories by name (the
// deploy role may only read bitflow-*): all at once, or one by one when
// one of them is missing.
func (c *checker) loadRepositories(ctx context.Context) error {
	var names []string
	for _, r := range Resources(c.env) {
		if r.Kind == KindRepository {
			names = append(names, r.Name)
		}
	}
	c.repositories = map[string]bool{}
	describe := func(names []string) error {
		out, err := c.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: names})
		if err != nil {
			return err
		}
		for _, r := range out.Repositories {
			c.repositories[aws.ToString(r.RepositoryName)] = true
		}
		return nil
	}
	err := describe(names)
	if apiCode(err) != "RepositoryNotFoundException" {
		if err != nil {
			return fmt.Errorf("check: ecr DescribeRepositories: %w", err)
		}
		return nil
	}
	for _, n := range names {
		if err := describe([]string{n}); err != nil && apiCode(err) != "RepositoryNotFoundException" {
			return fmt.Errorf("check: ecr DescribeRepositories %s: %w", n, err)
		}
	}
	return nil
}
