package config

import (
	"strings"
	"time"
)

// Native strategies: ECS itself runs the deployment (deploymentConfiguration
// strategy BLUE_GREEN, LINEAR or CANARY) with the new revision in the
// alternate target group, and the toolkit gates it through PAUSE lifecycle
// hooks whose timeout rolls back, so a runner that dies leaves ECS to roll
// back by itself.
const (
	StrategyNativeBlueGreen = "native-bluegreen"
	StrategyNativeLinear    = "native-linear"
	StrategyNativeCanary    = "native-canary"
)

// IsNative tells the native strategy names.
func IsNative(strategy string) bool {
	switch strategy {
	case StrategyNativeBlueGreen, StrategyNativeLinear, StrategyNativeCanary:
		return true
	}
	return false
}

// Native defaults.
const (
	DefaultNativeHookTimeout = 30 * time.Minute
	DefaultNativeWindow      = 5 * time.Minute
	DefaultNativeMax5xxRate  = 1.0 // percent
	DefaultNativeMaxP95      = 2 * time.Second
	DefaultNativeProdPort    = 443
	DefaultNativeTestPort    = 8443
	DefaultNativePoll        = 5 * time.Second
	DefaultNativeAlternate   = "{targetGroup}-2"
	DefaultNativeRole        = "bitflow-ecs-infrastructure-role"
)

// Native configures the native strategies for every service of the
// environment; Services overrides per service. Names may use {service}
// (the ECS service name) and {targetGroup} (the name of the service's
// primary target group).
type Native struct {
	// AlternateTargetGroup is the second target group (name or ARN) that a
	// new revision scales up in, e.g. "{targetGroup}-alt".
	AlternateTargetGroup string `yaml:"alternateTargetGroup"`
	// ProductionListenerRule and TestListenerRule are rule ARNs; empty means
	// the rule of the listener on ProductionListenerPort / TestListenerPort
	// of the service's load balancer that forwards to both target groups.
	ProductionListenerRule string `yaml:"productionListenerRule"`
	TestListenerRule       string `yaml:"testListenerRule"`
	ProductionListenerPort int    `yaml:"productionListenerPort"` // default 443
	TestListenerPort       int    `yaml:"testListenerPort"`       // default 8443; 0 with testListenerRule "none": no test traffic
	// InfrastructureRole is the IAM role (name or ARN) ECS uses to move
	// traffic on the listener rules (advancedConfiguration.roleArn).
	InfrastructureRole string `yaml:"infrastructureRole"`
	// Bake is BAKE_TIME: both revisions run after production traffic moved (whole minutes).
	Bake Duration `yaml:"bake"`
	// Linear is the step of native-linear; Canary the canary of native-canary.
	Linear NativeLinear `yaml:"linear"`
	Canary NativeCanary `yaml:"canary"`
	// Alarms are CloudWatch alarms that make ECS roll back when they fire.
	Alarms NativeAlarms `yaml:"alarms"`
	// Gates are the toolkit's checks at each PAUSE hook.
	Gates NativeGates `yaml:"gates"`
	// Poll is the interval between DescribeServiceDeployments of one
	// service deployment (default 5s: a pause waits for the toolkit, so a
	// slower poll only delays the gate a little, and 15 services stay well
	// under ECS's request rate).
	Poll Duration `yaml:"poll"`
	// Services overrides the above per ECS service name.
	Services map[string]NativeOverride `yaml:"services"`
}

// NativeLinear is linearConfiguration: stepPercent (3..100, multiples of
// 0.1) every stepBake (whole minutes).
type NativeLinear struct {
	StepPercent float64  `yaml:"stepPercent"`
	StepBake    Duration `yaml:"stepBake"`
}

// NativeCanary is canaryConfiguration: percent (0.1..100) for bake, then the rest.
type NativeCanary struct {
	Percent float64  `yaml:"percent"`
	Bake    Duration `yaml:"bake"`
}

// NativeAlarms are deploymentConfiguration.alarms (enabled when names are given).
type NativeAlarms struct {
	Names    []string `yaml:"names"`
	Rollback *bool    `yaml:"rollback"` // default true
}

// NativeGates are the checks run at every pause: HTTP health through the
// test listener, target health of the new revision, and the target group's
// CloudWatch metrics over the step's window.
type NativeGates struct {
	// HookTimeout is the PAUSE hooks' timeout (whole minutes, 1m..336h);
	// when it passes with no answer ECS rolls back.
	HookTimeout Duration `yaml:"hookTimeout"`
	// TestURL is the base URL of the test listener; {service} and {host}
	// (the host of the service's rule) are replaced; "" skips the HTTP check.
	TestURL string `yaml:"testUrl"`
	// HealthCheck is the HTTP check against TestURL (the backend's path).
	HealthCheck HealthCheck `yaml:"healthCheck"`
	// PortalHealthPath replaces HealthCheck.Path for frontend services (default /api/health).
	PortalHealthPath string `yaml:"portalHealthPath"`
	// Window bounds the metrics window (default 5m): the time since the previous gate, at most this.
	Window Duration `yaml:"window"`
	// Max5xxRate is the highest HTTPCode_Target_5XX_Count / RequestCount, in percent (default 1).
	Max5xxRate float64 `yaml:"max5xxRate"`
	// MaxP95 is the highest p95 TargetResponseTime (default 2s).
	MaxP95 Duration `yaml:"maxP95"`
	// Metrics false skips the CloudWatch check (default true).
	Metrics *bool `yaml:"metrics"`
}

// NativeOverride replaces, for one service, the fields it sets.
type NativeOverride struct {
	Strategy               string   `yaml:"strategy"`
	AlternateTargetGroup   string   `yaml:"alternateTargetGroup"`
	ProductionListenerRule string   `yaml:"productionListenerRule"`
	TestListenerRule       string   `yaml:"testListenerRule"`
	TestURL                string   `yaml:"testUrl"`
	Alarms                 []string `yaml:"alarms"`
}

// NativeService is the resolved native configuration of one service.
type NativeService struct {
	Service  string
	Strategy string // one of the native strategies
	Native          // with the service's overrides applied (Services is nil)
}

// NativeFor resolves the native configuration of a service (ok is false
// when the environment has no native section). Strategy is the
// environment's, or the service's override.
func (e *Environment) NativeFor(service string) (NativeService, bool) {
	if e.Native == nil {
		return NativeService{}, false
	}
	ns := NativeService{Service: service, Strategy: e.Strategy, Native: *e.Native}
	ns.Services = nil
	o := e.Native.Services[service]
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&ns.Strategy, o.Strategy)
	set(&ns.AlternateTargetGroup, o.AlternateTargetGroup)
	set(&ns.ProductionListenerRule, o.ProductionListenerRule)
	set(&ns.TestListenerRule, o.TestListenerRule)
	set(&ns.Gates.TestURL, o.TestURL)
	if o.Alarms != nil {
		ns.Alarms.Names = o.Alarms
	}
	host := ""
	for _, s := range e.Services {
		if s.Name == service {
			if s.Rule != nil {
				host = s.Rule.Host
			}
			if s.Role == RoleFrontend && ns.Gates.PortalHealthPath != "" {
				ns.Gates.HealthCheck.Path = ns.Gates.PortalHealthPath
			}
		}
	}
	ns.Gates.TestURL = strings.NewReplacer("{service}", service, "{host}", host).Replace(ns.Gates.TestURL)
	r := strings.NewReplacer("{service}", service)
	for i, n := range ns.Alarms.Names {
		if i == 0 {
			ns.Alarms.Names = append([]string(nil), ns.Alarms.Names...)
		}
		ns.Alarms.Names[i] = r.Replace(n)
	}
	ns.AlternateTargetGroup = r.Replace(ns.AlternateTargetGroup)
	return ns, true
}

// PollInterval is Poll, or its default when unset.
func (n Native) PollInterval() time.Duration {
	if n.Poll.Duration == 0 {
		return DefaultNativePoll
	}
	return n.Poll.Duration
}

// AlternateFor is the alternate target group's name (or ARN) for a
// service whose primary target group is named targetGroup.
func (n NativeService) AlternateFor(targetGroup string) string {
	return strings.ReplaceAll(n.AlternateTargetGroup, "{targetGroup}", targetGroup)
}

// AlarmRollback is whether a firing alarm rolls back (default true).
func (n Native) AlarmRollback() bool { return n.Alarms.Rollback == nil || *n.Alarms.Rollback }

// MetricsGate is whether the CloudWatch gate runs (default true).
func (n Native) MetricsGate() bool { return n.Gates.Metrics == nil || *n.Gates.Metrics }

func (e *Environment) nativeDefaults() {
	n := e.Native
	if n == nil {
		return
	}
	if n.ProductionListenerPort == 0 {
		n.ProductionListenerPort = DefaultNativeProdPort
		if e.LoadBalancer != nil && e.LoadBalancer.ListenerPort != 0 {
			n.ProductionListenerPort = e.LoadBalancer.ListenerPort
		}
	}
	if n.AlternateTargetGroup == "" {
		n.AlternateTargetGroup = DefaultNativeAlternate
	}
	if n.InfrastructureRole == "" {
		n.InfrastructureRole = DefaultNativeRole
	}
	if n.TestListenerPort == 0 {
		n.TestListenerPort = DefaultNativeTestPort
	}
	if n.Poll.Duration == 0 {
		n.Poll = D(DefaultNativePoll)
	}
	g := &n.Gates
	if g.HookTimeout.Duration == 0 {
		g.HookTimeout = D(DefaultNativeHookTimeout)
	}
	if g.Window.Duration == 0 {
		g.Window = D(DefaultNativeWindow)
	}
	if g.Max5xxRate == 0 {
		g.Max5xxRate = DefaultNativeMax5xxRate
	}
	if g.MaxP95.Duration == 0 {
		g.MaxP95 = D(DefaultNativeMaxP95)
	}
	hc := &g.HealthCheck
	if hc.Path == "" {
		hc.Path = "/health"
	}
	if g.PortalHealthPath == "" {
		g.PortalHealthPath = "/api/health"
	}
	if hc.Status == 0 {
		hc.Status = 200
	}
	if hc.Retries == 0 {
		hc.Retries = 5
	}
	if hc.Interval.Duration == 0 {
		hc.Interval = D(5 * time.Second)
	}
}

// checkNative validates the native block when a native strategy is used.
func (e *Environment) checkNative(c *checker) {
	if !IsNative(e.Strategy) {
		return
	}
	n := e.Native
	if n == nil {
		c.add("native", "missing: strategy %s needs the native block (alternate target group, infrastructure role, gates)", e.Strategy)
		return
	}
	if n.AlternateTargetGroup == "" {
		c.add("native.alternateTargetGroup", "missing: the second target group ECS scales the new revision up in")
	}
	for _, s := range e.Services {
		ns, _ := e.NativeFor(s.Name)
		if alt := ns.AlternateFor(s.TargetGroup); s.TargetGroup != "" && len(alt) > 32 {
			c.add("native.alternateTargetGroup", "%s: alternate target group %q is longer than AWS's 32 characters (override it in native.services)", s.Name, alt)
		}
	}
	if n.InfrastructureRole == "" {
		c.add("native.infrastructureRole", "missing: the IAM role ECS uses to modify the listener rules")
	}
	wholeMinutes(c, "native.bake", n.Bake, 0, 1440)
	wholeMinutes(c, "native.linear.stepBake", n.Linear.StepBake, 0, 1440)
	wholeMinutes(c, "native.canary.bake", n.Canary.Bake, 0, 1440)
	wholeMinutes(c, "native.gates.hookTimeout", n.Gates.HookTimeout, 1, 20160)
	if p := n.Linear.StepPercent; p != 0 && !tenthPercent(p, 3) {
		c.add("native.linear.stepPercent", "%v must be a multiple of 0.1 from 3 to 100", p)
	}
	if p := n.Canary.Percent; p != 0 && !tenthPercent(p, 0.1) {
		c.add("native.canary.percent", "%v must be a multiple of 0.1 from 0.1 to 100", p)
	}
	if n.Poll.Duration != 0 && n.Poll.Duration < time.Second {
		c.add("native.poll", "%s is too short: at least 1s (each poll is one DescribeServiceDeployments per service)", n.Poll.Duration)
	}
	if n.Gates.Max5xxRate < 0 || n.Gates.Max5xxRate > 100 {
		c.add("native.gates.max5xxRate", "%v must be a percentage (0..100)", n.Gates.Max5xxRate)
	}
	if n.Gates.TestURL != "" {
		checkURL(c, "native.gates.testUrl", strings.NewReplacer("{service}", "x", "{host}", "x.example").Replace(n.Gates.TestURL))
	}
	for name, o := range n.Services {
		if o.Strategy != "" && !IsNative(o.Strategy) {
			c.add("native.services."+name+".strategy", "%q is not one of %s, %s, %s", o.Strategy, StrategyNativeBlueGreen, StrategyNativeLinear, StrategyNativeCanary)
		}
		found := false
		for _, s := range e.Services {
			found = found || s.Name == name
		}
		if !found {
			c.add("native.services."+name, "no service %s in services", name)
		}
	}
}

func wholeMinutes(c *checker, field string, d Duration, lo, hi int) {
	if d.Duration%time.Minute != 0 {
		c.add(field, "%s is not whole minutes (ECS counts in minutes)", d.Duration)
		return
	}
	if m := int(d.Duration / time.Minute); m < lo || m > hi {
		c.add(field, "%s must be between %dm and %dm", d.Duration, lo, hi)
	}
}

func tenthPercent(p, lo float64) bool {
	t := p * 10
	return p >= lo-1e-9 && p <= 100 && t-float64(int64(t+0.5)) < 1e-6 && float64(int64(t+0.5))-t < 1e-6
}

// Minutes is d in whole minutes, for ECS's *InMinutes fields.
func Minutes(d Duration) int32 { return int32(d.Duration / time.Minute) }
