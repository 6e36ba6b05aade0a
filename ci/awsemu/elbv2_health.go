package awsemu

import (
	"net/url"
	"sort"
	"time"
)

// Target health: targets come from the ECS tasks registered with a target
// group (ecsState.targetsFor) and from RegisterTargets. A target is
// "initial" for Timing.TargetHealthy after it starts, then "healthy" unless a
// health fault says otherwise, and "draining" for Timing.Draining once its
// task stops or it is deregistered.

// targetStatus is one target's computed health.
type targetStatus struct {
	ID, Reason, Description, State string
	Port                           int32
}

func (s *elbv2State) registerHealthOps() {
	s.e.onQuery("elbv2", "DescribeTargetHealth", s.describeTargetHealth)
	s.e.onQuery("elbv2", "RegisterTargets", s.registerTargets)
	s.e.onQuery("elbv2", "DeregisterTargets", s.deregisterTargets)
}

func targetKey(id string, port int32) string { return id + ":" + itoa(int(port)) }

// trackDraining runs before every request: targets whose task is stopping
// or gone are draining from the first moment that is seen, until
// Timing.Draining has passed.
func (s *elbv2State) trackDraining(now time.Time) {
	for tgArn := range s.tgs {
		current := map[string]lbTarget{}
		for _, t := range s.e.ecs.targetsFor(tgArn) {
			k := targetKey(t.ID, t.Port)
			current[k] = t
			if t.Stopping {
				s.startDraining(tgArn, t.ID, t.Port, now)
			}
		}
		for k, t := range s.seen[tgArn] {
			if _, ok := current[k]; !ok {
				s.startDraining(tgArn, t.ID, t.Port, now)
			}
		}
		s.seen[tgArn] = current
		for k, d := range s.draining[tgArn] {
			_, stillThere := current[k]
			if !stillThere && now.Sub(d.Since) >= s.e.timing.Draining {
				delete(s.draining[tgArn], k)
			}
		}
	}
}

func (s *elbv2State) startDraining(tgArn, id string, port int32, now time.Time) {
	if s.draining[tgArn] == nil {
		s.draining[tgArn] = map[string]drainingTarget{}
	}
	k := targetKey(id, port)
	if _, ok := s.draining[tgArn][k]; !ok {
		s.draining[tgArn][k] = drainingTarget{ID: id, Port: port, Since: now}
	}
}

// targetStatuses computes the health of every target of a target group,
// sorted by id.
func (s *elbv2State) targetStatuses(tg *elbTargetGroup, now time.Time) []targetStatus {
	inUse := len(s.lbArnsForTG(tg.TargetGroupArn)) > 0
	var out []targetStatus
	seen := map[string]bool{}
	add := func(id string, port int32, since time.Time) {
		k := targetKey(id, port)
		if seen[k] {
			return
		}
		seen[k] = true
		if _, ok := s.draining[tg.TargetGroupArn][k]; ok {
			out = append(out, targetStatus{ID: id, Port: port, State: "draining", Reason: "Target.DeregistrationInProgress",
				Description: "Target deregistration is in progress"})
			return
		}
		out = append(out, s.healthOf(tg, id, port, since, inUse, now))
	}
	for _, t := range s.e.ecs.targetsFor(tg.TargetGroupArn) {
		add(t.ID, t.Port, t.RunningSince)
	}
	for _, m := range s.manual[tg.TargetGroupArn] {
		add(m.ID, m.Port, m.RegisteredAt)
	}
	for _, d := range s.draining[tg.TargetGroupArn] {
		add(d.ID, d.Port, d.Since)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].ID+":"+itoa(int(out[i].Port)) < out[j].ID+":"+itoa(int(out[j].Port))
	})
	return out
}

// healthOf is the health of an active (not draining) target.
func (s *elbv2State) healthOf(tg *elbTargetGroup, id string, port int32, since time.Time, inUse bool, now time.Time) targetStatus {
	st := targetStatus{ID: id, Port: port}
	healthyAt := since.Add(s.e.timing.TargetHealthy)
	f := s.faults[tg.TargetGroupName]
	switch {
	case !inUse:
		st.State, st.Reason, st.Description = "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
	case now.Before(healthyAt):
		st.State, st.Reason, st.Description = "initial", "Elb.InitialHealthChecking", "Initial health checks in progress"
	case f.never:
		st.State, st.Reason, st.Description = "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]"
	case f.after > 0 && !now.Before(later(healthyAt, f.setAt).Add(f.after)):
		st.State, st.Reason, st.Description = "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]"
	default:
		st.State = "healthy"
	}
	return st
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (s *elbv2State) describeTargetHealth(form url.Values) (any, error) {
	tg := s.tgs[form.Get("TargetGroupArn")]
	if tg == nil {
		return nil, clientError("TargetGroupNotFound", "One or more target groups not found: %q", form.Get("TargetGroupArn"))
	}
	all := s.targetStatuses(tg, s.e.clock.Now())
	wanted, err := s.parseTargets(form, tg)
	if err != nil {
		return nil, err
	}
	var out []elbTargetHealthDescription
	desc := func(t targetStatus) elbTargetHealthDescription {
		return elbTargetHealthDescription{
			Target:          elbTargetDescription{Id: t.ID, Port: t.Port},
			HealthCheckPort: itoa(int(t.Port)),
			TargetHealth:    elbTargetHealth{State: t.State, Reason: t.Reason, Description: t.Description},
		}
	}
	if len(wanted) == 0 {
		for _, t := range all {
			out = append(out, desc(t))
		}
		return elbTargetHealthResult{TargetHealthDescriptions: out}, nil
	}
	for _, w := range wanted {
		found := false
		for _, t := range all {
			if t.ID == w.ID && t.Port == w.Port {
				out = append(out, desc(t))
				found = true
			}
		}
		if !found {
			out = append(out, desc(targetStatus{ID: w.ID, Port: w.Port, State: "unused", Reason: "Target.NotRegistered",
				Description: "Target is not registered to the target group"}))
		}
	}
	return elbTargetHealthResult{TargetHealthDescriptions: out}, nil
}

// parseTargets reads Targets.member.N.Id / .Port (port defaults to the
// target group's).
func (s *elbv2State) parseTargets(form url.Values, tg *elbTargetGroup) ([]manualTarget, error) {
	var out []manualTarget
	for i := 1; i <= elbCountMembers(form, "Targets"); i++ {
		p := "Targets.member." + itoa(i) + "."
		id := form.Get(p + "Id")
		if id == "" {
			return nil, elbValidation("%sId is required", p)
		}
		port, err := elbFormInt32(form, p+"Port", tg.Port)
		if err != nil {
			return nil, err
		}
		out = append(out, manualTarget{ID: id, Port: port})
	}
	return out, nil
}

// formTargets reads the TargetGroupArn and Targets of a Register/Deregister
// request.
func (s *elbv2State) formTargets(form url.Values) (*elbTargetGroup, []manualTarget, error) {
	tg := s.tgs[form.Get("TargetGroupArn")]
	if tg == nil {
		return nil, nil, clientError("TargetGroupNotFound", "One or more target groups not found: %q", form.Get("TargetGroupArn"))
	}
	targets, err := s.parseTargets(form, tg)
	return tg, targets, err
}

func (s *elbv2State) registerTargets(form url.Values) (any, error) {
	tg, targets, err := s.formTargets(form)
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, elbValidation("Targets: at least one target is required")
	}
	if s.manual[tg.TargetGroupArn] == nil {
		s.manual[tg.TargetGroupArn] = map[string]*manualTarget{}
	}
	now := s.e.clock.Now()
	for _, t := range targets {
		k := targetKey(t.ID, t.Port)
		delete(s.draining[tg.TargetGroupArn], k)
		if s.manual[tg.TargetGroupArn][k] == nil {
			s.manual[tg.TargetGroupArn][k] = &manualTarget{ID: t.ID, Port: t.Port, RegisteredAt: now}
		}
	}
	return nil, nil
}

func (s *elbv2State) deregisterTargets(form url.Values) (any, error) {
	tg, targets, err := s.formTargets(form)
	if err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	for _, t := range targets {
		k := targetKey(t.ID, t.Port)
		if s.manual[tg.TargetGroupArn][k] == nil {
			return nil, clientError("InvalidTarget", "The target %s is not registered with target group %q", k, tg.TargetGroupName)
		}
		delete(s.manual[tg.TargetGroupArn], k)
		s.startDraining(tg.TargetGroupArn, t.ID, t.Port, now)
	}
	return nil, nil
}
