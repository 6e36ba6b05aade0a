package ecs

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/pmezard/go-difflib/difflib"
)

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
