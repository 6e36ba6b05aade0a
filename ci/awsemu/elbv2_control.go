package awsemu

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Emulator endpoints for ELBv2 (not AWS APIs):
//
//	GET  /_emulator/health/<target-group-name>     the app's health URL behind that target group:
//	     200 + JSON summary when it has >= 1 target and all are healthy, else 503
//	GET  /_emulator/alb/<lb-name>/<port>/<path>    a request through that listener: routed by its
//	     default action (weighted), answered like the chosen target group's health URL
//	POST /_emulator/elbv2/fault?targetGroup=<name>&kind=never-healthy|unhealthy-after|clear[&after=30s]
//	GET  /_emulator/elbv2/traffic                  the traffic log (TrafficLog) as JSON
func (s *elbv2State) registerControls() {
	s.e.onControl("health/", s.serveHealthURL)
	s.e.onControl("alb/", s.serveThroughListener)
	s.e.onControl("elbv2/fault", s.serveFault)
	s.e.onControl("elbv2/traffic", func(w http.ResponseWriter, r *http.Request) {
		writeControlJSON(w, http.StatusOK, s.e.TrafficLog())
	})
}

// healthResponse writes a target group's health as an app health endpoint would.
func (s *elbv2State) healthResponse(w http.ResponseWriter, tgName string) {
	h, ok := s.e.TargetHealthOf(tgName)
	if !ok {
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": "no target group named " + tgName})
		return
	}
	status := http.StatusOK
	if !h.OK() {
		status = http.StatusServiceUnavailable
	}
	writeControlJSON(w, status, h)
}

func (s *elbv2State) serveHealthURL(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/_emulator/health/")
	name, _, _ = strings.Cut(name, "/")
	s.healthResponse(w, name)
}

func (s *elbv2State) serveThroughListener(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/_emulator/alb/"), "/", 3)
	if len(parts) < 2 {
		http.Error(w, "want /_emulator/alb/<lb-name>/<port>/<path>", http.StatusBadRequest)
		return
	}
	path := "/"
	if len(parts) == 3 {
		path += parts[2]
	}
	tgName, code := s.routeListener(parts[0], parts[1], path)
	if tgName == "" {
		writeControlJSON(w, code, map[string]string{"error": "no listener on port " + parts[1] + " of " + parts[0]})
		return
	}
	w.Header().Set("X-Emulator-Target-Group", tgName)
	s.healthResponse(w, tgName)
}

// routeListener picks the target group a request to lbName:port/path goes
// to: the first rule (by priority) whose path-pattern conditions match,
// else the default action; weighted forwards pick by weight.
func (s *elbv2State) routeListener(lbName, port, path string) (string, int) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	for _, l := range s.listeners {
		if s.lbs[l.LoadBalancerArn].LoadBalancerName != lbName || itoa(int(l.Port)) != port {
			continue
		}
		for _, r := range s.sortedRules(l.ListenerArn) {
			if !r.IsDefault && !pathMatches(r.Conditions, path) {
				continue
			}
			for _, a := range r.Actions {
				if a.ForwardConfig == nil && a.TargetGroupArn != "" {
					return s.tgs[a.TargetGroupArn].TargetGroupName, http.StatusOK
				}
				if a.ForwardConfig == nil {
					continue
				}
				total := int32(0)
				for _, t := range a.ForwardConfig.TargetGroups {
					total += t.Weight
				}
				if total == 0 {
					return "", http.StatusServiceUnavailable
				}
				pick := rand.Int32N(total)
				for _, t := range a.ForwardConfig.TargetGroups {
					if pick < t.Weight {
						return s.tgs[t.TargetGroupArn].TargetGroupName, http.StatusOK
					}
					pick -= t.Weight
				}
			}
			return "", http.StatusServiceUnavailable
		}
		return "", http.StatusServiceUnavailable
	}
	return "", http.StatusNotFound
}

// pathMatches tells whether a rule's conditions route path: only
// path-pattern conditions are evaluated (* matches any run of characters);
// a rule with other conditions (host-header) never matches a path-only request.
func pathMatches(conds []elbCondition, path string) bool {
	matched := false
	for _, c := range conds {
		if c.Field != "path-pattern" {
			return false
		}
		vals := c.Values
		if c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) > 0 {
			vals = c.PathPatternConfig.Values
		}
		for _, v := range vals {
			if ok, _ := filepathMatch(v, path); ok {
				matched = true
			}
		}
	}
	return matched
}

// filepathMatch is ELB's path-pattern matching: * is any run of characters
// (including /), ? one character.
func filepathMatch(pattern, s string) (bool, error) {
	if pattern == "" {
		return s == "", nil
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if ok, _ := filepathMatch(pattern[1:], s[i:]); ok {
				return true, nil
			}
		}
		return false, nil
	case '?':
		return s != "" && mustMatch(pattern[1:], s[1:]), nil
	}
	return s != "" && s[0] == pattern[0] && mustMatch(pattern[1:], s[1:]), nil
}

func mustMatch(p, s string) bool { ok, _ := filepathMatch(p, s); return ok }

func (s *elbv2State) serveFault(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	tg := q.Get("targetGroup")
	if tg == "" {
		http.Error(w, "targetGroup is required", http.StatusBadRequest)
		return
	}
	switch q.Get("kind") {
	case "never-healthy":
		s.e.NeverHealthy(tg)
	case "unhealthy-after":
		d, err := time.ParseDuration(q.Get("after"))
		if err != nil || d <= 0 {
			http.Error(w, "after: want a positive duration such as 30s", http.StatusBadRequest)
			return
		}
		s.e.UnhealthyAfter(tg, d)
	case "clear":
		s.e.ClearHealthFaults(tg)
	default:
		http.Error(w, "kind: want never-healthy, unhealthy-after or clear", http.StatusBadRequest)
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"targetGroup": tg, "kind": q.Get("kind")})
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
