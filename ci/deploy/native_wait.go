package deploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// NativeFailure is a native deployment that ECS rolled back or stopped
// (alarm, hook timeout, circuit breaker, StopServiceDeployment), with ECS's
// reason and the alarms that fired.
type NativeFailure struct {
	Service string
	Arn     string
	Status  ecstypes.ServiceDeploymentStatus
	Reason  string
	Alarms  []string
	// At is when ECS ended it (its rollback's start, else its last update).
	At time.Time
}

func (e *NativeFailure) Error() string {
	return fmt.Sprintf("%s: service deployment %s %s", e.Service, shortARN(e.Arn), e.describe(e.Reason))
}

// ServiceCause is the failure without the service's name, deployment and
// hook ids, so that the failures of several services group by cause.
func (e *NativeFailure) ServiceCause() (string, string) { return e.Service, e.cause() }

// hookID is the id ECS names a lifecycle hook by in a status reason.
var hookID = regexp.MustCompile(`(lifecycle hook) [0-9a-f]{8,} `)

func (e *NativeFailure) cause() string { return e.describe(hookID.ReplaceAllString(e.Reason, "$1 ")) }

func (e *NativeFailure) describe(reason string) string {
	var s string
	switch e.Status {
	case ecstypes.ServiceDeploymentStatusRollbackSuccessful:
		s = "rolled back by ECS"
	case ecstypes.ServiceDeploymentStatusRollbackRequested, ecstypes.ServiceDeploymentStatusRollbackInProgress:
		s = "being rolled back by ECS"
	default:
		s = "ended " + string(e.Status)
	}
	if !e.At.IsZero() {
		s += " at " + e.At.UTC().Format(clockMinute)
	}
	if reason != "" {
		s += " — " + reason
	}
	if len(e.Alarms) > 0 {
		s += " (alarms: " + strings.Join(e.Alarms, ", ") + ")"
	}
	return s
}

// endedAt is when ECS ended a service deployment: its rollback's start,
// else when it finished, else its last update.
func endedAt(sd ecstypes.ServiceDeployment) time.Time {
	switch {
	case sd.Rollback != nil && sd.Rollback.StartedAt != nil:
		return *sd.Rollback.StartedAt
	case sd.FinishedAt != nil:
		return *sd.FinishedAt
	case sd.UpdatedAt != nil:
		return *sd.UpdatedAt
	}
	return time.Time{}
}

// describeDeployment reads one service deployment.
func describeDeployment(ctx context.Context, api ecs.DeploymentsAPI, arn string) (ecstypes.ServiceDeployment, error) {
	out, err := api.DescribeServiceDeployments(ctx, &awsecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		return ecstypes.ServiceDeployment{}, fmt.Errorf("DescribeServiceDeployments %s: %w", shortARN(arn), err)
	}
	if len(out.ServiceDeployments) != 1 {
		return ecstypes.ServiceDeployment{}, fmt.Errorf("service deployment %s not found", arn)
	}
	return out.ServiceDeployments[0], nil
}

// latestDeployment is the service deployment that UpdateService (sent at
// since) started, as ListServiceDeployments returns it: the newest pending
// or in-progress one created since then. ECS may list it a moment later
// than it answers UpdateService, so it asks a few times, poll apart.
func latestDeployment(ctx context.Context, run *Run, service string, since time.Time) (string, error) {
	const tries = 10
	for i := 0; ; i++ {
		out, err := run.necs.ListServiceDeployments(ctx, &awsecs.ListServiceDeploymentsInput{Cluster: aws.String(run.Env.Cluster), Service: aws.String(service),
			Status:    []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusPending, ecstypes.ServiceDeploymentStatusInProgress},
			CreatedAt: &ecstypes.CreatedAt{After: aws.Time(since.Add(-time.Second))}})
		if err != nil {
			return "", fmt.Errorf("ListServiceDeployments %s: %w", service, err)
		}
		if len(out.ServiceDeployments) > 0 {
			return aws.ToString(out.ServiceDeployments[0].ServiceDeploymentArn), nil
		}
		if i == tries-1 {
			return "", fmt.Errorf("%s: no service deployment started by UpdateService (asked %d times)", service, tries)
		}
		if err := run.clock.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
	}
}

// progressLine describes a deployment's stage, status and traffic.
func progressLine(service string, sd ecstypes.ServiceDeployment) string {
	s := fmt.Sprintf("    %s: %s %s", service, sd.Status, sd.LifecycleStage)
	if tr := sd.TargetServiceRevision; tr != nil {
		s += fmt.Sprintf(", new revision %d/%d running", tr.RunningTaskCount, tr.RequestedTaskCount)
		if tr.RequestedProductionTrafficWeight != nil {
			s += fmt.Sprintf(", production %.1f%%", *tr.RequestedProductionTrafficWeight)
		}
		if tr.RequestedTestTrafficWeight != nil {
			s += fmt.Sprintf(", test %.1f%%", *tr.RequestedTestTrafficWeight)
		}
	}
	if h := pausedHook(sd); h != "" {
		s += ", paused at hook " + h
	}
	return s
}

// watch follows a service deployment until it succeeds, ECS ends it
// otherwise, or it reaches the --wait-until stage. At every pause it runs
// the gates (gated) or just continues (a rollback redeploy), and on a failed
// gate it stops the deployment with ROLLBACK and returns the *GateError.
func (s *Native) watch(ctx context.Context, run *Run, ns *nativeService, gated bool) error {
	poll := run.Env.Native.PollInterval()
	since := run.now()
	answered := map[string]bool{}
	last := ""
	for {
		sd, err := describeDeployment(ctx, run.necs, ns.arn)
		if err != nil {
			return err
		}
		if line := progressLine(ns.t.Service, sd); line != last {
			run.Printf("%s", line)
			last = line
		}
		switch sd.Status {
		case ecstypes.ServiceDeploymentStatusSuccessful:
			if gated || s.restore {
				run.rolloutEnded(ns.t.Service, manifest.RolloutStable)
			}
			return nil
		case ecstypes.ServiceDeploymentStatusRollbackRequested, ecstypes.ServiceDeploymentStatusRollbackInProgress,
			ecstypes.ServiceDeploymentStatusRollbackSuccessful, ecstypes.ServiceDeploymentStatusRollbackFailed,
			ecstypes.ServiceDeploymentStatusStopped, ecstypes.ServiceDeploymentStatusStopRequested:
			f := &NativeFailure{Service: ns.t.Service, Arn: ns.arn, Status: sd.Status, Reason: aws.ToString(sd.StatusReason), At: endedAt(sd)}
			if sd.Alarms != nil {
				f.Alarms = sd.Alarms.TriggeredAlarmNames
			}
			return f
		}
		if s.waitUntil != "" && stageIndex(sd.LifecycleStage) >= stageIndex(ecstypes.ServiceDeploymentLifecycleStage(s.waitUntil)) && pausedHook(sd) == "" {
			run.Printf("    %s: reached %s (--wait-until): ECS finishes the deployment on its own", ns.t.Service, sd.LifecycleStage)
			return nil
		}
		if hook := pausedHook(sd); hook != "" && !answered[hook] {
			answered[hook] = true
			if gated {
				if gerr := s.gate(ctx, run, ns, sd, since); gerr != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					if err := stopRollback(context.WithoutCancel(ctx), run.necs, ns.arn); err != nil {
						return errors.Join(gerr, err)
					}
					run.Printf("    %s: StopServiceDeployment(ROLLBACK) sent", ns.t.Service)
					return gerr
				}
			}
			if err := continueHook(ctx, run.necs, ns.arn, hook); err != nil {
				return err
			}
			since = run.now()
			continue
		}
		if err := run.clock.Sleep(ctx, poll); err != nil {
			return err
		}
	}
}
