package awsemu

import (
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The service-deployment API: ListServiceDeployments,
// DescribeServiceDeployments, ContinueServiceDeployment and
// StopServiceDeployment, for deployments ECS runs (native strategies).

func (s *ecsState) registerNativeOps() {
	ecsOp(s, "ListServiceDeployments", func(in *listServiceDeploymentsWire) (any, error) { return s.listServiceDeployments(in.sdk()) })
	ecsOp(s, "DescribeServiceDeployments", s.describeServiceDeployments)
	ecsOp(s, "ContinueServiceDeployment", s.continueServiceDeployment)
	ecsOp(s, "StopServiceDeployment", s.stopServiceDeployment)
}

// listServiceDeploymentsWire is ListServiceDeployments' request as it
// arrives: createdAt's timestamps are epoch seconds on the wire, which
// encoding/json cannot read into the SDK's time.Time.
type listServiceDeploymentsWire struct {
	Service    *string                           `json:"service"`
	Cluster    *string                           `json:"cluster"`
	Status     []types.ServiceDeploymentStatus   `json:"status"`
	NextToken  *string                           `json:"nextToken"`
	MaxResults *int32                            `json:"maxResults"`
	CreatedAt  *struct{ Before, After *float64 } `json:"createdAt"`
}

func (w *listServiceDeploymentsWire) sdk() *ecs.ListServiceDeploymentsInput {
	in := &ecs.ListServiceDeploymentsInput{Service: w.Service, Cluster: w.Cluster, Status: w.Status, NextToken: w.NextToken, MaxResults: w.MaxResults}
	if c := w.CreatedAt; c != nil {
		in.CreatedAt = &types.CreatedAt{Before: epoch(c.Before), After: epoch(c.After)}
	}
	return in
}

// epoch converts wire epoch seconds to a time (nil stays nil).
func epoch(v *float64) *time.Time {
	if v == nil {
		return nil
	}
	sec, frac := math.Modf(*v)
	return ptr(time.Unix(int64(sec), int64(frac*1e9)).UTC())
}

func serviceDeploymentNotFound(arn string) *APIError {
	return clientError("ServiceDeploymentNotFoundException", "The service deployment %s does not exist.", arn)
}

func (s *ecsState) listServiceDeployments(in *ecs.ListServiceDeploymentsInput) (any, error) {
	if deref(in.Service) == "" {
		return nil, invalidParameter("service can not be blank.")
	}
	c, svc, err := s.existingService(in.Cluster, deref(in.Service))
	if err != nil {
		return nil, err
	}
	if m := in.MaxResults; m != nil && (*m < 1 || *m > 100) {
		return nil, invalidParameter("maxResults must be between 1 and 100.")
	}
	var arns []string
	for _, nd := range s.native.byService[svc.arn] {
		if len(in.Status) > 0 && !containsStatus(in.Status, nd.status) {
			continue
		}
		if ca := in.CreatedAt; ca != nil && (ca.After != nil && nd.createdAt.Before(*ca.After) || ca.Before != nil && nd.createdAt.After(*ca.Before)) {
			continue
		}
		arns = append(arns, nd.arn)
	}
	page, next, err := paginate(arns, in.NextToken, in.MaxResults, 20)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListServiceDeploymentsOutput{ServiceDeployments: []types.ServiceDeploymentBrief{}, NextToken: next}
	for _, a := range page {
		nd := s.native.byARN[a]
		b := types.ServiceDeploymentBrief{
			ServiceDeploymentArn: ptr(nd.arn), ServiceArn: ptr(svc.arn), ClusterArn: ptr(c.arn),
			CreatedAt: ptr(nd.createdAt), StartedAt: ptr(nd.startedAt), Status: nd.status,
			TargetServiceRevisionArn: ptr(s.revisionARN(svc, nd.green)),
		}
		if !nd.finishedAt.IsZero() {
			b.FinishedAt = ptr(nd.finishedAt)
		}
		if nd.reason != "" {
			b.StatusReason = ptr(nd.reason)
		}
		out.ServiceDeployments = append(out.ServiceDeployments, b)
	}
	return encodeECS(out)
}

func containsStatus(list []types.ServiceDeploymentStatus, st types.ServiceDeploymentStatus) bool {
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}

func (s *ecsState) describeServiceDeployments(in *ecs.DescribeServiceDeploymentsInput) (any, error) {
	if len(in.ServiceDeploymentArns) == 0 {
		return nil, invalidParameter("serviceDeploymentArns can not be empty.")
	}
	if len(in.ServiceDeploymentArns) > 20 {
		return nil, invalidParameter("serviceDeploymentArns can contain at most 20 elements.")
	}
	out := &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: []types.ServiceDeployment{}, Failures: []types.Failure{}}
	for _, a := range in.ServiceDeploymentArns {
		if !strings.HasPrefix(a, "arn:") || !strings.Contains(a, ":service-deployment/") {
			return nil, invalidParameter("Invalid service deployment ARN: %s", a)
		}
		nd := s.native.byARN[a]
		if nd == nil {
			out.Failures = append(out.Failures, types.Failure{Arn: ptr(a), Reason: ptr("MISSING")})
			continue
		}
		out.ServiceDeployments = append(out.ServiceDeployments, s.serviceDeploymentShape(nd))
	}
	return encodeECS(out)
}

// serviceDeploymentShape renders a deployment as DescribeServiceDeployments does.
func (s *ecsState) serviceDeploymentShape(nd *nativeDeployment) types.ServiceDeployment {
	svc := nd.svc
	conf := nd.conf
	out := types.ServiceDeployment{
		ServiceDeploymentArn: ptr(nd.arn), ServiceArn: ptr(svc.arn), ClusterArn: ptr(svc.cluster.arn),
		CreatedAt: ptr(nd.createdAt), StartedAt: ptr(nd.startedAt), UpdatedAt: ptr(nd.updatedAt),
		Status: nd.status, LifecycleStage: nd.stage, DeploymentConfiguration: &conf, Rollback: nd.rollback,
		TargetServiceRevision:  s.revisionSummary(svc, nd.green, nd.prodWeight, nd.testWeight),
		SourceServiceRevisions: []types.ServiceRevisionSummary{*s.revisionSummary(svc, nd.blue, 100-nd.prodWeight, 100-nd.testWeight)},
		LifecycleHookDetails:   []types.DeploymentLifecycleHookDetail{},
		DeploymentCircuitBreaker: &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled,
			FailureCount: nd.green.failedTasks, Threshold: breakerThreshold(nd.greenDesired)},
		Alarms: &types.ServiceDeploymentAlarms{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled, AlarmNames: []string{}, TriggeredAlarmNames: []string{}},
	}
	if cb := conf.DeploymentCircuitBreaker; cb != nil && cb.Enable {
		out.DeploymentCircuitBreaker.Status = monitorStatus(nd, false)
	}
	if a := conf.Alarms; a != nil && a.Enable {
		out.Alarms.Status = monitorStatus(nd, len(nd.triggered) > 0)
		out.Alarms.AlarmNames = a.AlarmNames
		out.Alarms.TriggeredAlarmNames = append([]string{}, nd.triggered...)
	}
	if nd.reason != "" {
		out.StatusReason = ptr(nd.reason)
	}
	if !nd.finishedAt.IsZero() {
		out.FinishedAt = ptr(nd.finishedAt)
	}
	if !nd.stoppedAt.IsZero() {
		out.StoppedAt = ptr(nd.stoppedAt)
	}
	for _, h := range nd.hooks {
		d := types.DeploymentLifecycleHookDetail{HookId: ptr(h.id), TargetType: h.hook.TargetType, Status: h.status, TargetArn: h.hook.HookTargetArn,
			TimeoutAction: types.DeploymentLifecycleHookActionRollback}
		if d.TargetType == "" {
			d.TargetType = types.DeploymentLifecycleHookTargetTypeAwsLambda
		}
		if tc := h.hook.TimeoutConfiguration; tc != nil && tc.Action != "" {
			d.TimeoutAction = tc.Action
		}
		if !h.expiresAt.IsZero() {
			d.ExpiresAt = ptr(h.expiresAt)
		}
		out.LifecycleHookDetails = append(out.LifecycleHookDetails, d)
	}
	return out
}

func monitorStatus(nd *nativeDeployment, triggered bool) types.ServiceDeploymentRollbackMonitorsStatus {
	switch {
	case triggered:
		return types.ServiceDeploymentRollbackMonitorsStatusTriggered
	case nd.active():
		return types.ServiceDeploymentRollbackMonitorsStatusMonitoring
	}
	return types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete
}

func (s *ecsState) revisionSummary(svc *ecsService, d *ecsDeployment, prod, test float64) *types.ServiceRevisionSummary {
	out := &types.ServiceRevisionSummary{Arn: ptr(s.revisionARN(svc, d)), RequestedTaskCount: d.desired,
		RequestedProductionTrafficWeight: ptr(prod), RequestedTestTrafficWeight: ptr(test)}
	for _, t := range s.deploymentTasks(d) {
		switch t.lastStatus {
		case "RUNNING":
			out.RunningTaskCount++
		case "PROVISIONING", "PENDING":
			out.PendingTaskCount++
		}
	}
	return out
}

func (s *ecsState) continueServiceDeployment(in *ecs.ContinueServiceDeploymentInput) (any, error) {
	arn, hookID := deref(in.ServiceDeploymentArn), deref(in.HookId)
	if arn == "" || hookID == "" {
		return nil, invalidParameter("serviceDeploymentArn and hookId are required.")
	}
	nd := s.native.byARN[arn]
	if nd == nil {
		return nil, serviceDeploymentNotFound(arn)
	}
	var hook *nativeHook
	for _, h := range nd.hooks {
		if h.id == hookID {
			hook = h
		}
	}
	if hook == nil {
		return nil, invalidParameter("The lifecycle hook %s does not exist in service deployment %s.", hookID, arn)
	}
	if hook.status != types.DeploymentLifecycleHookStatusAwaitingAction || !nd.running() {
		return nil, invalidParameter("The lifecycle hook %s is not awaiting action (status %s, deployment %s).", hookID, hook.status, nd.status)
	}
	now := s.e.Now()
	switch in.Action {
	case "", types.DeploymentLifecycleHookActionContinue:
		hook.status = types.DeploymentLifecycleHookStatusSucceeded
		s.serviceEvent(nd.svc, now, "(service-deployment "+arn+") lifecycle hook "+hookID+" continued.")
		s.nativeRun(nd, now)
	case types.DeploymentLifecycleHookActionRollback:
		hook.status = types.DeploymentLifecycleHookStatusFailed
		s.nativeRollback(nd, now, "Service deployment rolled back at lifecycle hook "+hookID+".", types.ServiceDeploymentStatusRollbackSuccessful)
	default:
		return nil, invalidParameter("Invalid action %q (CONTINUE, ROLLBACK).", in.Action)
	}
	return encodeECS(&ecs.ContinueServiceDeploymentOutput{ServiceDeploymentArn: ptr(arn)})
}

func (s *ecsState) stopServiceDeployment(in *ecs.StopServiceDeploymentInput) (any, error) {
	arn := deref(in.ServiceDeploymentArn)
	if arn == "" {
		return nil, invalidParameter("serviceDeploymentArn can not be blank.")
	}
	if in.StopType != "" && in.StopType != types.StopServiceDeploymentStopTypeRollback {
		return nil, invalidParameter("stopType %s is not supported: the valid value is ROLLBACK.", in.StopType)
	}
	nd := s.native.byARN[arn]
	if nd == nil {
		return nil, serviceDeploymentNotFound(arn)
	}
	if !nd.running() {
		return nil, clientError("ConflictException", "The service deployment %s is %s and cannot be stopped.", arn, nd.status)
	}
	now := s.e.Now()
	nd.status = types.ServiceDeploymentStatusRollbackRequested
	s.nativeRollback(nd, now, "Service deployment rolled back by StopServiceDeployment.", types.ServiceDeploymentStatusRollbackSuccessful)
	return encodeECS(&ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: ptr(arn)})
}
