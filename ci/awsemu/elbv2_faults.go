package awsemu

import (
	"sort"
	"time"
)

// Health faults and the traffic log: what tests and the server command use
// to script ELBv2 failures and to check where traffic was sent.

// NeverHealthy makes the targets of a target group (name or ARN; it need not
// exist yet) fail their health checks: they go from "initial" to
// "unhealthy" (Target.ResponseCodeMismatch) and never become healthy.
func (e *Emulator) NeverHealthy(targetGroup string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.elbv2.faults[tgNameFromArn(targetGroup)] = healthFault{never: true, setAt: e.clock.Now()}
}

// UnhealthyAfter makes the targets of a target group turn unhealthy d after
// they became healthy or d after this call, whichever is later: health that
// passes the gates and then fails during the bake.
func (e *Emulator) UnhealthyAfter(targetGroup string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.elbv2.faults[tgNameFromArn(targetGroup)] = healthFault{after: d, setAt: e.clock.Now()}
}

// ClearHealthFaults removes the health faults of a target group.
func (e *Emulator) ClearHealthFaults(targetGroup string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.elbv2.faults, tgNameFromArn(targetGroup))
}

// TargetGroupHealth is a summary of one target group's targets.
type TargetGroupHealth struct {
	TargetGroup string         `json:"targetGroup"`
	Healthy     int            `json:"healthy"`
	Total       int            `json:"total"` // registered targets, draining ones excluded
	States      map[string]int `json:"states"`
}

// OK is true when there is at least one target and all are healthy.
func (h TargetGroupHealth) OK() bool { return h.Total > 0 && h.Healthy == h.Total }

// TargetHealthOf summarises a target group's target health now (name or
// ARN); ok is false when there is no such target group.
func (e *Emulator) TargetHealthOf(targetGroup string) (TargetGroupHealth, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.Now()
	for _, adv := range e.advancers {
		adv(now)
	}
	return e.elbv2.summary(targetGroup, now)
}

func (s *elbv2State) summary(targetGroup string, now time.Time) (TargetGroupHealth, bool) {
	tg := s.tgByName(targetGroup)
	if tg == nil {
		return TargetGroupHealth{TargetGroup: targetGroup}, false
	}
	h := TargetGroupHealth{TargetGroup: tg.TargetGroupName, States: map[string]int{}}
	for _, t := range s.targetStatuses(tg, now) {
		h.States[t.State]++
		if t.State == "draining" {
			continue
		}
		h.Total++
		if t.State == "healthy" {
			h.Healthy++
		}
	}
	return h, true
}

// TrafficChange is one change of where a listener sends traffic, with the
// health of the target groups it sends traffic to at that moment.
type TrafficChange struct {
	Time        time.Time        `json:"time"`
	Action      string           `json:"action"` // CreateListener, ModifyListener, CreateRule, ModifyRule
	ListenerArn string           `json:"listenerArn"`
	RuleArn     string           `json:"ruleArn,omitempty"`
	Weights     map[string]int32 `json:"weights"` // target group name -> weight
	// NotHealthy names the target groups given weight > 0 that did not have
	// at least one target with every target healthy when the change was made.
	NotHealthy []string `json:"notHealthy,omitempty"`
	// Healthy counts the healthy targets of each target group given weight > 0.
	Healthy map[string]int `json:"healthy,omitempty"`
}

// TrafficLog returns every traffic change so far, oldest first.
func (e *Emulator) TrafficLog() []TrafficChange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]TrafficChange(nil), e.elbv2.traffic...)
}

// logTraffic records a change of forward actions (called with the lock held).
func (s *elbv2State) logTraffic(action, listenerArn, ruleArn string, actions []elbAction) {
	s.logTrafficAt(s.e.clock.Now(), action, listenerArn, ruleArn, actions)
}

// logTrafficAt records a change made at instant now, e.g. by ECS at a
// native deployment's step (which may be before the request that advanced
// the emulator to it).
func (s *elbv2State) logTrafficAt(now time.Time, action, listenerArn, ruleArn string, actions []elbAction) {
	c := TrafficChange{Time: now, Action: action, ListenerArn: listenerArn, RuleArn: ruleArn, Weights: map[string]int32{}, Healthy: map[string]int{}}
	for _, a := range actions {
		if a.ForwardConfig == nil {
			continue
		}
		for _, t := range a.ForwardConfig.TargetGroups {
			tg := s.tgs[t.TargetGroupArn]
			c.Weights[tg.TargetGroupName] += t.Weight
			if t.Weight == 0 {
				continue
			}
			h, _ := s.summary(t.TargetGroupArn, now)
			c.Healthy[tg.TargetGroupName] = h.Healthy
			if !h.OK() {
				c.NotHealthy = append(c.NotHealthy, tg.TargetGroupName)
			}
		}
	}
	sort.Strings(c.NotHealthy)
	s.traffic = append(s.traffic, c)
}
