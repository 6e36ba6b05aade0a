package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/ecs"
)

// lifecycleStages are ECS's service-deployment stages in the order they
// run (the ECS developer guide's "deployment lifecycle stages"); the waiter
// compares positions, so this order is written out, not taken from the
// SDK's enum.
var lifecycleStages = []ecstypes.ServiceDeploymentLifecycleStage{
	ecstypes.ServiceDeploymentLifecycleStageReconcileService,
	ecstypes.ServiceDeploymentLifecycleStagePreScaleUp,
	ecstypes.ServiceDeploymentLifecycleStageScaleUp,
	ecstypes.ServiceDeploymentLifecycleStagePostScaleUp,
	ecstypes.ServiceDeploymentLifecycleStageTestTrafficShift,
	ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	ecstypes.ServiceDeploymentLifecycleStageProductionTrafficShift,
	ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	ecstypes.ServiceDeploymentLifecycleStageBakeTime,
	ecstypes.ServiceDeploymentLifecycleStageCleanUp,
}

// stageIndex is a stage's position (-1: unknown or none).
func stageIndex(s ecstypes.ServiceDeploymentLifecycleStage) int {
	return slices.Index(lifecycleStages, s)
}

// ValidateWaitUntil checks a --wait-until value ("" or a lifecycle stage).
func ValidateWaitUntil(stage string) error {
	if stage == "" || stageIndex(ecstypes.ServiceDeploymentLifecycleStage(stage)) >= 0 {
		return nil
	}
	names := make([]string, len(lifecycleStages))
	for i, s := range lifecycleStages {
		names[i] = string(s)
	}
	return fmt.Errorf("--wait-until %q is not a lifecycle stage (%s)", stage, strings.Join(names, ", "))
}

// gateStages are the stages the toolkit pauses at: after test traffic moved
// (if there is a test listener), before every production step, and after
// the production shift. PAUSE is refused at TEST_TRAFFIC_SHIFT and
// PRODUCTION_TRAFFIC_SHIFT themselves. With waitUntil, no pause is
// registered past that stage: nobody would answer it and its timeout
// would roll back.
func gateStages(test bool, waitUntil string) []ecstypes.DeploymentLifecycleHookStage {
	type gate struct {
		hook ecstypes.DeploymentLifecycleHookStage
		at   ecstypes.ServiceDeploymentLifecycleStage // the deployment stage reported while paused
	}
	gates := []gate{
		{ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift, ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift},
		{ecstypes.DeploymentLifecycleHookStagePreProductionTrafficShift, ecstypes.ServiceDeploymentLifecycleStageProductionTrafficShift},
		{ecstypes.DeploymentLifecycleHookStagePostProductionTrafficShift, ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift},
	}
	limit := len(lifecycleStages)
	if waitUntil != "" {
		limit = stageIndex(ecstypes.ServiceDeploymentLifecycleStage(waitUntil))
	}
	var out []ecstypes.DeploymentLifecycleHookStage
	for _, g := range gates {
		if !test && g.hook == ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift {
			continue
		}
		if stageIndex(g.at) <= limit {
			out = append(out, g.hook)
		}
	}
	return out
}

// pausedHook is the PAUSE hook awaiting action, or "".
func pausedHook(sd ecstypes.ServiceDeployment) string {
	for _, h := range sd.LifecycleHookDetails {
		if h.TargetType == ecstypes.DeploymentLifecycleHookTargetTypePause && h.Status == ecstypes.DeploymentLifecycleHookStatusAwaitingAction {
			return aws.ToString(h.HookId)
		}
	}
	return ""
}

// continueHook lets a paused deployment go on.
func continueHook(ctx context.Context, api ecs.DeploymentsAPI, arn, hook string) error {
	_, err := api.ContinueServiceDeployment(ctx, &awsecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(hook),
		Action: ecstypes.DeploymentLifecycleHookActionContinue})
	if err != nil {
		return fmt.Errorf("ContinueServiceDeployment %s hook %s: %w", shortARN(arn), hook, err)
	}
	return nil
}

// stopRollback asks ECS to roll a deployment back.
func stopRollback(ctx context.Context, api ecs.DeploymentsAPI, arn string) error {
	_, err := api.StopServiceDeployment(ctx, &awsecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: ecstypes.StopServiceDeploymentStopTypeRollback})
	if err != nil {
		return fmt.Errorf("StopServiceDeployment(ROLLBACK) %s: %w", shortARN(arn), err)
	}
	return nil
}
