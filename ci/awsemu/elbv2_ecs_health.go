package awsemu

import "time"

// tgHealthRule is how the targets of one target group fare under the health
// faults in force: ECS takes a snapshot per target group once per advance
// (faults and listeners only change between requests) to decide when a
// service task's target is healthy and when it fails its health checks.
type tgHealthRule struct {
	name  string
	inUse bool // a listener or rule forwards to it (else targets are "unused")
	fault healthFault
	has   bool // a health fault is in force
}

// healthRule snapshots the health behaviour of the target group tgArn.
func (s *elbv2State) healthRule(tgArn string) tgHealthRule {
	r := tgHealthRule{name: tgNameFromArn(tgArn)}
	if tg := s.tgs[tgArn]; tg != nil {
		r.name = tg.TargetGroupName
		r.inUse = len(s.lbArnsForTG(tgArn)) > 0
	}
	r.fault, r.has = s.faults[r.name]
	if r.has && !r.fault.never && r.fault.after <= 0 {
		r.has = false // as healthOf: a zero UnhealthyAfter has no effect
	}
	return r
}

// window is when a target whose task reached RUNNING at started is healthy
// (zero: never) and when it turns unhealthy (zero: never), as the target
// health DescribeTargetHealth reports; a fault counts from when it was set.
// Targets of a target group no listener uses are "unused", which ECS does
// not treat as failing.
func (r tgHealthRule) window(started time.Time, targetHealthy time.Duration) (healthyFrom, unhealthyFrom time.Time) {
	h := started.Add(targetHealthy)
	if !r.inUse || !r.has {
		return h, time.Time{}
	}
	if r.fault.never {
		u := later(h, r.fault.setAt)
		if !u.After(h) {
			return time.Time{}, u
		}
		return h, u
	}
	return h, later(h, r.fault.setAt).Add(r.fault.after)
}

// reason is the target health description of a failing target, as
// DescribeTargetHealth gives it.
func (r tgHealthRule) reason() string {
	if r.fault.never {
		return "Health checks failed with these codes: [503]"
	}
	return "Health checks failed with these codes: [500]"
}
