package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	nameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`)
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	registryRE = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)
	ecsNameRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	arnRE      = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}):(.+)$`)
)

// Validate checks an environment (defaults already applied) and returns a
// *ValidationError listing every problem, or nil.
func (e *Environment) Validate() error {
	ps := e.problems()
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{File: e.File, Problems: ps}
}

// CheckName accepts an environment name (production, staging-2): lower-case
// letters, digits and dashes. The CLI checks --env with it before it builds
// the environment file's path from it.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("environment name %q: want lower-case letters, digits and dashes (e.g. production)", name)
	}
	return nil
}

type checker struct{ ps []Problem }

func (c *checker) add(field, format string, args ...any) {
	c.ps = append(c.ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (e *Environment) problems() []Problem {
	c := &checker{}
	if e.Name == "" {
		c.add("name", "missing (e.g. production)")
	} else if !nameRE.MatchString(e.Name) {
		c.add("name", "%q must be lower-case letters, digits and dashes", e.Name)
	}
	if e.Region == "" {
		c.add("region", "missing (e.g. us-east-1)")
	} else if !regionRE.MatchString(e.Region) {
		c.add("region", "%q is not an AWS region (e.g. us-east-1)", e.Region)
	}
	if e.AccountID == "" {
		c.add("accountId", "missing (12 digits, quote it)")
	} else if !accountRE.MatchString(e.AccountID) {
		c.add("accountId", "%q is not a 12-digit AWS account ID", e.AccountID)
	}
	if e.Registry != "" {
		if m := registryRE.FindStringSubmatch(e.Registry); m == nil {
			c.add("registry", "%q is not an ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com)", e.Registry)
		} else if regionRE.MatchString(e.Region) && m[2] != e.Region {
			c.add("registry", "registry region %q differs from region %q", m[2], e.Region)
		}
	}
	if !nameRE.MatchString(strings.TrimSuffix(e.RepositoryPrefix, "-")) && e.RepositoryPrefix != "" {
		c.add("repositoryPrefix", "%q must be lower-case letters, digits and dashes", e.RepositoryPrefix)
	}
	if !ecsNameRE.MatchString(e.Cluster) {
		c.add("cluster", "%q is not an ECS cluster name", e.Cluster)
	}
	switch e.Strategy {
	case StrategyRolling, StrategyBlueGreen, StrategyCanary, StrategyNativeBlueGreen, StrategyNativeLinear, StrategyNativeCanary:
	default:
		c.add("strategy", "%q is not one of rolling, bluegreen, canary, native-bluegreen, native-linear, native-canary", e.Strategy)
	}
	e.checkNative(c)
	e.checkServices(c)
	e.checkPortals(c)
	e.checkLoadBalancer(c)
	e.checkMigration(c)
	e.checkState(c)
	for i, u := range e.Health.URLs {
		checkURL(c, fmt.Sprintf("health.urls[%d]", i), u)
	}
	checkPositive(c, "timeouts.deploy", e.Timeouts.Deploy.Duration)
	checkPositive(c, "timeouts.migration", e.Timeouts.Migration.Duration)
	checkPositive(c, "timeouts.poll", e.Timeouts.Poll.Duration)
	if p := e.Timeouts.Poll.Duration; p > 0 && p < 200*time.Millisecond {
		c.add("timeouts.poll", "%s is too short: stay under about one describe call per second (use >= 200ms)", p)
	}
	e.checkTraffic(c)
	return c.ps
}

func (e *Environment) checkMigration(c *checker) {
	m := e.Migration
	if m.Disabled {
		return
	}
	if m.TaskDefinition == "" {
		c.add("migration.taskDefinition", "missing (e.g. bitflow-migration); set migration.disabled: true to deploy without migrations")
	} else if strings.HasPrefix(m.TaskDefinition, "arn:") {
		checkARN(c, "migration.taskDefinition", m.TaskDefinition, "ecs", "task-definition/", e)
	} else if fam, _, _ := strings.Cut(m.TaskDefinition, ":"); !ecsNameRE.MatchString(fam) {
		c.add("migration.taskDefinition", "%q is not a task definition family[:revision]", m.TaskDefinition)
	}
	if m.Container == "" {
		c.add("migration.container", "missing: the container that runs the command and gets the new backend image")
	}
	if len(m.Command) == 0 || m.Command[0] == "" {
		c.add("migration.command", "empty command")
	}
	if m.LogLines < 0 {
		c.add("migration.logLines", "%d must be >= 0", m.LogLines)
	}
}

func (e *Environment) checkTraffic(c *checker) {
	needBG := e.Strategy == StrategyBlueGreen || e.Strategy == StrategyCanary
	if e.BlueGreen == nil {
		if needBG {
			c.add("blueGreen", "missing: strategy %s needs the listener and the blue/green target groups", e.Strategy)
		}
	} else {
		bg := e.BlueGreen
		if bg.ListenerArn == "" {
			c.add("blueGreen.listenerArn", "missing")
		} else {
			checkARN(c, "blueGreen.listenerArn", bg.ListenerArn, "elasticloadbalancing", "listener/", e)
		}
		if bg.RuleArn != "" {
			checkARN(c, "blueGreen.ruleArn", bg.RuleArn, "elasticloadbalancing", "listener-rule/", e)
		}
		if bg.TestListenerArn != "" {
			checkARN(c, "blueGreen.testListenerArn", bg.TestListenerArn, "elasticloadbalancing", "listener/", e)
		}
		if bg.TestURL != "" {
			checkURL(c, "blueGreen.testUrl", bg.TestURL)
		}
		for _, col := range []struct {
			name string
			c    Colour
		}{{"blue", bg.Blue}, {"green", bg.Green}} {
			f := "blueGreen." + col.name
			if col.c.Service == "" {
				c.add(f+".service", "missing")
			} else if !ecsNameRE.MatchString(col.c.Service) {
				c.add(f+".service", "%q is not an ECS service name", col.c.Service)
			}
			if col.c.TargetGroupArn == "" {
				c.add(f+".targetGroupArn", "missing")
			} else {
				checkARN(c, f+".targetGroupArn", col.c.TargetGroupArn, "elasticloadbalancing", "targetgroup/", e)
			}
		}
		if bg.Blue.Service != "" && bg.Blue.Service == bg.Green.Service {
			c.add("blueGreen.green.service", "same service as blue (%q)", bg.Blue.Service)
		}
		if bg.Blue.TargetGroupArn != "" && bg.Blue.TargetGroupArn == bg.Green.TargetGroupArn {
			c.add("blueGreen.green.targetGroupArn", "same target group as blue")
		}
		if bg.Bake.Duration < 0 {
			c.add("blueGreen.bake", "%s must not be negative", bg.Bake.Duration)
		}
		if bg.ScaleDownTo != nil && *bg.ScaleDownTo < 0 {
			c.add("blueGreen.scaleDownTo", "%d must be >= 0", *bg.ScaleDownTo)
		}
		hc := bg.HealthCheck
		if !strings.HasPrefix(hc.Path, "/") {
			c.add("blueGreen.healthCheck.path", "%q must start with /", hc.Path)
		}
		if hc.Status < 100 || hc.Status > 599 {
			c.add("blueGreen.healthCheck.status", "%d is not an HTTP status", hc.Status)
		}
		if hc.Retries < 1 {
			c.add("blueGreen.healthCheck.retries", "%d must be >= 1", hc.Retries)
		}
		checkPositive(c, "blueGreen.healthCheck.interval", hc.Interval.Duration)
	}
	if e.Canary == nil {
		if e.Strategy == StrategyCanary {
			c.add("canary", "missing: strategy canary needs canary.steps")
		}
		return
	}
	steps := e.Canary.Steps
	if len(steps) == 0 {
		c.add("canary.steps", "missing (e.g. [10, 50, 100])")
	}
	for i, s := range steps {
		if s < 1 || s > 100 {
			c.add(fmt.Sprintf("canary.steps[%d]", i), "%d is not a percentage in 1..100", s)
		} else if i > 0 && s <= steps[i-1] {
			c.add(fmt.Sprintf("canary.steps[%d]", i), "%d must be greater than the previous step %d", s, steps[i-1])
		}
	}
	if len(steps) > 0 && steps[len(steps)-1] != 100 {
		c.add("canary.steps", "last step must be 100 (all traffic on the new version), got %d", steps[len(steps)-1])
	}
	if e.Canary.Bake.Duration < 0 {
		c.add("canary.bake", "%s must not be negative", e.Canary.Bake.Duration)
	}
}

func checkPositive(c *checker, field string, d time.Duration) {
	if d <= 0 {
		c.add(field, "%s must be positive", d)
	}
}

func checkURL(c *checker, field, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.add(field, "%q is not an absolute http(s) URL", raw)
	}
}

// checkARN validates an ARN's shape, service, resource type, and that its
// region and account match the environment's.
func checkARN(c *checker, field, arn, service, resourcePrefix string, e *Environment) {
	m := arnRE.FindStringSubmatch(arn)
	if m == nil {
		c.add(field, "%q is not an ARN (arn:aws:%s:<region>:<account>:%s...)", arn, service, resourcePrefix)
		return
	}
	if m[2] != service || !strings.HasPrefix(m[5], resourcePrefix) {
		c.add(field, "%q is not an %s %s ARN", arn, service, strings.TrimSuffix(resourcePrefix, "/"))
		return
	}
	if m[3] != e.Region && regionRE.MatchString(e.Region) {
		c.add(field, "ARN region %q differs from region %q", m[3], e.Region)
	}
	if m[4] != e.AccountID && accountRE.MatchString(e.AccountID) {
		c.add(field, "ARN account %q differs from accountId %q", m[4], e.AccountID)
	}
}
