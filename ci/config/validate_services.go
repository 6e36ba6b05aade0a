package config

import (
	"fmt"
	"regexp"
	"strings"
)

// MaxContainersPerTask is ECS's hard quota of containers per task definition.
const MaxContainersPerTask = 10

var (
	// Target group and load balancer names: 1-32 letters, digits and
	// hyphens, not starting or ending with a hyphen (ELBv2 API reference).
	elbNameRE    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
	iamRoleRE    = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	hostHeaderRE = regexp.MustCompile(`^[A-Za-z0-9*?.-]{1,128}$`)
	pathRE       = regexp.MustCompile(`^/[A-Za-z0-9_\-.$/~"'@:+*?&]{0,127}$`)
	placeholder  = regexp.MustCompile(`\{[^}]*\}`)
)

// serviceField names the YAML field behind sub of the i-th service: the
// services entry, or the portals pattern / override it was derived from.
func serviceField(i int, s *Service, sub string) string {
	if s.origin != nil {
		return s.origin.field(sub)
	}
	return fmt.Sprintf("services[%d].%s", i, sub)
}

// what prefixes a problem of a derived service with its app (the checker
// merges the same problem of several apps into one).
func what(s *Service) string {
	if s.origin != nil {
		return fmt.Sprintf("app %q: ", s.origin.app)
	}
	return ""
}

var appPrefixRE = regexp.MustCompile(`^app "([^"]+)": `)

// mergeApps folds problems that differ only in their app prefix (a bad
// pattern fails for every portal) into one problem naming the apps.
func mergeApps(ps []Problem, all int) []Problem {
	type key struct{ field, msg string }
	apps := map[key][]string{}
	var order []key
	var out []Problem
	for _, p := range ps {
		m := appPrefixRE.FindStringSubmatch(p.Message)
		if m == nil {
			out = append(out, p)
			continue
		}
		k := key{p.Field, strings.TrimPrefix(p.Message, m[0])}
		if apps[k] == nil {
			order = append(order, k)
		}
		apps[k] = append(apps[k], m[1])
	}
	for _, k := range order {
		names := apps[k]
		switch {
		case len(names) == 1:
			out = append(out, Problem{Field: k.field, Message: fmt.Sprintf("app %q: %s", names[0], k.msg)})
		case len(names) == all:
			out = append(out, Problem{Field: k.field, Message: "every app: " + k.msg})
		default:
			out = append(out, Problem{Field: k.field, Message: fmt.Sprintf("apps %s: %s", strings.Join(names, ", "), k.msg)})
		}
	}
	return out
}

func (e *Environment) checkServices(parent *checker) {
	c := &checker{}
	defer func() { parent.ps = append(parent.ps, mergeApps(c.ps, len(e.Apps))...) }()
	if len(e.Apps) == 0 {
		c.add("", "no frontend apps given: the app list comes from %s", AppsFile)
	}
	if len(e.Services) == 0 {
		c.add("services", "missing: name the backend service (portals derives the frontend ones)")
		return
	}
	seen := map[string]map[string]string{"service": {}, "family": {}, "targetGroup": {}, "priority": {}}
	unique := func(kind, value, field, prefix string) {
		if value == "" {
			return
		}
		if prev, dup := seen[kind][value]; dup && prev != field {
			c.add(field, "%s%s %q is already used by %s", prefix, kind, value, prev)
			return
		}
		seen[kind][value] = field
	}
	seenApp := map[string]string{}
	backends := 0
	for i := range e.Services {
		s := &e.Services[i]
		f := func(sub string) string { return serviceField(i, s, sub) }
		w := what(s)
		if s.Name == "" {
			c.add(f("name"), "missing service name")
		} else if !ecsNameRE.MatchString(s.Name) {
			c.add(f("name"), "%s%q is not an ECS service name (1-255 letters, digits, - and _)", w, s.Name)
		} else {
			unique("service", s.Name, f("name"), w)
		}
		if fam := s.TaskFamily(); s.Family != "" && !ecsNameRE.MatchString(fam) {
			c.add(f("family"), "%s%q is not a task definition family (1-255 letters, digits, - and _)", w, fam)
		} else {
			unique("family", fam, f("family"), w)
		}
		switch s.Role {
		case RoleBackend:
			backends++
		case RoleFrontend:
		case "":
			c.add(f("role"), "missing (backend or frontend)")
		default:
			c.add(f("role"), "%q is not backend or frontend", s.Role)
		}
		if len(s.Containers) == 0 {
			c.add(f("containers"), "missing: list which container runs which app image")
		} else if n := len(s.Containers); n > MaxContainersPerTask {
			c.add(f("containers"), "%d containers: ECS allows at most %d per task definition; give each portal its own service (portals)", n, MaxContainersPerTask)
		}
		e.checkContainers(c, i, s, seenApp)
		if s.TargetGroup != "" && !elbNameRE.MatchString(s.TargetGroup) {
			c.add(f("targetGroup"), "%s%q is not a target group name (1-32 letters, digits and -, no - at either end; %d characters)", w, s.TargetGroup, len(s.TargetGroup))
		} else {
			unique("targetGroup", s.TargetGroup, f("targetGroup"), w)
		}
		if s.TargetGroup != "" && s.PortContainer() == nil {
			c.add(f("targetGroup"), "%starget group %q needs a container with a port", w, s.TargetGroup)
		}
		if s.Rule != nil {
			checkRule(c, f("rule"), w, s.Rule)
			if s.Rule.Priority >= 1 && s.Rule.Priority <= 50000 {
				unique("priority", fmt.Sprint(s.Rule.Priority), f("rule")+".priority", w)
			}
			if s.TargetGroup == "" {
				c.add(f("rule"), "%sa listener rule needs the service's targetGroup to forward to", w)
			}
			if e.LoadBalancer == nil {
				c.add(f("rule"), "%sa listener rule needs loadBalancer (name and listenerPort)", w)
			}
		}
	}
	if backends != 1 {
		c.add("services", "need exactly one service with role backend, found %d", backends)
	}
	if len(seenApp) > 0 {
		var missing []string
		for _, a := range e.AppNames() {
			if _, ok := seenApp[a]; !ok {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			c.add("services", "frontend apps not deployed by any service: %s (add portals to derive one service per app)", strings.Join(missing, ", "))
		}
	}
}

func (e *Environment) checkContainers(c *checker, i int, s *Service, seenApp map[string]string) {
	w := what(s)
	seenCtr := map[string]bool{}
	for j, ct := range s.Containers {
		cf := func(sub string) string { return serviceField(i, s, fmt.Sprintf("containers[%d].%s", j, sub)) }
		if ct.Name == "" {
			c.add(cf("name"), "missing container name")
		} else if !ecsNameRE.MatchString(ct.Name) {
			c.add(cf("name"), "%s%q is not a container name (1-255 letters, digits, - and _)", w, ct.Name)
		} else if seenCtr[ct.Name] {
			c.add(cf("name"), "container %q is listed twice in service %q", ct.Name, s.Name)
		}
		seenCtr[ct.Name] = true
		if ct.Port < 0 || ct.Port > 65535 {
			c.add(cf("port"), "%s%d is not a port", w, ct.Port)
		}
		switch {
		case ct.App == "":
			c.add(cf("app"), "missing app")
		case s.Role == RoleBackend && ct.App != BackendApp:
			c.add(cf("app"), "%q: a backend service's containers run app %q", ct.App, BackendApp)
		case s.Role == RoleFrontend && !e.IsApp(ct.App):
			c.add(cf("app"), "%q is not one of the %d apps of %s (%s)", ct.App, len(e.Apps), AppsFile, strings.Join(e.AppNames(), ", "))
		case s.Role == RoleFrontend:
			where := serviceField(i, s, fmt.Sprintf("containers[%d]", j))
			if s.origin != nil {
				where = fmt.Sprintf("portals (app %s)", ct.App)
			}
			if prev, dup := seenApp[ct.App]; dup {
				c.add(cf("app"), "app %q is already deployed by %s", ct.App, prev)
			} else {
				seenApp[ct.App] = where
			}
		}
	}
}

func checkRule(c *checker, field, w string, r *Rule) {
	if r.Host == "" && r.Path == "" {
		c.add(field, "%sneeds a host or a path condition", w)
	}
	if r.Host != "" && !hostHeaderRE.MatchString(r.Host) {
		c.add(field+".host", "%s%q is not a host-header value (letters, digits, - . * ?; up to 128)", w, r.Host)
	}
	if r.Path != "" && !pathRE.MatchString(r.Path) {
		c.add(field+".path", "%s%q is not a path-pattern value (starts with /, up to 128 characters)", w, r.Path)
	}
	if r.Priority < 1 || r.Priority > 50000 {
		c.add(field+".priority", "%s%d is not a listener rule priority (1..50000)", w, r.Priority)
	}
}

func (e *Environment) checkPortals(c *checker) {
	p := e.Portals
	if p == nil {
		return
	}
	patterns := []struct{ field, value string }{
		{"portals.service", p.Service}, {"portals.family", p.Family}, {"portals.container", p.Container},
		{"portals.targetGroup", p.TargetGroup},
	}
	if p.Rule != nil {
		patterns = append(patterns, struct{ field, value string }{"portals.rule.host", p.Rule.Host}, struct{ field, value string }{"portals.rule.path", p.Rule.Path})
		if p.Rule.Priority != 0 {
			c.add("portals.rule.priority", "one priority would be shared by every portal: leave it out (each portal gets its app's port) or set it per app under portals.overrides")
		}
	}
	for i, pt := range patterns {
		if i < 4 && pt.value != "" && len(e.Apps) > 1 && !strings.Contains(pt.value, AppPlaceholder) {
			c.add(pt.field, "%q has no %s: every portal would get the same name", pt.value, AppPlaceholder)
		}
		for _, ph := range placeholder.FindAllString(pt.value, -1) {
			if ph != AppPlaceholder {
				c.add(pt.field, "%q: unknown placeholder %s (only %s)", pt.value, ph, AppPlaceholder)
			}
		}
	}
	for _, app := range p.overrideApps() {
		if !e.IsApp(app) {
			c.add("portals.overrides."+app, "%q is not one of the apps of %s (%s)", app, AppsFile, strings.Join(e.AppNames(), ", "))
		}
	}
}

func (e *Environment) checkLoadBalancer(c *checker) {
	if lb := e.LoadBalancer; lb != nil {
		if !elbNameRE.MatchString(lb.Name) {
			c.add("loadBalancer.name", "%q is not a load balancer name (1-32 letters, digits and -)", lb.Name)
		}
		if lb.ListenerPort < 1 || lb.ListenerPort > 65535 {
			c.add("loadBalancer.listenerPort", "%d is not a port", lb.ListenerPort)
		}
	}
	if !iamRoleRE.MatchString(e.Roles.Execution) {
		c.add("roles.execution", "%q is not an IAM role name", e.Roles.Execution)
	}
	if !iamRoleRE.MatchString(e.Roles.Task) {
		c.add("roles.task", "%q is not an IAM role name", e.Roles.Task)
	}
}
