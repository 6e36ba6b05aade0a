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

// NativeService is one service of a native topology: its name and the one
// container (with the app whose image it runs).
type NativeService struct {
	Name      string
	Container string
}

// NativeOptions shape a native topology. Zero values take the defaults shown.
type NativeOptions struct {
	Cluster  string // default "bitflow-native"
	Registry string // default <account>.dkr.ecr.<region>.amazonaws.com
	Repo     func(container string) string
	ImageTag string
	Services []NativeService
	Desired  int32 // tasks per service (default 2)
}

// NativeTopology is what Native created: an ALB with a production
// listener (443) and a test listener (8443), and per service a primary and
// an alternate target group (<prefix>-a / -b) with a rule on each listener
// forwarding to both (primary 100).
type NativeTopology struct {
	Cluster               string
	LoadBalancerArn       string
	ProductionListenerArn string
	TestListenerArn       string
	Primary, Alternate    map[string]string // service -> target group ARN
	PrimaryName           map[string]string // service -> target group name
	Rules                 map[string]*NativeRules
	TaskDefinitions       map[string]string // service -> ARN
}

// Native ports and the load balancer name.
const (
	NativeLoadBalancer = "bitflow-native-alb"
	NativeProdPort     = 443
	NativeTestPort     = 8443
	nativePort         = 8000
)

// Native creates a cluster of services ready for the native strategies
// (ECS-run BLUE_GREEN, LINEAR, CANARY), each serving on container port
// 8000 behind its own pair of target groups "nat-<i>-a" and "nat-<i>-b".
func Native(ctx context.Context, cfg aws.Config, opts NativeOptions) (*NativeTopology, error) {
	if opts.Cluster == "" {
		opts.Cluster = "bitflow-native"
	}
	if opts.Desired == 0 {
		opts.Desired = 2
	}
	client := elb.NewFromConfig(cfg)
	ecsClient := ecs.NewFromConfig(cfg)
	top := &NativeTopology{Cluster: opts.Cluster, Primary: map[string]string{}, Alternate: map[string]string{}, PrimaryName: map[string]string{},
		Rules: map[string]*NativeRules{}, TaskDefinitions: map[string]string{}}
	lb, err := client.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String(NativeLoadBalancer), Subnets: DefaultSubnets,
		SecurityGroups: DefaultSecurityGroups, Type: elbtypes.LoadBalancerTypeEnumApplication})
	if err != nil {
		return nil, fmt.Errorf("seed: load balancer: %w", err)
	}
	top.LoadBalancerArn = aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	listener := func(port int32) (string, error) {
		out, err := client.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(top.LoadBalancerArn), Port: aws.Int32(port),
			Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
				FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404")}}}})
		if err != nil {
			return "", fmt.Errorf("seed: listener %d: %w", port, err)
		}
		return aws.ToString(out.Listeners[0].ListenerArn), nil
	}
	if top.ProductionListenerArn, err = listener(NativeProdPort); err != nil {
		return nil, err
	}
	if top.TestListenerArn, err = listener(NativeTestPort); err != nil {
		return nil, err
	}
	if _, err := ecsClient.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(opts.Cluster)}); err != nil {
		return nil, fmt.Errorf("seed: cluster: %w", err)
	}
	for i, s := range opts.Services {
		tg := func(name string) (string, error) {
			out, err := client.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
				Port: aws.Int32(nativePort), VpcId: aws.String("vpc-0emulator"), TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String("/health")})
			if err != nil {
				return "", fmt.Errorf("seed: target group %s: %w", name, err)
			}
			return aws.ToString(out.TargetGroups[0].TargetGroupArn), nil
		}
		name := fmt.Sprintf("nat-%02d-a", i+1)
		if top.Primary[s.Name], err = tg(name); err != nil {
			return nil, err
		}
		top.PrimaryName[s.Name] = name
		if top.Alternate[s.Name], err = tg(fmt.Sprintf("nat-%02d-b", i+1)); err != nil {
			return nil, err
		}
		if top.Rules[s.Name], err = CreateNativeRules(ctx, client, top.ProductionListenerArn, top.TestListenerArn,
			top.Primary[s.Name], top.Alternate[s.Name], "/"+s.Name+"/*", int32(i+1)); err != nil {
			return nil, err
		}
		td, err := ecsClient.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(s.Name),
			NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
			RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String(s.Container), Essential: aws.Bool(true),
				Image:        aws.String(opts.Registry + "/" + opts.Repo(s.Container) + ":" + opts.ImageTag),
				PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(nativePort)}}}},
		})
		if err != nil {
			return nil, fmt.Errorf("seed: task definition %s: %w", s.Name, err)
		}
		top.TaskDefinitions[s.Name] = aws.ToString(td.TaskDefinition.TaskDefinitionArn)
		_, err = ecsClient.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(opts.Cluster), ServiceName: aws.String(s.Name),
			TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(opts.Desired), LaunchType: ecstypes.LaunchTypeFargate,
			NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: DefaultSubnets, SecurityGroups: DefaultSecurityGroups}},
			LoadBalancers:        []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(top.Primary[s.Name]), ContainerName: aws.String(s.Container), ContainerPort: aws.Int32(nativePort)}},
			DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(100),
				DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		})
		if err != nil {
			return nil, fmt.Errorf("seed: service %s: %w", s.Name, err)
		}
	}
	return top, nil
}
