package config

import (
	"math"
	"time"
)

// WorstCase is the longest a deploy of this environment can run when every
// wait uses its whole timeout: the migration, then per strategy the
// rollouts, health gates and bakes (plus lockWait spent waiting for the
// environment lock). A deploy whose credentials expire sooner is refused
// before it starts (deploy.checkCredentials), and the workflows request a
// session at least this long.
func (e *Environment) WorstCase(lockWait time.Duration) time.Duration {
	d := lockWait + e.Timeouts.Deploy.Duration // the rollout (rolling), the idle colour or ECS's deployment (native)
	if !e.Migration.Disabled {
		d += e.Timeouts.Migration.Duration
		if e.Migration.Guard { // the pretend task is bounded by the same timeout
			d += e.Timeouts.Migration.Duration
		}
	}
	healthURLs := time.Duration(5) * 2 * time.Second // rolling: 5 tries, 2 s apart (plus 10 s per try)
	switch e.Strategy {
	case StrategyRolling:
		d += healthURLs + 5*10*time.Second
	case StrategyBlueGreen, StrategyCanary:
		bg := e.BlueGreen
		if bg == nil {
			return d
		}
		d += e.Timeouts.Deploy.Duration // the other services after the switch
		d += time.Duration(max(bg.HealthCheck.Retries, 1)) * bg.HealthCheck.Interval.Duration
		if e.Strategy == StrategyCanary && e.Canary != nil {
			d += time.Duration(len(e.Canary.Steps)) * e.Canary.Bake.Duration
		} else {
			d += bg.Bake.Duration
		}
	default: // native strategies: ECS shifts traffic in steps, then bakes
		n := e.Native
		if n == nil {
			return d
		}
		d += n.Bake.Duration
		switch e.Strategy {
		case StrategyNativeLinear:
			if n.Linear.StepPercent > 0 {
				d += time.Duration(math.Ceil(100/n.Linear.StepPercent)) * n.Linear.StepBake.Duration
			}
		case StrategyNativeCanary:
			d += n.Canary.Bake.Duration
		}
	}
	return d
}
