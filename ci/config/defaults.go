package config

import (
	"fmt"
	"time"
)

// Defaults follow the seed deployment guide's names and the timeouts.
const (
	DefaultCluster          = "bitflow-cluster"
	DefaultRepositoryPrefix = "bitflow-"
	DefaultDeployTimeout    = 30 * time.Minute
	DefaultMigrationTimeout = 15 * time.Minute
	DefaultPoll             = time.Second
	DefaultLogLines         = 50
	DefaultBake             = 10 * time.Minute
	DefaultCanaryBake       = 5 * time.Minute
	DefaultScaleDownTo      = int32(1)
	DefaultLoadBalancer     = "bitflow-alb"
	DefaultListenerPort     = 443
	DefaultExecutionRole    = "bitflow-ecs-task-execution-role"
	DefaultTaskRole         = "bitflow-ecs-task-role"
)

func (e *Environment) applyDefaults() {
	if e.Cluster == "" {
		e.Cluster = DefaultCluster
	}
	if e.RepositoryPrefix == "" {
		e.RepositoryPrefix = DefaultRepositoryPrefix
	}
	if e.Registry == "" && accountRE.MatchString(e.AccountID) && regionRE.MatchString(e.Region) {
		e.Registry = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", e.AccountID, e.Region)
	}
	if e.Roles.Execution == "" {
		e.Roles.Execution = DefaultExecutionRole
	}
	if e.Roles.Task == "" {
		e.Roles.Task = DefaultTaskRole
	}
	if lb := e.LoadBalancer; lb != nil {
		if lb.Name == "" {
			lb.Name = DefaultLoadBalancer
		}
		if lb.ListenerPort == 0 {
			lb.ListenerPort = DefaultListenerPort
		}
	}
	e.derivePortals()
	if e.Strategy == "" {
		e.Strategy = StrategyRolling
	}
	e.stateDefaults()
	e.nativeDefaults()
	if len(e.Migration.Command) == 0 {
		e.Migration.Command = append([]string(nil), DefaultMigrationCommand...)
	}
	if len(e.Migration.PretendCommand) == 0 {
		e.Migration.PretendCommand = append([]string(nil), DefaultPretendCommand...)
	}
	if e.Migration.LogLines == 0 {
		e.Migration.LogLines = DefaultLogLines
	}
	if e.Timeouts.Deploy.Duration == 0 {
		e.Timeouts.Deploy = D(DefaultDeployTimeout)
	}
	if e.Timeouts.Migration.Duration == 0 {
		e.Timeouts.Migration = D(DefaultMigrationTimeout)
	}
	if e.Timeouts.Poll.Duration == 0 {
		e.Timeouts.Poll = D(DefaultPoll)
	}
	if bg := e.BlueGreen; bg != nil {
		if bg.Bake.Duration == 0 {
			bg.Bake = D(DefaultBake)
		}
		if bg.ScaleDownTo == nil {
			v := DefaultScaleDownTo
			bg.ScaleDownTo = &v
		}
		hc := &bg.HealthCheck
		if hc.Path == "" {
			hc.Path = "/health"
		}
		if hc.Status == 0 {
			hc.Status = 200
		}
		if hc.Retries == 0 {
			hc.Retries = 10
		}
		if hc.Interval.Duration == 0 {
			hc.Interval = D(30 * time.Second)
		}
	}
	if c := e.Canary; c != nil && c.Bake.Duration == 0 {
		c.Bake = D(DefaultCanaryBake)
	}
}
