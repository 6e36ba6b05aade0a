package awsemu

import (
	"math"
	"time"
)

// The ELBv2 side of native deployments: ECS moves weighted traffic between
// the primary and alternate target groups of a listener rule (or of a
// listener's default action), through the role of advancedConfiguration.
// Every change is logged in the traffic log with action
// "ECS:<lifecycle stage>".

// forwardOf returns the forward action of a rule ARN, or of a listener's
// default action when ruleOrListener is a listener ARN.
func (s *elbv2State) forwardOf(ruleOrListener string) (*elbAction, string, string) {
	if r := s.rules[ruleOrListener]; r != nil {
		for i := range r.Actions {
			if r.Actions[i].Type == "forward" {
				return &r.Actions[i], r.ListenerArn, r.RuleArn
			}
		}
		return nil, r.ListenerArn, r.RuleArn
	}
	if l := s.listeners[ruleOrListener]; l != nil {
		for i := range l.DefaultActions {
			if l.DefaultActions[i].Type == "forward" {
				return &l.DefaultActions[i], l.ListenerArn, ""
			}
		}
		return nil, l.ListenerArn, ""
	}
	return nil, "", ""
}

// checkShiftable refuses a production or test listener rule that does not
// exist or does not forward to both target groups (ECS moves weights
// between them and needs both in the rule).
func (s *elbv2State) checkShiftable(ruleOrListener, primary, alternate string) error {
	if s.rules[ruleOrListener] == nil && s.listeners[ruleOrListener] == nil {
		return invalidParameter("The listener rule %s does not exist.", ruleOrListener)
	}
	fwd, _, _ := s.forwardOf(ruleOrListener)
	if fwd == nil || !actionsUse([]elbAction{*fwd}, primary) || !actionsUse([]elbAction{*fwd}, alternate) {
		return invalidParameter("The listener rule %s must forward to both the primary target group %s and the alternate target group %s.", ruleOrListener, primary, alternate)
	}
	return nil
}

// shiftWeights sets the forward weights of a rule: percent of the traffic
// to target group to (the green revision's), the rest to from. Weights are
// whole percents (ELB weights are integers of 0..999); a share above 0
// keeps at least weight 1. at is when ECS made the change.
func (s *elbv2State) shiftWeights(ruleOrListener, from, to string, percent float64, why string, at time.Time) {
	fwd, listener, rule := s.forwardOf(ruleOrListener)
	if fwd == nil {
		return
	}
	w := int32(math.Round(percent))
	if percent > 0 && w == 0 {
		w = 1
	}
	if percent < 100 && w == 100 {
		w = 99
	}
	if fwd.ForwardConfig == nil {
		fwd.ForwardConfig = &elbForwardConfig{}
	}
	fwd.TargetGroupArn = ""
	fwd.ForwardConfig.TargetGroups = []elbTargetGroupTuple{{TargetGroupArn: from, Weight: 100 - w}, {TargetGroupArn: to, Weight: w}}
	if rule == "" {
		if l := s.listeners[listener]; l != nil {
			for _, r := range s.rules {
				if r.ListenerArn == listener && r.IsDefault {
					r.Actions = l.DefaultActions
				}
			}
		}
	}
	s.logTrafficAt(at, why, listener, rule, []elbAction{*fwd})
}
