package awsemu

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// elbv2State is the emulated Elastic Load Balancing v2 account: application
// load balancers, target groups, listeners with their rules, manually
// registered targets, health faults and a log of traffic changes. Target
// health of a target group also follows the ECS tasks registered with it
// (ecsState.targetsFor). Every method runs with the emulator lock held.
type elbv2State struct {
	e         *Emulator
	lbs       map[string]*elbLoadBalancer // by ARN
	tgs       map[string]*elbTargetGroup  // by ARN
	listeners map[string]*elbListener     // by ARN
	rules     map[string]*elbRuleState    // by ARN (default rules included)
	manual    map[string]map[string]*manualTarget
	draining  map[string]map[string]drainingTarget // tg ARN -> target key -> draining since
	seen      map[string]map[string]lbTarget       // tg ARN -> target key -> last seen ECS target
	faults    map[string]healthFault               // by target group name
	traffic   []TrafficChange
}

// elbRuleState is one listener rule with its listener and numeric priority.
type elbRuleState struct {
	elbRule
	ListenerArn string
	priority    int // 0 for the default rule (sorted last)
}

// manualTarget is a target registered with RegisterTargets.
type manualTarget struct {
	ID           string
	Port         int32
	RegisteredAt time.Time
}

// drainingTarget is a target being deregistered.
type drainingTarget struct {
	ID    string
	Port  int32
	Since time.Time
}

// healthFault is an injected health-check failure for one target group.
type healthFault struct {
	never bool          // targets never pass health checks
	after time.Duration // healthy targets fail this long after max(healthy, setAt)
	setAt time.Time
}

func newELBv2(e *Emulator) *elbv2State {
	s := &elbv2State{
		e:         e,
		lbs:       map[string]*elbLoadBalancer{},
		tgs:       map[string]*elbTargetGroup{},
		listeners: map[string]*elbListener{},
		rules:     map[string]*elbRuleState{},
		manual:    map[string]map[string]*manualTarget{},
		draining:  map[string]map[string]drainingTarget{},
		seen:      map[string]map[string]lbTarget{},
		faults:    map[string]healthFault{},
	}
	s.registerLoadBalancerOps()
	s.registerListenerOps()
	s.registerHealthOps()
	s.registerControls()
	e.onAdvance(s.trackDraining)
	return s
}

// targetGroupExists tells ECS whether a target group ARN named in a
// service's loadBalancers exists (CreateService validates it).
func (s *elbv2State) targetGroupExists(arn string) bool { return s.tgs[arn] != nil }

// arnPrefix is arn:aws:elasticloadbalancing:<region>:<account>:
func (s *elbv2State) arnPrefix() string {
	return "arn:aws:elasticloadbalancing:" + s.e.region + ":" + s.e.account + ":"
}

// stableID is the 16-hex-digit id of an ARN, derived from what names the
// resource (kind and name, or load balancer and port), so that a seeded
// topology has the same ARNs in every run and config files can name them.
func stableID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// lbPath is "app/<name>/<id>" of a load balancer ARN.
func lbPath(lbArn string) string {
	_, after, _ := strings.Cut(lbArn, ":loadbalancer/")
	return after
}

// tgNameFromArn returns the name part of a target group ARN, or the input
// unchanged when it is not an ARN.
func tgNameFromArn(s string) string {
	if _, after, ok := strings.Cut(s, ":targetgroup/"); ok {
		name, _, _ := strings.Cut(after, "/")
		return name
	}
	return s
}

// tgByName finds a target group by name (or ARN).
func (s *elbv2State) tgByName(nameOrArn string) *elbTargetGroup {
	if tg := s.tgs[nameOrArn]; tg != nil {
		return tg
	}
	for _, tg := range s.tgs {
		if tg.TargetGroupName == nameOrArn {
			return tg
		}
	}
	return nil
}

// lbArnsForTG lists the load balancers whose listeners or rules forward to tg.
func (s *elbv2State) lbArnsForTG(tgArn string) []string {
	set := map[string]bool{}
	for _, l := range s.listeners {
		if actionsUse(l.DefaultActions, tgArn) {
			set[l.LoadBalancerArn] = true
		}
	}
	for _, r := range s.rules {
		if actionsUse(r.Actions, tgArn) {
			set[s.listeners[r.ListenerArn].LoadBalancerArn] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// actionsUse tells whether any forward action names tgArn (any weight).
func actionsUse(actions []elbAction, tgArn string) bool {
	for _, a := range actions {
		if a.TargetGroupArn == tgArn {
			return true
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if t.TargetGroupArn == tgArn {
					return true
				}
			}
		}
	}
	return false
}

// tgDescription returns a copy of tg with LoadBalancerArns filled in.
func (s *elbv2State) tgDescription(tg *elbTargetGroup) elbTargetGroup {
	out := *tg
	out.LoadBalancerArns = s.lbArnsForTG(tg.TargetGroupArn)
	return out
}

// sortedRules returns a listener's rules by priority, the default rule last.
func (s *elbv2State) sortedRules(listenerArn string) []*elbRuleState {
	var out []*elbRuleState
	for _, r := range s.rules {
		if r.ListenerArn == listenerArn {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IsDefault != out[j].IsDefault {
			return !out[i].IsDefault
		}
		return out[i].priority < out[j].priority
	})
	return out
}
