package awsemu

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECS and ELB target health: a task of a service with loadBalancers counts
// as healthy only once its target is healthy in every target group of the
// service, and the scheduler stops a task whose target fails its health
// checks once the service's healthCheckGracePeriodSeconds since the task
// started have passed (stopCode ServiceSchedulerInitiated, stoppedReason
// "Task failed ELB health checks in (target-group <arn>)"). The failure
// counts in the deployment's failedTasks (circuit breaker, relaunch
// throttle), and the scheduler launches a replacement.

// elbRules caches the target groups' health rules for one advance.
type elbRules struct {
	e     *elbv2State
	rules map[string]tgHealthRule
}

func (c *elbRules) rule(tgArn string) tgHealthRule {
	r, ok := c.rules[tgArn]
	if !ok {
		if c.rules == nil {
			c.rules = map[string]tgHealthRule{}
		}
		r = c.e.healthRule(tgArn)
		c.rules[tgArn] = r
	}
	return r
}

// elbWatched tells whether a task's health follows ELB target health now.
func elbWatched(t *ecsTask) bool {
	return t.service != nil && t.plan.lbService && !t.plan.crashes && t.lastStatus == "RUNNING" && t.desiredStatus == "RUNNING"
}

// elbTimes is, for a watched task, when ECS marks it healthy (zero: not
// due) and when ECS stops it for failing its health checks (zero: not
// due), with the failing target group. No instant is before floor, the
// moment state was last advanced to (faults change between requests).
func (s *ecsState) elbTimes(t *ecsTask, rules *elbRules, floor time.Time) (healthyAt, failAt time.Time, failLB types.LoadBalancer, failRule tgHealthRule) {
	var healthy, unhealthy time.Time
	never := false
	for _, lb := range s.taskLoadBalancers(t) {
		r := rules.rule(deref(lb.TargetGroupArn))
		h, u := r.window(t.startedAt, s.e.timing.TargetHealthy)
		if h.IsZero() {
			never = true
		} else if h.After(healthy) {
			healthy = h
		}
		if !u.IsZero() && (unhealthy.IsZero() || u.Before(unhealthy)) {
			unhealthy, failLB, failRule = u, lb, r
		}
	}
	if !t.healthy && !never && (unhealthy.IsZero() || healthy.Before(unhealthy)) {
		if at := later(healthy, floor); unhealthy.IsZero() || at.Before(unhealthy) {
			healthyAt = at
		}
	}
	if !unhealthy.IsZero() {
		grace := time.Duration(t.service.graceSeconds()) * time.Second
		failAt = later(later(unhealthy, t.startedAt.Add(grace)), floor)
	}
	return healthyAt, failAt, failLB, failRule
}

// elbHealthy marks a task healthy because its targets are.
func (s *ecsState) elbHealthy(t *ecsTask, at time.Time) {
	t.version++
	t.healthy = true
	s.serviceTaskHealthy(t, at)
}

// elbFailed stops a task whose target failed its health checks, as the
// service scheduler does, and counts it as a failed task of its deployment.
func (s *ecsState) elbFailed(t *ecsTask, at time.Time, lb types.LoadBalancer, r tgHealthRule) {
	svc := t.service
	t.version++
	s.serviceEvent(svc, at, fmt.Sprintf("(task %s) (port %d) is unhealthy in (target-group %s) due to (reason %s)",
		t.id, deref(lb.ContainerPort), r.name, r.reason()))
	s.beginStop(t, at, types.TaskStopCodeServiceSchedulerInitiated, "Task failed ELB health checks in (target-group "+deref(lb.TargetGroupArn)+")")
	t.healthy = false
	s.serviceEvent(svc, at, fmt.Sprintf("has stopped 1 running tasks: (task %s).", t.id))
	s.countFailure(t, at)
}
