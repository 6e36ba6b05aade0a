package awsemu

import "time"

// advance moves every task and deployment to now, one transition at a time
// in time order, so effects (replacements, drains, completions) happen at
// the instant they would have.
func (s *ecsState) advance(now time.Time) {
	floor := s.advancedTo
	if floor.After(now) {
		floor = now
	}
	rules := &elbRules{e: s.e.elbv2}
	for i := 0; i < 100000; i++ {
		var next time.Time
		var run func()
		consider := func(at time.Time, f func()) {
			if !at.IsZero() && !at.After(now) && (run == nil || at.Before(next)) {
				next, run = at, f
			}
		}
		for _, c := range s.clusters {
			for _, t := range activeTasks(c) {
				at := t.nextAt()
				consider(at, func() { s.stepTask(t, at) })
				if elbWatched(t) {
					hAt, fAt, lb, r := s.elbTimes(t, rules, floor)
					consider(hAt, func() { s.elbHealthy(t, hAt) })
					consider(fAt, func() { s.elbFailed(t, fAt, lb, r) })
				}
			}
			for _, name := range c.svcOrder {
				svc := c.services[name]
				at := svc.completeDue()
				consider(at, func() { s.complete(svc, at) })
				nAt := s.nativeNextAt(svc, floor)
				consider(nAt, func() { s.nativeTick(svc, nAt) })
				if p := svc.primary(); p != nil && !p.launchAfter.IsZero() {
					at := p.launchAfter
					consider(at, func() { p.launchAfter = time.Time{}; s.reconcile(svc, at) })
				}
				if svc.status == "DRAINING" && len(s.serviceTasks(svc)) == 0 {
					consider(now, func() { svc.status = "INACTIVE"; svc.deployments = nil })
				}
			}
		}
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
