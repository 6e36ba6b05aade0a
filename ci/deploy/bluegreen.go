package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// Stage names of the blue/green and canary strategies.
const (
	StageDeployIdle    = "deploy-idle"    // UpdateService on the idle colour with the new task definition
	StageWaitIdle      = "wait-idle"      // until the idle colour is stable
	StageHealthGate    = "health-gate"    // target health + HTTP checks of the idle colour, before any traffic
	StageSwitch        = "switch"         // blue/green: all traffic to the new colour
	StageBake          = "bake"           // blue/green: watch the new colour for blueGreen.bake
	StageSwitchBack    = "switch-back"    // after a failure: all traffic back to the old colour
	StageDeployOthers  = "deploy-others"  // rolling update of the non-colour services (frontends)
	StageWaitOthers    = "wait-others"    // until they are stable
	StageScaleDownOld  = "scale-down-old" // old colour to blueGreen.scaleDownTo
	canaryShiftPrefix  = "shift-"         // canary: shift-<percent>
	canaryBakePrefix   = "bake-"          // canary: bake-<percent>
	defaultGatePoll    = 2 * time.Second  // target health poll during the gate
	switchBackTimeout  = 2 * time.Minute  // switching back runs on a fresh context
	defaultMinHealthy  = int32(1)         // when the live colour runs no task
	defaultProbeTiming = 5 * time.Second  // HTTP probe timeout
)

// Colours is the blue/green strategy and, with canary steps, the canary /
// linear strategy: the new release goes to the idle colour's ECS service,
// is gated on ELBv2 target health and HTTP checks, then receives traffic
// (all at once, or in weighted steps), is baked, and on any failure traffic
// goes back to the old colour automatically.
type Colours struct {
	name   string
	env    *config.Environment
	steps  []int         // canary percentages; nil for blue/green
	bake   time.Duration // bake after the switch (blue/green) or after each step (canary)
	router *traffic.Router
	live   traffic.Colour
	idle   traffic.Colour
}

func newColours(env *config.Environment, name string) (*Colours, error) {
	if env == nil || env.BlueGreen == nil {
		return nil, fmt.Errorf("strategy %s needs a blueGreen section in the environment config", name)
	}
	s := &Colours{name: name, env: env, bake: env.BlueGreen.Bake.Duration}
	if name == config.StrategyCanary {
		if env.Canary == nil || len(env.Canary.Steps) == 0 {
			return nil, fmt.Errorf("strategy canary needs canary.steps in the environment config")
		}
		s.steps = append([]int(nil), env.Canary.Steps...)
		s.bake = env.Canary.Bake.Duration
	}
	return s, nil
}

// Name is "bluegreen" or "canary".
func (s *Colours) Name() string { return s.name }

// newRouter builds the production router of an environment's blueGreen section.
func newRouter(api traffic.ELBAPI, bg *config.BlueGreen) *traffic.Router {
	return &traffic.Router{ELB: api, ListenerArn: bg.ListenerArn, RuleArn: bg.RuleArn,
		Blue:  traffic.Colour{Name: "blue", Service: bg.Blue.Service, TargetGroupArn: bg.Blue.TargetGroupArn},
		Green: traffic.Colour{Name: "green", Service: bg.Green.Service, TargetGroupArn: bg.Green.TargetGroupArn},
	}
}

// Prepare reads the live colour from the listener (never guessed) and
// points the backend target at the idle colour, rendered from the live
// colour's task definition. It only reads.
func (s *Colours) Prepare(ctx context.Context, run *Run) error {
	s.router = newRouter(run.elb, run.Env.BlueGreen)
	if err := s.router.Validate(); err != nil {
		return err
	}
	live, st, err := s.router.Live(ctx)
	if err != nil {
		return err
	}
	s.live, s.idle = live, s.router.Other(live)
	if err := s.checkResources(ctx, run); err != nil {
		return err
	}
	var backend *Target
	for _, t := range run.Targets {
		if t.Role == config.RoleBackend {
			backend = t
		}
	}
	if backend == nil {
		return fmt.Errorf("%s: no service with role backend in %s", s.name, run.Env.File)
	}
	backend.Service, backend.Source = s.idle.Service, s.live.Service
	run.mu.Lock()
	run.Manifest.Traffic = &manifest.Traffic{ListenerArn: s.router.ListenerArn, RuleArn: s.router.RuleArn,
		LiveColourBefore: live.Name, WeightsBefore: st.WeightsByArn()}
	run.mu.Unlock()
	run.Printf("    live colour (from %s): %s (%s); the release goes to %s (%s)", listenerWhat(s.router), live.Name, st, s.idle.Name, s.idle.Service)
	return nil
}

// checkResources reads the test listener and both target groups, so that a
// wrong ARN in the config fails here, before anything is changed.
func (s *Colours) checkResources(ctx context.Context, run *Run) error {
	bg := run.Env.BlueGreen
	for _, c := range []traffic.Colour{s.router.Blue, s.router.Green} {
		if _, err := traffic.Targets(ctx, run.elb, c.TargetGroupArn); err != nil {
			return fmt.Errorf("blueGreen.%s.targetGroupArn in %s: %w", c.Name, run.Env.File, err)
		}
	}
	if bg.TestListenerArn != "" {
		test := newRouter(run.elb, bg)
		test.ListenerArn, test.RuleArn = bg.TestListenerArn, ""
		if _, err := test.Current(ctx); err != nil {
			return fmt.Errorf("blueGreen.testListenerArn in %s: %w", run.Env.File, err)
		}
	}
	if len(run.Env.Health.URLs) == 0 {
		run.Printf("    no health.urls in %s: the bake watches target health only", run.Env.File)
	}
	return nil
}

func listenerWhat(r *traffic.Router) string {
	if r.RuleArn != "" {
		return "rule " + shortARN(r.RuleArn)
	}
	return "listener " + shortARN(r.ListenerArn)
}

// Deploy runs the stages: deploy-idle, wait-idle, health-gate, then switch +
// bake (blue/green) or shift-N + bake-N per step (canary), deploy-others +
// wait-others for the non-colour services, and scale-down-old. A failure
// after traffic moved switches it back (switch-back) and returns an error
// wrapping ErrRolledBack; a cancel after traffic moved also switches back.
func (s *Colours) Deploy(ctx context.Context, run *Run) error {
	backend := s.backendTarget(run)
	if backend == nil || backend.NewTaskDefinitionArn == "" {
		return fmt.Errorf("%s: the backend colour %s has no rendered task definition", s.name, s.idle.Service)
	}
	desired := backend.Current.DesiredCount
	if desired < defaultMinHealthy {
		desired = defaultMinHealthy
	}
	if err := s.recordBefore(ctx, run); err != nil {
		return err
	}
	if err := s.deployIdle(ctx, run, backend.NewTaskDefinitionArn, desired); err != nil {
		return err
	}
	if err := run.Stage(ctx, StageHealthGate, func(ctx context.Context) error { return s.gate(ctx, run, desired) }); err != nil {
		return err
	}
	moved := false
	err := s.shift(ctx, run, desired, &moved)
	if err == nil {
		err = s.deployOthers(ctx, run)
	}
	if err != nil {
		if !moved {
			return err
		}
		return s.switchBack(ctx, run, err)
	}
	return s.scaleDownOld(ctx, run)
}

func (s *Colours) backendTarget(run *Run) *Target {
	for _, t := range run.Targets {
		if t.Role == config.RoleBackend && t.Service == s.idle.Service {
			return t
		}
	}
	return nil
}

// shift moves traffic to the new colour and bakes it; *moved is set as soon
// as a listener change may have been made.
func (s *Colours) shift(ctx context.Context, run *Run, desired int32, moved *bool) error {
	steps := s.steps
	if steps == nil {
		steps = []int{100}
	}
	for _, pct := range steps {
		shiftName, bakeName := canaryShiftPrefix+itoa(pct), canaryBakePrefix+itoa(pct)
		if s.steps == nil {
			shiftName, bakeName = StageSwitch, StageBake
		}
		if err := run.Stage(ctx, shiftName, func(ctx context.Context) error {
			// Last look before traffic moves: the gate may be minutes old.
			if err := traffic.TargetCheck(run.elb, s.idle.TargetGroupArn, int(desired)).Run(ctx); err != nil {
				return err
			}
			*moved = true
			if err := s.router.SetPercent(ctx, s.idle, pct); err != nil {
				return err
			}
			return s.recordTraffic(ctx, run)
		}); err != nil {
			return err
		}
		if err := run.Stage(ctx, bakeName, func(ctx context.Context) error {
			return s.bakeRun(ctx, run, desired, pct).Run(ctx)
		}); err != nil {
			return err
		}
	}
	return nil
}

// bakeRun is the bake after a shift to pct: target health of every colour
// that receives traffic, and the environment's health URLs.
func (s *Colours) bakeRun(ctx context.Context, run *Run, desired int32, pct int) traffic.Bake {
	bg := run.Env.BlueGreen
	checks := []traffic.Check{traffic.TargetCheck(run.elb, s.idle.TargetGroupArn, int(desired))}
	if pct < 100 {
		checks = append(checks, traffic.TargetCheck(run.elb, s.live.TargetGroupArn, 1))
	}
	for _, u := range run.Env.Health.URLs {
		checks = append(checks, traffic.HTTPCheck{Clock: run.clock, URL: u, Status: bg.HealthCheck.Status, Timeout: defaultProbeTiming}.Check())
	}
	interval := bg.HealthCheck.Interval.Duration
	run.Printf("    baking %s at %d%% for %s (%d checks every %s)", s.idle.Name, pct, s.bake, len(checks), interval)
	return traffic.Bake{Clock: run.clock, Duration: s.bake, Interval: interval, Checks: checks, Out: run.Out}
}

// switchBack returns all traffic to the old colour after cause (a failure
// or a cancel), on a fresh context so that a cancel cannot stop it.
func (s *Colours) switchBack(ctx context.Context, run *Run, cause error) error {
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), switchBackTimeout)
	defer cancel()
	err := run.Stage(bctx, StageSwitchBack, func(ctx context.Context) error {
		if err := s.router.SwitchTo(ctx, s.live); err != nil {
			return err
		}
		return s.recordTraffic(ctx, run)
	})
	if err != nil {
		return fmt.Errorf("%v; switching traffic back to %s ALSO failed, run rollback: %w", cause, s.live.Name, err)
	}
	run.Printf("    traffic is back on %s", s.live.Name)
	if ctx.Err() != nil {
		return cause // a cancel: outcome cancelled, traffic already safe
	}
	return fmt.Errorf("%w to %s: %w", ErrRolledBack, s.live.Name, cause)
}

// recordTraffic reads the listener and stores where traffic goes now.
func (s *Colours) recordTraffic(ctx context.Context, run *Run) error {
	st, err := s.router.Current(ctx)
	if err != nil {
		return err
	}
	after := ""
	if !st.Split() {
		after = s.live.Name
		if st.Percent(s.idle.Name) == 100 {
			after = s.idle.Name
		}
	}
	run.mu.Lock()
	run.Manifest.Traffic.WeightsAfter = st.WeightsByArn()
	run.Manifest.Traffic.LiveColourAfter = after
	run.mu.Unlock()
	run.Save()
	run.Printf("    traffic: %s", st)
	return nil
}
