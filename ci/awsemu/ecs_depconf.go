package awsemu

import "github.com/aws/aws-sdk-go-v2/service/ecs/types"

// mergeDeploymentConfiguration is the deployment configuration a service has
// after UpdateService sent in: as ECS does, every member the request leaves
// out keeps the service's value, and every member it sends replaces it
// whole (an empty lifecycleHooks list removes the hooks). So a request
// with only a task definition keeps the strategy, hooks, bake time, alarms
// and circuit breaker that an earlier deployment set; a client switching
// strategy has to send what the new one needs and clear what the old one
// left. nil in: cur unchanged.
func mergeDeploymentConfiguration(cur, in *types.DeploymentConfiguration) *types.DeploymentConfiguration {
	if in == nil {
		return cur
	}
	dc := *in
	if cur == nil {
		return &dc
	}
	if dc.MaximumPercent == nil {
		dc.MaximumPercent = cur.MaximumPercent
	}
	if dc.MinimumHealthyPercent == nil {
		dc.MinimumHealthyPercent = cur.MinimumHealthyPercent
	}
	if dc.DeploymentCircuitBreaker == nil {
		dc.DeploymentCircuitBreaker = cur.DeploymentCircuitBreaker
	}
	if dc.Alarms == nil {
		dc.Alarms = cur.Alarms
	}
	if dc.Strategy == "" {
		dc.Strategy = cur.Strategy
	}
	if dc.BakeTimeInMinutes == nil {
		dc.BakeTimeInMinutes = cur.BakeTimeInMinutes
	}
	if dc.LifecycleHooks == nil {
		dc.LifecycleHooks = cur.LifecycleHooks
	}
	if dc.LinearConfiguration == nil {
		dc.LinearConfiguration = cur.LinearConfiguration
	}
	if dc.CanaryConfiguration == nil {
		dc.CanaryConfiguration = cur.CanaryConfiguration
	}
	if dc.EarlySuccessCriteria == nil {
		dc.EarlySuccessCriteria = cur.EarlySuccessCriteria
	}
	return &dc
}
