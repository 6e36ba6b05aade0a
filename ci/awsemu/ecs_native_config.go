package awsemu

import (
	"math"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Validation of the native (ECS-run) deployment configuration, as the ECS
// API reference documents it: DeploymentConfiguration.strategy BLUE_GREEN,
// LINEAR or CANARY with bakeTimeInMinutes, linearConfiguration,
// canaryConfiguration and lifecycleHooks, and a load balancer whose
// advancedConfiguration names the alternate target group, the production
// (and optional test) listener rule and the role ECS uses to modify them.

// isNative tells the strategies that ECS runs with traffic shifting.
func isNative(dc *types.DeploymentConfiguration) bool {
	if dc == nil {
		return false
	}
	switch dc.Strategy {
	case types.DeploymentStrategyBlueGreen, types.DeploymentStrategyLinear, types.DeploymentStrategyCanary:
		return true
	}
	return false
}

var iamRoleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)

// validateNative checks a service's deployment configuration and load
// balancers together (CreateService, UpdateService).
func (s *ecsState) validateNative(dc *types.DeploymentConfiguration, lbs []types.LoadBalancer) error {
	if dc == nil {
		return nil
	}
	if !isNative(dc) {
		if len(dc.LifecycleHooks) > 0 {
			return invalidParameter("lifecycleHooks are only supported with the BLUE_GREEN, LINEAR and CANARY deployment strategies.")
		}
		return nil
	}
	if err := validateBake("bakeTimeInMinutes", dc.BakeTimeInMinutes, dc.Strategy == types.DeploymentStrategyBlueGreen); err != nil {
		return err
	}
	switch dc.Strategy {
	case types.DeploymentStrategyLinear:
		if c := dc.LinearConfiguration; c != nil {
			if err := validatePercent("linearConfiguration.stepPercent", c.StepPercent, 3.0); err != nil {
				return err
			}
			if err := validateBake("linearConfiguration.stepBakeTimeInMinutes", c.StepBakeTimeInMinutes, false); err != nil {
				return err
			}
		}
	case types.DeploymentStrategyCanary:
		if c := dc.CanaryConfiguration; c != nil {
			if err := validatePercent("canaryConfiguration.canaryPercent", c.CanaryPercent, 0.1); err != nil {
				return err
			}
			if err := validateBake("canaryConfiguration.canaryBakeTimeInMinutes", c.CanaryBakeTimeInMinutes, false); err != nil {
				return err
			}
		}
	}
	for _, h := range dc.LifecycleHooks {
		if err := validateHook(h); err != nil {
			return err
		}
	}
	advanced := 0
	for _, lb := range lbs {
		ac := lb.AdvancedConfiguration
		if ac == nil {
			continue
		}
		advanced++
		primary, alt := deref(lb.TargetGroupArn), deref(ac.AlternateTargetGroupArn)
		if alt == "" || deref(ac.ProductionListenerRule) == "" || deref(ac.RoleArn) == "" {
			return invalidParameter("advancedConfiguration requires alternateTargetGroupArn, productionListenerRule and roleArn for the %s deployment strategy.", dc.Strategy)
		}
		if !s.e.elbv2.targetGroupExists(alt) {
			return invalidParameter("The target group with targetGroupArn %s does not exist.", alt)
		}
		if alt == primary {
			return invalidParameter("alternateTargetGroupArn must differ from targetGroupArn.")
		}
		if !iamRoleARN.MatchString(deref(ac.RoleArn)) {
			return invalidParameter("advancedConfiguration.roleArn %q is not a valid IAM role ARN.", deref(ac.RoleArn))
		}
		for _, rule := range []string{deref(ac.ProductionListenerRule), deref(ac.TestListenerRule)} {
			if rule == "" {
				continue
			}
			if err := s.e.elbv2.checkShiftable(rule, primary, alt); err != nil {
				return err
			}
		}
	}
	if advanced == 0 {
		return invalidParameter("The %s deployment strategy requires a load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn).", dc.Strategy)
	}
	return nil
}

// validateHook applies the lifecycle hook rules: stages required, PAUSE
// refused at the traffic-shift stages themselves and without a target,
// AWS_LAMBDA with a function ARN, timeouts of 1..20160 minutes.
func validateHook(h types.DeploymentLifecycleHook) error {
	if len(h.LifecycleStages) == 0 {
		return invalidParameter("lifecycleStages must contain at least one stage.")
	}
	typ := h.TargetType
	if typ == "" {
		typ = types.DeploymentLifecycleHookTargetTypeAwsLambda
	}
	for _, st := range h.LifecycleStages {
		if !validHookStage(st) {
			return invalidParameter("Invalid lifecycle stage %q.", st)
		}
		if typ == types.DeploymentLifecycleHookTargetTypePause &&
			(st == types.DeploymentLifecycleHookStageTestTrafficShift || st == types.DeploymentLifecycleHookStageProductionTrafficShift) {
			return invalidParameter("PAUSE hooks cannot be configured at the %s lifecycle stage. TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT are only valid for AWS_LAMBDA hooks.", st)
		}
	}
	switch typ {
	case types.DeploymentLifecycleHookTargetTypePause:
		if h.HookTargetArn != nil {
			return invalidParameter("hookTargetArn is not applicable to PAUSE lifecycle hooks.")
		}
	case types.DeploymentLifecycleHookTargetTypeAwsLambda:
		if deref(h.HookTargetArn) == "" {
			return invalidParameter("hookTargetArn is required for AWS_LAMBDA lifecycle hooks.")
		}
	default:
		return invalidParameter("Invalid lifecycle hook targetType %q.", typ)
	}
	if tc := h.TimeoutConfiguration; tc != nil {
		if m := tc.TimeoutInMinutes; m != nil && (*m < 1 || *m > 20160) {
			return invalidParameter("timeoutConfiguration.timeoutInMinutes must be between 1 and 20160.")
		}
		if tc.Action != "" && tc.Action != types.DeploymentLifecycleHookActionContinue && tc.Action != types.DeploymentLifecycleHookActionRollback {
			return invalidParameter("Invalid timeoutConfiguration.action %q.", tc.Action)
		}
	}
	return nil
}

func validHookStage(st types.DeploymentLifecycleHookStage) bool {
	for _, v := range st.Values() {
		if v == st {
			return true
		}
	}
	return false
}

// validateBake checks a bake time in minutes (0..1440).
func validateBake(name string, v *int32, required bool) error {
	if v == nil {
		if required {
			return invalidParameter("%s is required for the BLUE_GREEN deployment strategy.", name)
		}
		return nil
	}
	if *v < 0 || *v > 1440 {
		return invalidParameter("%s must be between 0 and 1440.", name)
	}
	return nil
}

// validatePercent checks a traffic percentage: a multiple of 0.1 from lo to 100.
func validatePercent(name string, v *float64, lo float64) error {
	if v == nil {
		return nil
	}
	tenths := *v * 10
	if *v < lo-1e-9 || *v > 100 || math.Abs(tenths-math.Round(tenths)) > 1e-6 {
		return invalidParameter("%s must be a multiple of 0.1 from %.1f to 100.0 (got %v).", name, lo, *v)
	}
	return nil
}

// minutes converts a bake time (nil: def) to a duration.
func minutes(v *int32, def int32) time.Duration {
	if v == nil {
		return time.Duration(def) * time.Minute
	}
	return time.Duration(*v) * time.Minute
}
