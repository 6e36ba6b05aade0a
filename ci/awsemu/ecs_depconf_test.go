package awsemu_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// UpdateService keeps every deploymentConfiguration member it is not sent,
// as ECS does: a task-definition-only update after a CANARY configuration
// runs another canary with the same PAUSE hooks; ROLLING without clearing
// the hooks is refused; ROLLING with an empty hook list clears them and
// keeps what was not sent.
func TestUpdateServiceKeepsDeploymentConfigurationMembersNotSent(t *testing.T) {
	f := newNativeFixture(t)
	canary := &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(2),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(1)},
		Alarms:              &types.DeploymentAlarms{AlarmNames: []string{"bitflow-backend-5xx"}, Enable: true, Rollback: true},
		LifecycleHooks:      []types.DeploymentLifecycleHook{pauseHook(30, types.DeploymentLifecycleHookStagePostTestTrafficShift)}}
	f.start(t, canary)

	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(f.td1)})
	dc := f.blue(t).DeploymentConfiguration
	if dc.Strategy != types.DeploymentStrategyCanary || len(dc.LifecycleHooks) != 1 || aws.ToInt32(dc.BakeTimeInMinutes) != 2 || dc.Alarms == nil || !dc.Alarms.Enable {
		t.Fatalf("after a task-definition-only update: %+v", dc)
	}
	if out, err := f.ecs.ListServiceDeployments(context.Background(), &ecs.ListServiceDeploymentsInput{Cluster: aws.String(seed.Cluster), Service: aws.String(seed.BlueService)}); err != nil || len(out.ServiceDeployments) != 2 {
		t.Fatalf("the update must start another CANARY deployment: %v %+v", err, out)
	}

	_, err := f.ecs.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(seed.Cluster), Service: aws.String(seed.BlueService),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling}})
	if !isCode(err, "InvalidParameterException") {
		t.Fatalf("ROLLING with the CANARY hooks kept: %v, want InvalidParameterException", err)
	}

	f.update(t, &ecs.UpdateServiceInput{DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling,
		LifecycleHooks: []types.DeploymentLifecycleHook{}, Alarms: &types.DeploymentAlarms{AlarmNames: []string{}}}})
	dc = f.blue(t).DeploymentConfiguration
	if dc.Strategy != types.DeploymentStrategyRolling || len(dc.LifecycleHooks) != 0 || dc.Alarms.Enable || len(dc.Alarms.AlarmNames) != 0 {
		t.Errorf("after switching to ROLLING: %+v", dc)
	}
	if aws.ToInt32(dc.BakeTimeInMinutes) != 2 || dc.CanaryConfiguration == nil || aws.ToInt32(dc.MaximumPercent) != 200 || dc.DeploymentCircuitBreaker == nil {
		t.Errorf("members not sent must be kept: %+v", dc)
	}
}
