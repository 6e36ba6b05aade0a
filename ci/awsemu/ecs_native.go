package awsemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Native deployments: ECS runs BLUE_GREEN, LINEAR and CANARY deployments
// itself. A new service revision (green) scales up beside the running one
// (blue) in the other target group, test traffic then production traffic
// moves to it on the listener rules (all at once, in linear steps, or a
// canary step then the rest), lifecycle hooks may pause it at the
// documented stages, alarms and hook timeouts roll it back, and after the
// bake time blue is scaled in. The stages, in order:
//
//	RECONCILE_SERVICE (only with more than one active revision), PRE_SCALE_UP,
//	SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT,
//	PRODUCTION_TRAFFIC_SHIFT (hooks PRE_PRODUCTION_TRAFFIC_SHIFT before every
//	step), POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP.
//
// While a PRE_PRODUCTION_TRAFFIC_SHIFT hook pauses, lifecycleStage reads
// PRODUCTION_TRAFFIC_SHIFT (the service-deployment stage enum has no
// PRE_ stage). AWS_LAMBDA hooks succeed at once: the emulator runs no Lambda.

// nativeState keeps the service deployments (newest first per service), the
// target group each revision's tasks are registered with, and service
// revision ARNs.
type nativeState struct {
	byService map[string][]*nativeDeployment // service ARN -> newest first
	byARN     map[string]*nativeDeployment
	tgOf      map[*ecsDeployment]string
	revision  map[*ecsDeployment]string
}

func newNativeState() *nativeState {
	return &nativeState{byService: map[string][]*nativeDeployment{}, byARN: map[string]*nativeDeployment{},
		tgOf: map[*ecsDeployment]string{}, revision: map[*ecsDeployment]string{}}
}

// nativeDeployment is one ECS service deployment run by ECS.
type nativeDeployment struct {
	arn           string
	svc           *ecsService
	conf          types.DeploymentConfiguration
	green, blue   *ecsDeployment
	greenTG       string
	blueTG        string
	prodRule      string
	testRule      string
	status        types.ServiceDeploymentStatus
	reason        string
	stage         types.ServiceDeploymentLifecycleStage
	createdAt     time.Time
	startedAt     time.Time
	updatedAt     time.Time
	finishedAt    time.Time
	stoppedAt     time.Time
	plan          []nativeAct
	pos           int
	entered       bool
	until         time.Time // end of the current wait
	hooks         []*nativeHook
	current       []*nativeHook // hooks of the current stage invocation
	prodWeight    float64
	testWeight    float64
	rollback      *types.Rollback
	rollbackDone  time.Time
	finalStatus   types.ServiceDeploymentStatus // status once the rollback is done
	triggered     []string
	greenDesired  int32
	blueDesired   int32
	alarmsWatched bool
}

// nativeHook is one invocation of a lifecycle hook.
type nativeHook struct {
	id        string
	hook      types.DeploymentLifecycleHook
	status    types.DeploymentLifecycleHookStatus
	expiresAt time.Time
}

type actKind int

const (
	actHooks actKind = iota
	actScaleUp
	actTestShift
	actProdShift
	actWait
	actCleanUp
)

// nativeAct is one step of a deployment's plan.
type nativeAct struct {
	stage  types.ServiceDeploymentLifecycleStage
	kind   actKind
	hooks  types.DeploymentLifecycleHookStage
	weight float64
	wait   time.Duration
}

// active tells a deployment ECS is still driving (or rolling back).
func (nd *nativeDeployment) active() bool {
	switch nd.status {
	case types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress,
		types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusRollbackInProgress,
		types.ServiceDeploymentStatusStopRequested:
		return true
	}
	return false
}

func (nd *nativeDeployment) running() bool {
	return nd.status == types.ServiceDeploymentStatusInProgress || nd.status == types.ServiceDeploymentStatusPending
}

// productionSteps are the production weights of green, in order.
func productionSteps(dc types.DeploymentConfiguration) (steps []float64, stepBake time.Duration) {
	switch dc.Strategy {
	case types.DeploymentStrategyLinear:
		pct, bake := 10.0, minutes(nil, 6)
		if c := dc.LinearConfiguration; c != nil {
			if c.StepPercent != nil {
				pct = *c.StepPercent
			}
			bake = minutes(c.StepBakeTimeInMinutes, 6)
		}
		for w := pct; ; w += pct {
			if w >= 100-1e-9 {
				steps = append(steps, 100)
				break
			}
			steps = append(steps, float64(int(w*10+0.5))/10)
		}
		return steps, bake
	case types.DeploymentStrategyCanary:
		pct, bake := 5.0, minutes(nil, 10)
		if c := dc.CanaryConfiguration; c != nil {
			if c.CanaryPercent != nil {
				pct = *c.CanaryPercent
			}
			bake = minutes(c.CanaryBakeTimeInMinutes, 10)
		}
		if pct >= 100 {
			return []float64{100}, 0
		}
		return []float64{pct, 100}, bake
	}
	return []float64{100}, 0
}

// nativePlan lays out a deployment's stages and steps.
func nativePlan(dc types.DeploymentConfiguration, reconcile bool) []nativeAct {
	S := func(st types.ServiceDeploymentLifecycleStage, k actKind, h types.DeploymentLifecycleHookStage) nativeAct {
		return nativeAct{stage: st, kind: k, hooks: h}
	}
	var p []nativeAct
	if reconcile {
		p = append(p, S(types.ServiceDeploymentLifecycleStageReconcileService, actHooks, types.DeploymentLifecycleHookStageReconcileService))
	}
	p = append(p,
		S(types.ServiceDeploymentLifecycleStagePreScaleUp, actHooks, types.DeploymentLifecycleHookStagePreScaleUp),
		S(types.ServiceDeploymentLifecycleStageScaleUp, actScaleUp, ""),
		S(types.ServiceDeploymentLifecycleStagePostScaleUp, actHooks, types.DeploymentLifecycleHookStagePostScaleUp),
		S(types.ServiceDeploymentLifecycleStageTestTrafficShift, actTestShift, ""),
		S(types.ServiceDeploymentLifecycleStageTestTrafficShift, actHooks, types.DeploymentLifecycleHookStageTestTrafficShift),
		S(types.ServiceDeploymentLifecycleStagePostTestTrafficShift, actHooks, types.DeploymentLifecycleHookStagePostTestTrafficShift),
	)
	steps, stepBake := productionSteps(dc)
	prod := types.ServiceDeploymentLifecycleStageProductionTrafficShift
	for i, w := range steps {
		p = append(p, S(prod, actHooks, types.DeploymentLifecycleHookStagePreProductionTrafficShift))
		p = append(p, nativeAct{stage: prod, kind: actProdShift, weight: w})
		p = append(p, S(prod, actHooks, types.DeploymentLifecycleHookStageProductionTrafficShift))
		if i < len(steps)-1 && stepBake > 0 {
			p = append(p, nativeAct{stage: prod, kind: actWait, wait: stepBake})
		}
	}
	p = append(p,
		S(types.ServiceDeploymentLifecycleStagePostProductionTrafficShift, actHooks, types.DeploymentLifecycleHookStagePostProductionTrafficShift),
		nativeAct{stage: types.ServiceDeploymentLifecycleStageBakeTime, kind: actWait, wait: minutes(dc.BakeTimeInMinutes, 0)},
		S(types.ServiceDeploymentLifecycleStageCleanUp, actCleanUp, ""),
	)
	return p
}

// advancedLB is the service's load balancer with advancedConfiguration.
func advancedLB(lbs []types.LoadBalancer) (types.LoadBalancer, bool) {
	for _, lb := range lbs {
		if lb.AdvancedConfiguration != nil {
			return lb, true
		}
	}
	return types.LoadBalancer{}, false
}

// revisionARN names a service revision (one per ecsDeployment).
func (s *ecsState) revisionARN(svc *ecsService, d *ecsDeployment) string {
	if a := s.native.revision[d]; a != "" {
		return a
	}
	a := s.arn("service-revision/" + svc.cluster.name + "/" + svc.name + "/" + newID(10))
	s.native.revision[d] = a
	return a
}

// liveTG is the target group of a deployment's tasks.
func (s *ecsState) liveTG(d *ecsDeployment, lb types.LoadBalancer) string {
	if tg := s.native.tgOf[d]; tg != "" {
		return tg
	}
	return deref(lb.TargetGroupArn)
}

// startNative starts a native deployment of svc.td if the service's strategy
// is native; false leaves it to the rolling scheduler.
func (s *ecsState) startNative(svc *ecsService, at time.Time) bool {
	lb, ok := advancedLB(svc.lbs)
	if !isNative(svc.depConf) || !ok || svc.primary() == nil {
		return false
	}
	blue := svc.primary()
	td, launch := svc.td, svc.launch
	for _, nd := range s.native.byService[svc.arn] {
		if nd.active() {
			s.nativeRollback(nd, at, "Service deployment stopped by a newer deployment.", types.ServiceDeploymentStatusStopped)
			nd.rollbackDone = at
			s.nativeFinishRollback(nd, at)
			blue = svc.primary()
		}
	}
	svc.td, svc.launch = td, launch
	blueTG := s.liveTG(blue, lb)
	greenTG := deref(lb.AdvancedConfiguration.AlternateTargetGroupArn)
	if blueTG == greenTG {
		greenTG = deref(lb.TargetGroupArn)
	}
	for _, d := range svc.deployments {
		d.status = "ACTIVE"
		d.updatedAt = at
	}
	green := &ecsDeployment{
		id: fmt.Sprintf("ecs-svc/%019d", rand.Int64N(9e18)), status: "PRIMARY", td: svc.td, launch: svc.launch,
		desired: 0, createdAt: at, updatedAt: at, rolloutState: types.DeploymentRolloutStateInProgress,
	}
	green.reason = "ECS deployment " + green.id + " in progress."
	svc.deployments = append([]*ecsDeployment{green}, svc.deployments...)
	s.native.tgOf[green] = greenTG
	s.native.tgOf[blue] = blueTG
	nd := &nativeDeployment{
		arn: s.arn("service-deployment/" + svc.cluster.name + "/" + svc.name + "/" + newID(10)),
		svc: svc, conf: *svc.depConf, green: green, blue: blue, greenTG: greenTG, blueTG: blueTG,
		prodRule: deref(lb.AdvancedConfiguration.ProductionListenerRule), testRule: deref(lb.AdvancedConfiguration.TestListenerRule),
		status: types.ServiceDeploymentStatusInProgress, createdAt: at, startedAt: at, updatedAt: at,
		blueDesired: blue.desired, greenDesired: svc.desired,
	}
	nd.plan = nativePlan(nd.conf, len(svc.deployments) > 2)
	s.native.byService[svc.arn] = append([]*nativeDeployment{nd}, s.native.byService[svc.arn]...)
	s.native.byARN[nd.arn] = nd
	s.serviceEvent(svc, at, "(service-deployment "+nd.arn+") "+string(nd.conf.Strategy)+" deployment started.")
	s.nativeRun(nd, at)
	return true
}

// nativeActive is the service's deployment ECS is driving, or nil.
func (s *ecsState) nativeActive(svc *ecsService) *nativeDeployment {
	for _, nd := range s.native.byService[svc.arn] {
		if nd.active() {
			return nd
		}
	}
	return nil
}

// nativeRun moves a running deployment through its plan as far as it can
// go at instant at.
func (s *ecsState) nativeRun(nd *nativeDeployment, at time.Time) {
	for nd.running() {
		if s.nativeAlarms(nd, at) {
			return
		}
		if nd.pos >= len(nd.plan) {
			s.nativeSucceed(nd, at)
			return
		}
		act := nd.plan[nd.pos]
		if nd.stage != act.stage {
			nd.stage, nd.updatedAt = act.stage, at
		}
		if !nd.entered {
			nd.entered = true
			s.nativeEnter(nd, act, at)
		}
		if !s.nativeDone(nd, act, at) {
			return
		}
		nd.pos++
		nd.entered = false
	}
}

func (s *ecsState) nativeEnter(nd *nativeDeployment, act nativeAct, at time.Time) {
	switch act.kind {
	case actHooks:
		nd.current = nil
		for _, h := range nd.conf.LifecycleHooks {
			for _, st := range h.LifecycleStages {
				if st != act.hooks {
					continue
				}
				nh := &nativeHook{id: newID(8), hook: h, status: types.DeploymentLifecycleHookStatusSucceeded}
				if h.TargetType == types.DeploymentLifecycleHookTargetTypePause {
					nh.status = types.DeploymentLifecycleHookStatusAwaitingAction
					timeout := int32(1440)
					if h.TimeoutConfiguration != nil && h.TimeoutConfiguration.TimeoutInMinutes != nil {
						timeout = *h.TimeoutConfiguration.TimeoutInMinutes
					}
					nh.expiresAt = at.Add(time.Duration(timeout) * time.Minute)
					s.serviceEvent(nd.svc, at, fmt.Sprintf("(service-deployment %s) paused at lifecycle hook %s (%s) until %s.", nd.arn, nh.id, st, nh.expiresAt.UTC().Format(time.RFC3339)))
				}
				nd.hooks = append(nd.hooks, nh)
				nd.current = append(nd.current, nh)
			}
		}
	case actScaleUp:
		nd.green.desired = nd.greenDesired
		s.nativeFill(nd.svc, nd.green, at)
	case actTestShift:
		nd.testWeight = 100
		if nd.testRule != "" {
			s.e.elbv2.shiftWeights(nd.testRule, nd.blueTG, nd.greenTG, 100, "ECS:"+string(act.stage), at)
		}
	case actProdShift:
		nd.prodWeight = act.weight
		s.e.elbv2.shiftWeights(nd.prodRule, nd.blueTG, nd.greenTG, act.weight, "ECS:"+string(act.stage), at)
		s.serviceEvent(nd.svc, at, fmt.Sprintf("(service-deployment %s) shifted %.1f%% of production traffic to the new revision.", nd.arn, act.weight))
	case actWait:
		nd.until = at.Add(act.wait)
	case actCleanUp:
		for _, t := range s.deploymentTasks(nd.blue) {
			s.beginStop(t, at, types.TaskStopCodeServiceSchedulerInitiated, "Scaling activity initiated by (deployment "+nd.green.id+")")
		}
		nd.blue.desired = 0
		if nd.testRule != "" { // test traffic follows production once blue is gone
			s.e.elbv2.shiftWeights(nd.testRule, nd.blueTG, nd.greenTG, 100, "ECS:"+string(act.stage), at)
		}
	}
}

func (s *ecsState) nativeDone(nd *nativeDeployment, act nativeAct, at time.Time) bool {
	switch act.kind {
	case actHooks:
		for _, h := range nd.current {
			if h.status != types.DeploymentLifecycleHookStatusSucceeded {
				return false
			}
		}
	case actScaleUp:
		healthy := 0
		for _, t := range s.deploymentTasks(nd.green) {
			if t.healthy && t.desiredStatus == "RUNNING" {
				healthy++
			}
		}
		return healthy >= int(nd.greenDesired)
	case actWait:
		return !at.Before(nd.until)
	}
	return true
}

// nativeSucceed finishes a deployment: green is the service's stable
// revision, blue is gone.
func (s *ecsState) nativeSucceed(nd *nativeDeployment, at time.Time) {
	svc := nd.svc
	nd.status, nd.finishedAt, nd.updatedAt = types.ServiceDeploymentStatusSuccessful, at, at
	nd.reason = ""
	nd.green.rolloutState = types.DeploymentRolloutStateCompleted
	nd.green.reason = "ECS deployment " + nd.green.id + " completed."
	nd.green.updatedAt = at
	svc.deployments = []*ecsDeployment{nd.green}
	svc.stable = nd.green
	s.serviceEvent(svc, at, "(service-deployment "+nd.arn+") deployment completed.")
	s.serviceEvent(svc, at, "has reached a steady state.")
}

// nativeAlarms rolls back a running deployment whose alarms (enabled, with
// rollback) are in ALARM.
func (s *ecsState) nativeAlarms(nd *nativeDeployment, at time.Time) bool {
	a := nd.conf.Alarms
	if a == nil || !a.Enable || len(a.AlarmNames) == 0 {
		return false
	}
	fired := s.e.cloudwatch.inAlarm(a.AlarmNames, at)
	if len(fired) == 0 {
		return false
	}
	nd.triggered = fired
	if !a.Rollback {
		return false
	}
	s.nativeRollback(nd, at, "Service deployment rolled back because the CloudWatch alarm(s) "+strings.Join(fired, ", ")+" went into ALARM state.", types.ServiceDeploymentStatusRollbackSuccessful)
	return true
}

// nativeRollback moves traffic back to blue, stops green and makes blue
// the service's revision again; final is the status once that is done.
func (s *ecsState) nativeRollback(nd *nativeDeployment, at time.Time, reason string, final types.ServiceDeploymentStatus) {
	svc := nd.svc
	nd.status, nd.reason, nd.updatedAt, nd.finalStatus = types.ServiceDeploymentStatusRollbackInProgress, reason, at, final
	if final == types.ServiceDeploymentStatusStopped {
		nd.status = types.ServiceDeploymentStatusStopRequested
		nd.stoppedAt = at
	} else {
		nd.rollback = &types.Rollback{Reason: ptr(reason), StartedAt: ptr(at), ServiceRevisionArn: ptr(s.revisionARN(svc, nd.blue))}
	}
	for _, h := range nd.current {
		if h.status == types.DeploymentLifecycleHookStatusAwaitingAction {
			h.status = types.DeploymentLifecycleHookStatusFailed
		}
	}
	if nd.prodWeight > 0 {
		s.e.elbv2.shiftWeights(nd.prodRule, nd.blueTG, nd.greenTG, 0, "ECS:ROLLBACK", at)
	}
	if nd.testRule != "" && nd.testWeight > 0 {
		s.e.elbv2.shiftWeights(nd.testRule, nd.blueTG, nd.greenTG, 0, "ECS:ROLLBACK", at)
	}
	nd.prodWeight, nd.testWeight = 0, 0
	for _, t := range s.deploymentTasks(nd.green) {
		s.beginStop(t, at, types.TaskStopCodeServiceSchedulerInitiated, "Scaling activity initiated by (deployment "+nd.blue.id+")")
	}
	nd.green.desired = 0
	nd.green.rolloutState = types.DeploymentRolloutStateFailed
	nd.green.reason = reason
	nd.green.updatedAt = at
	nd.blue.status, nd.blue.desired, nd.blue.updatedAt = "PRIMARY", svc.desired, at
	svc.deployments = []*ecsDeployment{nd.blue}
	svc.td, svc.launch = nd.blue.td, nd.blue.launch
	s.nativeFill(svc, nd.blue, at)
	nd.rollbackDone = at.Add(s.e.timing.TaskStop)
	s.serviceEvent(svc, at, "(service-deployment "+nd.arn+") "+reason)
}

// nativeFinishRollback marks a rollback done.
func (s *ecsState) nativeFinishRollback(nd *nativeDeployment, at time.Time) {
	nd.status, nd.finishedAt, nd.updatedAt = nd.finalStatus, at, at
	if nd.finalStatus == types.ServiceDeploymentStatusStopped {
		nd.finishedAt = time.Time{}
	}
	s.serviceEvent(nd.svc, at, "(service-deployment "+nd.arn+") "+strings.ToLower(strings.ReplaceAll(string(nd.status), "_", " "))+".")
}

// nativeFill launches tasks until deployment d has its desired count.
func (s *ecsState) nativeFill(svc *ecsService, d *ecsDeployment, at time.Time) {
	if at.Before(d.launchAfter) {
		return
	}
	alive := 0
	for _, t := range s.deploymentTasks(d) {
		if t.desiredStatus == "RUNNING" {
			alive++
		}
	}
	if n := int(d.desired) - alive; n > 0 {
		s.launchFor(svc, d, n, at)
	}
}

// nativeReconcile is the scheduler for a service with a deployment ECS is
// driving: both revisions keep their task counts and the deployment moves
// on. false: not such a service (the rolling scheduler runs).
func (s *ecsState) nativeReconcile(svc *ecsService, at time.Time) bool {
	nd := s.nativeActive(svc)
	if nd == nil {
		return false
	}
	if nd.running() {
		if nd.blue.desired != svc.desired && svc.desired > 0 {
			nd.blue.desired, nd.greenDesired = svc.desired, svc.desired
			if nd.green.desired > 0 {
				nd.green.desired = svc.desired
			}
		}
		s.nativeFill(svc, nd.blue, at)
		s.nativeFill(svc, nd.green, at)
		s.nativeRun(nd, at)
		return true
	}
	s.nativeFill(svc, nd.blue, at)
	return true
}

// nativeTaskFailed counts a failed green task against the deployment
// circuit breaker of a native deployment (rollback when it trips). false:
// the task is not of a running native deployment.
func (s *ecsState) nativeTaskFailed(svc *ecsService, d *ecsDeployment, at time.Time) bool {
	nd := s.nativeActive(svc)
	if nd == nil || (d != nd.green && d != nd.blue) {
		return false
	}
	cb := nd.conf.DeploymentCircuitBreaker
	if d == nd.green && nd.running() && cb != nil && cb.Enable && d.failedTasks >= breakerThreshold(nd.greenDesired) {
		s.nativeRollback(nd, at, "ECS deployment circuit breaker: tasks failed to start.", types.ServiceDeploymentStatusRollbackSuccessful)
	}
	return true
}

// nativeNextAt is the service's next timed native event (hook timeout,
// wait end, alarm change, rollback completion), or zero.
func (s *ecsState) nativeNextAt(svc *ecsService, after time.Time) time.Time {
	nd := s.nativeActive(svc)
	if nd == nil {
		return time.Time{}
	}
	var next time.Time
	take := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if !nd.running() {
		take(nd.rollbackDone)
		return next
	}
	for _, h := range nd.current {
		if h.status == types.DeploymentLifecycleHookStatusAwaitingAction {
			take(h.expiresAt)
		}
	}
	if nd.pos < len(nd.plan) && nd.plan[nd.pos].kind == actWait && nd.entered {
		take(nd.until)
	}
	if a := nd.conf.Alarms; a != nil && a.Enable {
		take(s.e.cloudwatch.nextChange(a.AlarmNames, after))
		if len(s.e.cloudwatch.inAlarm(a.AlarmNames, after)) > 0 && a.Rollback {
			take(after)
		}
	}
	return next
}

// nativeTick runs a service's native deployment at a timed event.
func (s *ecsState) nativeTick(svc *ecsService, at time.Time) {
	nd := s.nativeActive(svc)
	if nd == nil {
		return
	}
	if !nd.running() {
		if !at.Before(nd.rollbackDone) {
			s.nativeFinishRollback(nd, at)
		}
		return
	}
	for _, h := range nd.current {
		if h.status != types.DeploymentLifecycleHookStatusAwaitingAction || at.Before(h.expiresAt) {
			continue
		}
		h.status = types.DeploymentLifecycleHookStatusTimedOut
		action := types.DeploymentLifecycleHookActionRollback
		if tc := h.hook.TimeoutConfiguration; tc != nil && tc.Action != "" {
			action = tc.Action
		}
		if action == types.DeploymentLifecycleHookActionRollback {
			s.nativeRollback(nd, at, "Service deployment rolled back because lifecycle hook "+h.id+" timed out.", types.ServiceDeploymentStatusRollbackSuccessful)
			return
		}
		h.status = types.DeploymentLifecycleHookStatusSucceeded
	}
	s.nativeRun(nd, at)
}

// taskLoadBalancers are the load balancers a service task is registered
// with: a task of a native revision sits in its revision's target group
// (primary or alternate) instead of the service's targetGroupArn.
func (s *ecsState) taskLoadBalancers(t *ecsTask) []types.LoadBalancer {
	if t.service == nil {
		return nil
	}
	tg := s.native.tgOf[t.deployment]
	if tg == "" {
		return t.service.lbs
	}
	out := make([]types.LoadBalancer, len(t.service.lbs))
	for i, lb := range t.service.lbs {
		if lb.AdvancedConfiguration != nil {
			lb.TargetGroupArn = ptr(tg)
		}
		out[i] = lb
	}
	return out
}
