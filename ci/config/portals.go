package config

import (
	"sort"
	"strings"
)

// AppPlaceholder is replaced by the app name in every Portals pattern.
const AppPlaceholder = "{app}"

// Portals derives one ECS service per frontend app of apps.json from one
// pattern: each portal gets its own service, task-definition family, single
// container (on the app's port), target group and listener rule. Every
// pattern may use {app}; Overrides replace single values for one app.
type Portals struct {
	// Service is the ECS service name (default bitflow-frontend-{app}).
	Service string `yaml:"service"`
	// Family is the task-definition family (default: the service name).
	Family string `yaml:"family"`
	// Container is the container name in the family (default {app}).
	Container string `yaml:"container"`
	// TargetGroup is the target group name ("" = not behind the load balancer).
	// AWS allows 32 characters: long app names need an override.
	TargetGroup string `yaml:"targetGroup"`
	// Rule is the listener rule pattern; its priority defaults to the app's
	// port (unique per app in apps.json).
	Rule *Rule `yaml:"rule"`
	// Overrides are per-app replacements, keyed by app name.
	Overrides map[string]PortalOverride `yaml:"overrides"`
}

// PortalOverride replaces the derived values that it sets for one app.
type PortalOverride struct {
	Service     string `yaml:"service"`
	Family      string `yaml:"family"`
	Container   string `yaml:"container"`
	TargetGroup string `yaml:"targetGroup"`
	Port        int    `yaml:"port"`
	Rule        *Rule  `yaml:"rule"`
}

// Default portal patterns.
const (
	DefaultPortalService   = "bitflow-frontend-{app}"
	DefaultPortalContainer = AppPlaceholder
)

// origin records which YAML field produced each value of a derived service,
// so problems point at the pattern or override a user can edit.
type origin struct {
	app    string
	fields map[string]string // service field (name, family, ...) -> YAML field
}

// field is the YAML field a problem with the derived value sub came from.
func (o *origin) field(sub string) string {
	if f, ok := o.fields[sub]; ok {
		return f
	}
	return "portals"
}

// Derived tells whether the service was derived from portals (not written
// under services).
func (s *Service) Derived() bool { return s.origin != nil }

// App is the app of a single-app service ("" when it runs several).
func (s *Service) App() string {
	if len(s.Containers) != 1 {
		return ""
	}
	return s.Containers[0].App
}

// TaskFamily is the service's task-definition family (Family, default Name).
func (s *Service) TaskFamily() string {
	if s.Family != "" {
		return s.Family
	}
	return s.Name
}

// PortContainer is the container attached to the target group: the first
// one with a port, nil if none has one.
func (s *Service) PortContainer() *Container {
	for i := range s.Containers {
		if s.Containers[i].Port != 0 {
			return &s.Containers[i]
		}
	}
	return nil
}

func (p *Portals) applyDefaults() {
	if p.Service == "" {
		p.Service = DefaultPortalService
	}
	if p.Family == "" {
		p.Family = p.Service
	}
	if p.Container == "" {
		p.Container = DefaultPortalContainer
	}
}

// derivePortals appends one service per app of apps.json (an app also
// written under services is then reported as deployed twice).
func (e *Environment) derivePortals() {
	p := e.Portals
	if p == nil {
		return
	}
	p.applyDefaults()
	for _, a := range e.Apps {
		ov := p.Overrides[a.Name]
		o := &origin{app: a.Name, fields: map[string]string{}}
		pick := func(sub, pattern, yamlKey, override string) string {
			if override != "" {
				o.fields[sub] = "portals.overrides." + a.Name + "." + yamlKey
				return override
			}
			o.fields[sub] = "portals." + yamlKey
			return strings.ReplaceAll(pattern, AppPlaceholder, a.Name)
		}
		s := Service{Role: RoleFrontend, origin: o}
		s.Name = pick("name", p.Service, "service", ov.Service)
		s.Family = pick("family", p.Family, "family", ov.Family)
		ctr := Container{App: a.Name, Port: a.Port}
		ctr.Name = pick("containers[0].name", p.Container, "container", ov.Container)
		if ov.Port != 0 {
			ctr.Port = ov.Port
			o.fields["containers[0].port"] = "portals.overrides." + a.Name + ".port"
		}
		s.Containers = []Container{ctr}
		if p.TargetGroup != "" || ov.TargetGroup != "" {
			s.TargetGroup = pick("targetGroup", p.TargetGroup, "targetGroup", ov.TargetGroup)
		}
		if p.Rule != nil || ov.Rule != nil {
			s.Rule = derivedRule(p.Rule, ov.Rule, a.Name, ctr.Port)
			o.fields["rule"] = "portals.rule"
			if ov.Rule != nil {
				o.fields["rule"] = "portals.overrides." + a.Name + ".rule"
			}
		}
		e.Services = append(e.Services, s)
	}
}

// derivedRule fills the pattern for app and lets the override replace what
// it sets; the priority defaults to the app's port.
func derivedRule(pattern, override *Rule, app string, port int) *Rule {
	r := &Rule{}
	if pattern != nil {
		*r = *pattern
	}
	if override != nil {
		if override.Host != "" || override.Path != "" {
			r.Host, r.Path = override.Host, override.Path
		}
		if override.Priority != 0 {
			r.Priority = override.Priority
		}
	}
	r.Host = strings.ReplaceAll(r.Host, AppPlaceholder, app)
	r.Path = strings.ReplaceAll(r.Path, AppPlaceholder, app)
	if r.Priority == 0 {
		r.Priority = port
	}
	return r
}

// overrideApps lists the override keys in order (for stable problems).
func (p *Portals) overrideApps() []string {
	var out []string
	for k := range p.Overrides {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MarshalYAML writes the environment as it was written: services derived
// from portals are left out (the portals block derives them again).
func (e Environment) MarshalYAML() (any, error) {
	type plain Environment
	cp := plain(e)
	cp.Services = nil
	for _, s := range e.Services {
		if !s.Derived() {
			cp.Services = append(cp.Services, s)
		}
	}
	return cp, nil
}
