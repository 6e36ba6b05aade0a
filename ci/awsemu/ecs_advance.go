package awsemu

import "time"

// advance moves every task and deployment to now, one transition at a time
// in time order, so effects (replacements, drains, completions) happen at
// the instant they would have.
func (s *ecsState) advance(now time.Time) {
	rules := &elbRules{e: s.e.elbv2}
	for i := 0; i < 100000; i++ {
		var next time.Time
		var run func()
		s.events(now, rules, func(at time.Time, f func()) {
			if !at.IsZero() && !at.After(now) && (run == nil || at.Before(next)) {
				next, run = at, f
			}
		})
		if run == nil {
			break
		}
		run()
		if i%1000 == 999 {
			s.gcStoppedTasks(next)
		}
	}
	s.gcStoppedTasks(now)
	s.advancedTo = now
}

// nextEvent is the instant of the first timed transition after now (task
// start or stop, target health, rollout completion, a native deployment's
// hook timeout, bake end or rollback), or zero when nothing is due: the
// emulator's clock wakes it then (Emulator.schedule).
func (s *ecsState) nextEvent(now time.Time) time.Time {
	var next time.Time
	s.events(now, &elbRules{e: s.e.elbv2}, func(at time.Time, _ func()) {
		if at.After(now) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	})
	return next
}

// events calls visit with every transition state is waiting for (its time,
// zero when not timed, and what performs it); effects before the instant
// state was last advanced to are moved up to that instant.
func (s *ecsState) events(now time.Time, rules *elbRules, visit func(at time.Time, run func())) {
	floor := s.advancedTo
	if floor.After(now) {
		floor = now
	}
	for _, c := range s.clusters {
		for _, t := range activeTasks(c) {
			at := t.nextAt()
			visit(at, func() { s.stepTask(t, at) })
			if elbWatched(t) {
				hAt, fAt, lb, r := s.elbTimes(t, rules, floor)
				visit(hAt, func() { s.elbHealthy(t, hAt) })
				visit(fAt, func() { s.elbFailed(t, fAt, lb, r) })
			}
		}
		for _, name := range c.svcOrder {
			svc := c.services[name]
			at := svc.completeDue()
			visit(at, func() { s.complete(svc, at) })
			nAt := s.nativeNextAt(svc, floor)
			visit(nAt, func() { s.nativeTick(svc, nAt) })
			if p := svc.primary(); p != nil && !p.launchAfter.IsZero() {
				at := p.launchAfter
				visit(at, func() { p.launchAfter = time.Time{}; s.reconcile(svc, at) })
			}
			if svc.status == "DRAINING" && len(s.serviceTasks(svc)) == 0 {
				visit(now, func() { svc.status = "INACTIVE"; svc.deployments = nil })
			}
		}
	}
}

// serviceTasks are a service's tasks that have not stopped.
func (s *ecsState) serviceTasks(svc *ecsService) []*ecsTask {
	var out []*ecsTask
	for _, t := range activeTasks(svc.cluster) {
		if t.service == svc {
			out = append(out, t)
		}
	}
	return out
}
