package awsemu

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Listeners and listener rules: Create/Describe/Modify, DeleteRule.

func (s *elbv2State) registerListenerOps() {
	s.e.onQuery("elbv2", "CreateListener", s.createListener)
	s.e.onQuery("elbv2", "DescribeListeners", s.describeListeners)
	s.e.onQuery("elbv2", "ModifyListener", s.modifyListener)
	s.e.onQuery("elbv2", "CreateRule", s.createRule)
	s.e.onQuery("elbv2", "DescribeRules", s.describeRules)
	s.e.onQuery("elbv2", "ModifyRule", s.modifyRule)
	s.e.onQuery("elbv2", "DeleteRule", s.deleteRule)
}

func (s *elbv2State) createListener(form url.Values) (any, error) {
	lb := s.lbs[form.Get("LoadBalancerArn")]
	if lb == nil {
		return nil, clientError("LoadBalancerNotFound", "One or more load balancers not found: %q", form.Get("LoadBalancerArn"))
	}
	port, err := elbFormInt32(form, "Port", 0)
	if err != nil {
		return nil, err
	}
	if port < 1 || port > 65535 {
		return nil, elbValidation("Port %d must be between 1 and 65535", port)
	}
	protocol := elbOrDefault(form.Get("Protocol"), "HTTP")
	if protocol != "HTTP" && protocol != "HTTPS" {
		return nil, elbValidation("Protocol %q is not valid for an application load balancer (HTTP, HTTPS)", protocol)
	}
	actions, err := s.parseActions(form, "DefaultActions")
	if err != nil {
		return nil, err
	}
	for _, l := range s.listeners {
		if l.LoadBalancerArn == lb.LoadBalancerArn && l.Port == port {
			return nil, clientError("DuplicateListener", "A listener already exists on port %d of load balancer %q", port, lb.LoadBalancerName)
		}
	}
	l := &elbListener{
		ListenerArn:     s.arnPrefix() + "listener/" + lbPath(lb.LoadBalancerArn) + "/" + stableID(lb.LoadBalancerArn+"/"+itoa(int(port))),
		LoadBalancerArn: lb.LoadBalancerArn,
		Port:            port,
		Protocol:        protocol,
		DefaultActions:  actions,
	}
	s.listeners[l.ListenerArn] = l
	def := &elbRuleState{ListenerArn: l.ListenerArn}
	def.RuleArn = s.ruleArn(l.ListenerArn)
	def.Priority, def.IsDefault, def.Actions = "default", true, actions
	s.rules[def.RuleArn] = def
	s.logTraffic("CreateListener", l.ListenerArn, "", actions)
	return elbListenersResult{Listeners: []elbListener{*l}}, nil
}

// ruleArn is arn:…:listener-rule/app/<lb>/<lb-id>/<listener-id>/<rule-id>.
func (s *elbv2State) ruleArn(listenerArn string) string {
	_, rest, _ := strings.Cut(listenerArn, ":listener/")
	return s.arnPrefix() + "listener-rule/" + rest + "/" + newID(8)
}

func (s *elbv2State) describeListeners(form url.Values) (any, error) {
	arns, lbArn := queryList(form, "ListenerArns"), form.Get("LoadBalancerArn")
	var out []elbListener
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			l := s.listeners[a]
			if l == nil {
				return nil, clientError("ListenerNotFound", "One or more listeners not found: %q", a)
			}
			out = append(out, *l)
		}
	case lbArn != "":
		if s.lbs[lbArn] == nil {
			return nil, clientError("LoadBalancerNotFound", "One or more load balancers not found: %q", lbArn)
		}
		for _, l := range s.listeners {
			if l.LoadBalancerArn == lbArn {
				out = append(out, *l)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	default:
		return nil, elbValidation("You must specify either listener ARNs or a load balancer ARN")
	}
	return elbListenersResult{Listeners: out}, nil
}

func (s *elbv2State) modifyListener(form url.Values) (any, error) {
	l := s.listeners[form.Get("ListenerArn")]
	if l == nil {
		return nil, clientError("ListenerNotFound", "One or more listeners not found: %q", form.Get("ListenerArn"))
	}
	next := *l
	if form.Get("Port") != "" {
		port, err := elbFormInt32(form, "Port", l.Port)
		if err != nil {
			return nil, err
		}
		if port < 1 || port > 65535 {
			return nil, elbValidation("Port %d must be between 1 and 65535", port)
		}
		for _, o := range s.listeners {
			if o != l && o.LoadBalancerArn == l.LoadBalancerArn && o.Port == port {
				return nil, clientError("DuplicateListener", "A listener already exists on port %d", port)
			}
		}
		next.Port = port
	}
	if p := form.Get("Protocol"); p != "" {
		if p != "HTTP" && p != "HTTPS" {
			return nil, elbValidation("Protocol %q is not valid for an application load balancer (HTTP, HTTPS)", p)
		}
		next.Protocol = p
	}
	if elbCountMembers(form, "DefaultActions") > 0 {
		actions, err := s.parseActions(form, "DefaultActions")
		if err != nil {
			return nil, err
		}
		next.DefaultActions = actions
		for _, r := range s.rules {
			if r.ListenerArn == l.ListenerArn && r.IsDefault {
				r.Actions = actions
			}
		}
	}
	*l = next
	if elbCountMembers(form, "DefaultActions") > 0 {
		s.logTraffic("ModifyListener", l.ListenerArn, "", l.DefaultActions)
	}
	return elbListenersResult{Listeners: []elbListener{*l}}, nil
}

func (s *elbv2State) createRule(form url.Values) (any, error) {
	l := s.listeners[form.Get("ListenerArn")]
	if l == nil {
		return nil, clientError("ListenerNotFound", "One or more listeners not found: %q", form.Get("ListenerArn"))
	}
	prio, err := elbFormInt32(form, "Priority", 0)
	if err != nil {
		return nil, err
	}
	if prio < 1 || prio > 50000 {
		return nil, elbValidation("Priority %d must be between 1 and 50000", prio)
	}
	conds, err := elbParseConditions(form, "Conditions")
	if err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, elbValidation("Conditions: a rule needs at least one condition")
	}
	actions, err := s.parseActions(form, "Actions")
	if err != nil {
		return nil, err
	}
	for _, r := range s.rules {
		if r.ListenerArn == l.ListenerArn && !r.IsDefault && r.priority == int(prio) {
			return nil, clientError("PriorityInUse", "Priority '%d' is currently in use", prio)
		}
	}
	r := &elbRuleState{ListenerArn: l.ListenerArn, priority: int(prio)}
	r.RuleArn = s.ruleArn(l.ListenerArn)
	r.Priority = strconv.Itoa(int(prio))
	r.Conditions, r.Actions = conds, actions
	s.rules[r.RuleArn] = r
	s.logTraffic("CreateRule", l.ListenerArn, r.RuleArn, actions)
	return elbRulesResult{Rules: []elbRule{r.elbRule}}, nil
}

func (s *elbv2State) describeRules(form url.Values) (any, error) {
	arns, listenerArn := queryList(form, "RuleArns"), form.Get("ListenerArn")
	var out []elbRule
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			r := s.rules[a]
			if r == nil {
				return nil, clientError("RuleNotFound", "One or more rules not found: %q", a)
			}
			out = append(out, r.elbRule)
		}
	case listenerArn != "":
		if s.listeners[listenerArn] == nil {
			return nil, clientError("ListenerNotFound", "One or more listeners not found: %q", listenerArn)
		}
		for _, r := range s.sortedRules(listenerArn) {
			out = append(out, r.elbRule)
		}
	default:
		return nil, elbValidation("You must specify either listener ARN or rule ARNs")
	}
	return elbRulesResult{Rules: out}, nil
}

func (s *elbv2State) modifyRule(form url.Values) (any, error) {
	r := s.rules[form.Get("RuleArn")]
	if r == nil {
		return nil, clientError("RuleNotFound", "One or more rules not found: %q", form.Get("RuleArn"))
	}
	if r.IsDefault {
		return nil, clientError("OperationNotPermitted", "The default rule %q cannot be modified with ModifyRule: use ModifyListener", r.RuleArn)
	}
	next := r.elbRule
	if elbCountMembers(form, "Conditions") > 0 {
		conds, err := elbParseConditions(form, "Conditions")
		if err != nil {
			return nil, err
		}
		next.Conditions = conds
	}
	if elbCountMembers(form, "Actions") > 0 {
		actions, err := s.parseActions(form, "Actions")
		if err != nil {
			return nil, err
		}
		next.Actions = actions
	}
	r.elbRule = next
	if elbCountMembers(form, "Actions") > 0 {
		s.logTraffic("ModifyRule", r.ListenerArn, r.RuleArn, r.Actions)
	}
	return elbRulesResult{Rules: []elbRule{r.elbRule}}, nil
}

func (s *elbv2State) deleteRule(form url.Values) (any, error) {
	r := s.rules[form.Get("RuleArn")]
	if r == nil {
		return nil, clientError("RuleNotFound", "One or more rules not found: %q", form.Get("RuleArn"))
	}
	if r.IsDefault {
		return nil, clientError("OperationNotPermitted", "The default rule %q cannot be deleted", r.RuleArn)
	}
	delete(s.rules, r.RuleArn)
	return nil, nil
}
