package ecs

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceState is what a wait last saw of one service.
type ServiceState struct {
	Service        string
	Status         string // ACTIVE, DRAINING, MISSING
	Running        int32
	Desired        int32
	Pending        int32
	Deployments    int
	TaskDefinition string // the PRIMARY deployment's
	RolloutState   string // the PRIMARY deployment's (COMPLETED, IN_PROGRESS, FAILED)
	RolloutReason  string
	FailedTasks    int32 // failed tasks of the deployment being waited for
	Stable         bool
	Failure        string // why this service failed, "" if it did not
}

// Line is the one-line progress form of the state.
func (s ServiceState) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d/%d running, %d pending", s.Service, s.Running, s.Desired, s.Pending)
	if s.RolloutState != "" {
		fmt.Fprintf(&b, ", rollout %s", s.RolloutState)
	}
	fmt.Fprintf(&b, ", %d deployment(s), %d failed task(s)", s.Deployments, s.FailedTasks)
	if td := shortTD(s.TaskDefinition); td != "" {
		// The family is usually the service's name: then the revision says it all.
		if rev, ok := strings.CutPrefix(td, s.Service+":"); ok {
			td = "revision " + rev
		}
		fmt.Fprintf(&b, ", %s", td)
	}
	switch {
	case s.Failure != "":
		b.WriteString(" — FAILED: " + s.Failure)
	case s.Stable:
		b.WriteString(" — stable")
	}
	return b.String()
}

// observe computes a service's state; want is the task definition ARN the
// wait expects to become stable ("" accepts any).
func observe(svc types.Service, want string, maxFailed int32) ServiceState {
	st := ServiceState{
		Service: aws.ToString(svc.ServiceName), Status: aws.ToString(svc.Status),
		Running: svc.RunningCount, Desired: svc.DesiredCount, Pending: svc.PendingCount,
		Deployments: len(svc.Deployments),
	}
	var primary, target *types.Deployment
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if aws.ToString(d.Status) == "PRIMARY" {
			primary = d
		}
		if want != "" && aws.ToString(d.TaskDefinition) == want && target == nil {
			target = d
		}
	}
	if primary != nil {
		st.TaskDefinition = aws.ToString(primary.TaskDefinition)
		st.RolloutState = string(primary.RolloutState)
		st.RolloutReason = aws.ToString(primary.RolloutStateReason)
	}
	if want == "" {
		target = primary
	}
	if target != nil {
		st.FailedTasks = target.FailedTasks
	}
	switch {
	case st.Status != "" && st.Status != "ACTIVE":
		st.Failure = fmt.Sprintf("service status is %s", st.Status)
	case target != nil && target.RolloutState == types.DeploymentRolloutStateFailed:
		st.Failure = fmt.Sprintf("deployment circuit breaker: rollout of %s FAILED (%s)", shortTD(want), aws.ToString(target.RolloutStateReason))
		switch cb := svc.DeploymentConfiguration; {
		case primary != nil && primary != target:
			st.Failure += fmt.Sprintf("; ECS rolled back to %s", shortTD(aws.ToString(primary.TaskDefinition)))
		case cb != nil && cb.DeploymentCircuitBreaker != nil && cb.DeploymentCircuitBreaker.Rollback:
			st.Failure += "; the service is being rolled back to the previous task definition (circuit breaker rollback is on)"
		default:
			st.Failure += "; rollback is off for this service: it keeps the failed deployment"
		}
	case want != "" && primary != nil && aws.ToString(primary.TaskDefinition) != want:
		st.Failure = fmt.Sprintf("the PRIMARY deployment runs %s, not %s: the deployment was rolled back or replaced", shortTD(st.TaskDefinition), shortTD(want))
	case maxFailed > 0 && st.FailedTasks >= maxFailed:
		st.Failure = fmt.Sprintf("tasks keep failing: %d tasks of %s failed (limit %d)", st.FailedTasks, shortTD(st.TaskDefinition), maxFailed)
	}
	// Stable as the SDK's ServicesStable waiter defines it (one deployment,
	// running == desired), plus the rollout finished when ECS reports it.
	st.Stable = st.Failure == "" && len(svc.Deployments) == 1 && svc.RunningCount == svc.DesiredCount &&
		(st.RolloutState == "" || st.RolloutState == string(types.DeploymentRolloutStateCompleted)) &&
		(want == "" || st.TaskDefinition == want)
	return st
}

// shortTD turns a task definition ARN into family:revision.
func shortTD(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
