package awsemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsDeployment is one ECS rolling deployment of a service.
type ecsDeployment struct {
	id           string
	status       string // PRIMARY, ACTIVE
	td           *ecsTaskDef
	launch       launchSpec
	desired      int32
	failedTasks  int32
	createdAt    time.Time
	updatedAt    time.Time
	completeAt   time.Time // earliest COMPLETED: createdAt + rollout time
	readyAt      time.Time // when desired healthy tasks were first all up
	rolloutState types.DeploymentRolloutState
	reason       string
	crash        string     // "", "never" (NeverStabilize), "breaker" (CircuitBreakerRollback)
	tasks        []*ecsTask // tasks it started that had not STOPPED when last looked at
	launchAfter  time.Time  // service throttle: no launches before this instant
	rollbackOf   string     // id of the deployment this one rolls back (circuit breaker), or ""
}

// maxLaunchThrottle is the longest delay ECS's service throttle logic puts
// between launch attempts of a service whose tasks keep failing.
const maxLaunchThrottle = 27 * time.Minute

// throttleDelay is the delay before the next launch after n failed tasks:
// none for the first three, then Timing.TaskStart doubling per failure, up
// to maxLaunchThrottle.
func throttleDelay(base time.Duration, n int32) time.Duration {
	if n <= 3 {
		return 0
	}
	d := base
	for i := int32(3); i < n && d < maxLaunchThrottle; i++ {
		d *= 2
	}
	return min(d, maxLaunchThrottle)
}

// rollback threshold: ECS trips the circuit breaker after
// max(3, min(200, ceil(desired/2))) failed tasks.
func breakerThreshold(desired int32) int32 {
	t := (desired + 1) / 2
	if t < 3 {
		t = 3
	}
	if t > 200 {
		t = 200
	}
	return t
}

func (svc *ecsService) primary() *ecsDeployment {
	if len(svc.deployments) == 0 {
		return nil
	}
	return svc.deployments[0]
}

// startDeployment makes a new PRIMARY deployment of svc.td; the previous
// ones become ACTIVE and drain once the new one is healthy. rollbackOf is
// the deployment being rolled back (circuit breaker), or nil.
func (s *ecsState) startDeployment(svc *ecsService, at time.Time, rollbackOf *ecsDeployment) *ecsDeployment {
	for _, d := range svc.deployments {
		d.status = "ACTIVE"
		d.updatedAt = at
	}
	d := &ecsDeployment{
		id: fmt.Sprintf("ecs-svc/%019d", rand.Int64N(9e18)), status: "PRIMARY", td: svc.td, launch: svc.launch,
		desired: svc.desired, createdAt: at, updatedAt: at, rolloutState: types.DeploymentRolloutStateInProgress,
	}
	rollout := s.e.timing.Rollout
	if r, ok := s.faults.rolloutTime[svc.name]; ok {
		rollout = r
	}
	if min := s.e.timing.TaskStart; rollout < min {
		rollout = min
	}
	d.completeAt = at.Add(rollout)
	d.reason = "ECS deployment " + d.id + " in progress."
	if rollbackOf == nil {
		if s.faults.neverStabilize[svc.name] {
			d.crash = "never"
		} else if s.faults.breakerRollback[svc.name] {
			d.crash = "breaker"
			delete(s.faults.breakerRollback, svc.name)
		}
	} else {
		d.reason = "ECS deployment circuit breaker: rolling back to deploymentId " + svc.stable.id + "."
		d.rollbackOf = rollbackOf.id
	}
	s.keepLiveTargetGroup(svc, d)
	svc.deployments = append([]*ecsDeployment{d}, svc.deployments...)
	s.reconcile(svc, at)
	return d
}

// keepLiveTargetGroup registers a rolling deployment's tasks where the
// service's traffic is: after a native deployment the live revision may sit
// in the alternate target group, and ECS, switching such a service to
// ROLLING, "identifies the active service revision currently serving
// traffic" and keeps the load balancer configuration (the ECS guide's
// "Update the Amazon ECS deployment strategy"), so the new tasks join the
// live revision's target group rather than an empty one.
func (s *ecsState) keepLiveTargetGroup(svc *ecsService, d *ecsDeployment) {
	if _, ok := advancedLB(svc.lbs); !ok {
		return
	}
	if prev := svc.primary(); prev != nil {
		if tg := s.native.tgOf[prev]; tg != "" {
			s.native.tgOf[d] = tg
		}
	}
}

// deploymentTasks are the tasks a deployment started that have not stopped
// (stopped ones are forgotten as they are found).
func (s *ecsState) deploymentTasks(d *ecsDeployment) []*ecsTask {
	live := d.tasks[:0]
	for _, t := range d.tasks {
		if t.lastStatus != "STOPPED" {
			live = append(live, t)
		}
	}
	clear(d.tasks[len(live):])
	d.tasks = live
	return append([]*ecsTask(nil), live...)
}

// reconcile is the service scheduler, run whenever something changed: it
// scales the PRIMARY deployment to its desired count within the
// deployment configuration's maximumPercent (tasks of all deployments
// together), and stops tasks of older deployments while the healthy tasks
// stay at or above minimumHealthyPercent. A FAILED deployment launches
// nothing more.
func (s *ecsState) reconcile(svc *ecsService, at time.Time) {
	d := svc.primary()
	if d == nil || svc.status != "ACTIVE" || s.nativeReconcile(svc, at) {
		return
	}
	maxTotal, minHealthy := rollingBounds(d.desired, svc.depConf)
	alive := func(dep *ecsDeployment) (all, healthy []*ecsTask) {
		for _, t := range s.deploymentTasks(dep) {
			if t.desiredStatus == "RUNNING" {
				all = append(all, t)
				if t.healthy {
					healthy = append(healthy, t)
				}
			}
		}
		return all, healthy
	}
	newAlive, newHealthy := alive(d)
	var oldAlive []*ecsTask
	oldHealthy := 0
	for _, old := range svc.deployments[1:] {
		a, h := alive(old)
		oldAlive = append(oldAlive, a...)
		oldHealthy += len(h)
	}

	// Scale the primary deployment down if it has too many tasks.
	if n := len(newAlive) - int(d.desired); n > 0 {
		s.stopTasks(svc, newAlive[len(newAlive)-n:], at, d)
		newAlive = newAlive[:len(newAlive)-n]
	}
	// Stop old tasks that are not healthy (they carry no traffic), then
	// healthy ones down to the minimum healthy count.
	var stop []*ecsTask
	spare := len(newHealthy) + oldHealthy - minHealthy
	for _, t := range oldAlive {
		if !t.healthy {
			stop = append(stop, t)
		}
	}
	for _, t := range oldAlive {
		if t.healthy && spare > 0 {
			stop = append(stop, t)
			spare--
		}
	}
	if d.rolloutState == types.DeploymentRolloutStateFailed {
		stop = nil // a failed deployment (no rollback) leaves the old tasks serving
	}
	s.stopTasks(svc, stop, at, d)
	// Launch new tasks within maximumPercent, unless throttled.
	if d.rolloutState != types.DeploymentRolloutStateFailed && !at.Before(d.launchAfter) {
		n := min(int(d.desired)-len(newAlive), maxTotal-(len(newAlive)+len(oldAlive)-len(stop)))
		if n > 0 {
			s.launchFor(svc, d, n, at)
		}
	}
	// Older deployments' desired counts follow their draining.
	for _, old := range svc.deployments[1:] {
		a, _ := alive(old)
		old.desired = int32(len(a))
	}
	if len(newHealthy) >= int(d.desired) && d.readyAt.IsZero() && d.rolloutState == types.DeploymentRolloutStateInProgress {
		d.readyAt = at
	}
}

// launchFor has the scheduler start n tasks of deployment d.
func (s *ecsState) launchFor(svc *ecsService, d *ecsDeployment, n int, at time.Time) {
	var ids []string
	for i := 0; i < n; i++ {
		t := s.launchTask(svc.cluster, d.td, d.launch, at)
		t.service, t.deployment = svc, d
		d.tasks = append(d.tasks, t)
		t.group, t.startedBy = "service:"+svc.name, d.id
		t.plan = taskPlan{crashes: d.crash != "", exitCode: 1, lbService: len(svc.lbs) > 0}
		ids = append(ids, "(task "+t.id+")")
	}
	s.serviceEvent(svc, at, fmt.Sprintf("has started %d tasks: %s.", n, strings.Join(ids, " ")))
}

// rollingBounds are the most tasks a rolling deployment may run (maximumPercent,
// rounded down, at least desired+1 when minimumHealthyPercent is 100 so a
// deployment can progress) and the fewest healthy tasks it must keep
// (minimumHealthyPercent, rounded up).
func rollingBounds(desired int32, dc *types.DeploymentConfiguration) (maxTotal, minHealthy int) {
	maxPct, minPct := int32(200), int32(100)
	if dc != nil && dc.MaximumPercent != nil {
		maxPct = *dc.MaximumPercent
	}
	if dc != nil && dc.MinimumHealthyPercent != nil {
		minPct = *dc.MinimumHealthyPercent
	}
	maxTotal = int(desired * maxPct / 100)
	minHealthy = int((desired*minPct + 99) / 100)
	if maxTotal <= minHealthy && minHealthy == int(desired) && desired > 0 {
		maxTotal = int(desired) + 1
	}
	return maxTotal, minHealthy
}

// stopTasks has the scheduler stop tasks on behalf of deployment d.
func (s *ecsState) stopTasks(svc *ecsService, tasks []*ecsTask, at time.Time, d *ecsDeployment) {
	if len(tasks) == 0 {
		return
	}
	var ids []string
	for _, t := range tasks {
		s.beginStop(t, at, types.TaskStopCodeServiceSchedulerInitiated, "Scaling activity initiated by (deployment "+d.id+")")
		ids = append(ids, "(task "+t.id+")")
	}
	s.serviceEvent(svc, at, fmt.Sprintf("has stopped %d running tasks: %s.", len(ids), strings.Join(ids, " ")))
}

// completeDue is when the PRIMARY deployment completes, or zero.
func (svc *ecsService) completeDue() time.Time {
	d := svc.primary()
	if d == nil || d.rolloutState != types.DeploymentRolloutStateInProgress || d.readyAt.IsZero() {
		return time.Time{}
	}
	if d.readyAt.After(d.completeAt) {
		return d.readyAt
	}
	return d.completeAt
}

// complete marks the PRIMARY deployment COMPLETED and retires the others.
func (s *ecsState) complete(svc *ecsService, at time.Time) {
	d := svc.primary()
	for _, old := range svc.deployments[1:] {
		for _, t := range s.deploymentTasks(old) {
			s.beginStop(t, at, types.TaskStopCodeServiceSchedulerInitiated, "Scaling activity initiated by (deployment "+d.id+")")
		}
	}
	svc.deployments = svc.deployments[:1]
	d.rolloutState = types.DeploymentRolloutStateCompleted
	d.reason = "ECS deployment " + d.id + " completed."
	d.updatedAt = at
	svc.stable = d
	s.serviceEvent(svc, at, "(deployment "+d.id+") deployment completed.")
	s.serviceEvent(svc, at, "has reached a steady state.")
}

func (s *ecsState) serviceTaskHealthy(t *ecsTask, at time.Time) {
	s.reconcile(t.service, at)
}

// taskFailed counts a service task that failed to start or crashed, and
// trips the deployment circuit breaker when ECS would.
func (s *ecsState) taskFailed(t *ecsTask, at time.Time, why string) {
	svc, d := t.service, t.deployment
	if svc == nil || d == nil {
		return
	}
	s.serviceEvent(svc, at, fmt.Sprintf("(task %s) failed: %s.", t.id, why))
	s.countFailure(t, at)
}

// countFailure counts a failed service task (crashed, failed to start, or
// failed its ELB health checks) in its deployment's failedTasks, throttles
// relaunches, and trips the deployment circuit breaker when ECS would. A
// rollback deployment that fails is not rolled back again.
func (s *ecsState) countFailure(t *ecsTask, at time.Time) {
	svc, d := t.service, t.deployment
	if svc == nil || d == nil {
		return
	}
	d.failedTasks++
	d.updatedAt = at
	if delay := throttleDelay(s.e.timing.TaskStart, d.failedTasks); delay > 0 {
		d.launchAfter = at.Add(delay)
	}
	if s.nativeTaskFailed(svc, d, at) {
		return
	}
	if d != svc.primary() || d.rolloutState != types.DeploymentRolloutStateInProgress {
		return
	}
	d.readyAt = time.Time{} // a task failed: the deployment is not ready until desired tasks are healthy again
	cb := svc.depConf.DeploymentCircuitBreaker
	breaker := d.crash == "breaker" || (cb != nil && cb.Enable && d.crash != "never")
	if !breaker || d.failedTasks < breakerThreshold(d.desired) {
		if d.failedTasks%3 == 0 {
			s.serviceEvent(svc, at, "is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
		}
		return
	}
	d.rolloutState = types.DeploymentRolloutStateFailed
	d.reason = "ECS deployment circuit breaker: tasks failed to start."
	s.serviceEvent(svc, at, "(deployment "+d.id+") deployment failed: tasks failed to start.")
	rollback := d.crash == "breaker" || cb != nil && cb.Rollback
	if !rollback || svc.stable == nil || d.rollbackOf != "" {
		return
	}
	for _, x := range s.deploymentTasks(d) {
		s.beginStop(x, at, types.TaskStopCodeServiceSchedulerInitiated, "Scaling activity initiated by (deployment "+d.id+")")
	}
	s.serviceEvent(svc, at, "rolling back to deployment "+svc.stable.id+".")
	svc.td = svc.stable.td
	svc.launch = svc.stable.launch
	s.startDeployment(svc, at, d)
}

// serviceTaskStopped lets the scheduler replace a task that stopped.
func (s *ecsState) serviceTaskStopped(t *ecsTask, at time.Time) {
	s.reconcile(t.service, at)
}

// deploymentShape renders a deployment with its live task counts.
func (s *ecsState) deploymentShape(svc *ecsService, d *ecsDeployment) types.Deployment {
	out := types.Deployment{
		Id: ptr(d.id), Status: ptr(d.status), TaskDefinition: d.td.td.TaskDefinitionArn,
		DesiredCount: d.desired, FailedTasks: d.failedTasks, CreatedAt: ptr(d.createdAt), UpdatedAt: ptr(d.updatedAt),
		LaunchType: d.launch.launchType, CapacityProviderStrategy: d.launch.cps, NetworkConfiguration: d.launch.netConf,
		RolloutState: d.rolloutState, RolloutStateReason: ptr(d.reason),
	}
	if d.launch.launchType == types.LaunchTypeFargate || len(d.launch.cps) > 0 {
		out.PlatformVersion, out.PlatformFamily = ptr("1.4.0"), ptr("Linux")
	}
	for _, t := range s.deploymentTasks(d) {
		switch t.lastStatus {
		case "RUNNING":
			out.RunningCount++
		case "PROVISIONING", "PENDING":
			out.PendingCount++
		}
	}
	return out
}
