package ecs

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECS keeps every deploymentConfiguration member an UpdateService leaves
// out, so a deployment that sends only a task definition runs with whatever
// strategy, lifecycle hooks, bake time and alarms the previous deployment
// set: after a native CANARY release, a "rolling" deploy would start a
// canary with PAUSE hooks nobody answers. Every deployment therefore sends
// the whole configuration of its strategy, clearing what another left.

// RollingDeploymentConfiguration is what every rolling update sends
// (UpdateServices): strategy ROLLING, no lifecycle hooks, no bake time,
// deployment alarms off, and the deployment circuit breaker with rollback.
// The task counts (maximumPercent, minimumHealthyPercent) are the
// service's own and are left as they are. linearConfiguration and
// canaryConfiguration cannot be removed through the API; ECS reads them
// only for LINEAR and CANARY.
func RollingDeploymentConfiguration() *types.DeploymentConfiguration {
	return &types.DeploymentConfiguration{
		Strategy:                 types.DeploymentStrategyRolling,
		LifecycleHooks:           []types.DeploymentLifecycleHook{},
		BakeTimeInMinutes:        aws.Int32(0),
		Alarms:                   NoDeploymentAlarms(),
		DeploymentCircuitBreaker: CircuitBreaker(),
	}
}

// NoDeploymentAlarms turns deployment alarms off (the member's three
// fields are required).
func NoDeploymentAlarms() *types.DeploymentAlarms {
	return &types.DeploymentAlarms{AlarmNames: []string{}, Enable: false, Rollback: false}
}

// CircuitBreaker is the deployment circuit breaker every strategy runs
// with: a deployment whose tasks keep failing is rolled back by ECS.
func CircuitBreaker() *types.DeploymentCircuitBreaker {
	return &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}
}

// MergeDeploymentConfiguration is the configuration a service has once an
// UpdateService with sent is applied to cur: members sent replace the
// service's, members left out (nil) keep them, as ECS does. Plans diff cur
// against it.
func MergeDeploymentConfiguration(cur, sent *types.DeploymentConfiguration) *types.DeploymentConfiguration {
	if sent == nil {
		return cur
	}
	dc := *sent
	if cur == nil {
		return &dc
	}
	keepPtr(&dc.MaximumPercent, cur.MaximumPercent)
	keepPtr(&dc.MinimumHealthyPercent, cur.MinimumHealthyPercent)
	keepPtr(&dc.DeploymentCircuitBreaker, cur.DeploymentCircuitBreaker)
	keepPtr(&dc.Alarms, cur.Alarms)
	keepPtr(&dc.BakeTimeInMinutes, cur.BakeTimeInMinutes)
	keepPtr(&dc.LinearConfiguration, cur.LinearConfiguration)
	keepPtr(&dc.CanaryConfiguration, cur.CanaryConfiguration)
	keepPtr(&dc.EarlySuccessCriteria, cur.EarlySuccessCriteria)
	if dc.Strategy == "" {
		dc.Strategy = cur.Strategy
	}
	if dc.LifecycleHooks == nil {
		dc.LifecycleHooks = cur.LifecycleHooks
	}
	return &dc
}

func keepPtr[T any](dst **T, cur *T) {
	if *dst == nil {
		*dst = cur
	}
}
