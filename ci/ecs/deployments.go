package ecs

import (
	"context"

	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/pmezard/go-difflib/difflib"
)

// DeploymentsAPI is the ECS API of deployments that ECS runs (native
// BLUE_GREEN, LINEAR, CANARY): start them with UpdateService, follow them,
// answer their PAUSE hooks and stop them.
type DeploymentsAPI interface {
	UpdateService(ctx context.Context, in *awsecs.UpdateServiceInput, optFns ...func(*awsecs.Options)) (*awsecs.UpdateServiceOutput, error)
	ListServiceDeployments(ctx context.Context, in *awsecs.ListServiceDeploymentsInput, optFns ...func(*awsecs.Options)) (*awsecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(ctx context.Context, in *awsecs.DescribeServiceDeploymentsInput, optFns ...func(*awsecs.Options)) (*awsecs.DescribeServiceDeploymentsOutput, error)
	ContinueServiceDeployment(ctx context.Context, in *awsecs.ContinueServiceDeploymentInput, optFns ...func(*awsecs.Options)) (*awsecs.ContinueServiceDeploymentOutput, error)
	StopServiceDeployment(ctx context.Context, in *awsecs.StopServiceDeploymentInput, optFns ...func(*awsecs.Options)) (*awsecs.StopServiceDeploymentOutput, error)
}

var _ DeploymentsAPI = (*awsecs.Client)(nil)

// ServiceDeploymentSettings are the service fields a native deployment
// changes besides the task definition.
type ServiceDeploymentSettings struct {
	DeploymentConfiguration *types.DeploymentConfiguration
	LoadBalancers           []types.LoadBalancer
}

// DeploymentDiff is a unified diff of a service's deployment configuration
// and load balancers, as canonical JSON (as Diff does for task
// definitions); "" when nothing changes.
func DeploymentDiff(service string, before, after ServiceDeploymentSettings) (string, error) {
	before.DeploymentConfiguration, after.DeploymentConfiguration = withoutNoOps(before.DeploymentConfiguration), withoutNoOps(after.DeploymentConfiguration)
	a, err := canonicalJSON(before)
	if err != nil {
		return "", err
	}
	b, err := canonicalJSON(after)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: service + " (deployment settings now)", ToFile: service + " (deployment settings new)", Context: 3,
	})
}

// withoutNoOps leaves out of a diff the members that say "nothing" the way
// an absent member does: alarms that are off and name none, a bake time of
// 0 minutes (empty lists are left out by canonicalJSON).
func withoutNoOps(dc *types.DeploymentConfiguration) *types.DeploymentConfiguration {
	if dc == nil {
		return nil
	}
	c := *dc
	if a := c.Alarms; a != nil && !a.Enable && !a.Rollback && len(a.AlarmNames) == 0 {
		c.Alarms = nil
	}
	if b := c.BakeTimeInMinutes; b != nil && *b == 0 {
		c.BakeTimeInMinutes = nil
	}
	return &c
}

// RollingDeploymentDiff is DeploymentDiff for a rolling update of svc: its
// settings now against those RollingDeploymentConfiguration leaves it with
// ("" when it already runs them, e.g. it never left ROLLING).
func RollingDeploymentDiff(svc types.Service) (string, error) {
	before := ServiceDeploymentSettings{DeploymentConfiguration: svc.DeploymentConfiguration, LoadBalancers: svc.LoadBalancers}
	after := before
	after.DeploymentConfiguration = MergeDeploymentConfiguration(svc.DeploymentConfiguration, RollingDeploymentConfiguration())
	return DeploymentDiff(deref(svc.ServiceName), before, after)
}
