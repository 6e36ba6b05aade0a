package awsemu

import (
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// Clock tells the emulator what time it is. State (task lifecycles, rollouts,
// health, native deployments) advances from this clock whenever a request
// arrives, and on its own at the instant of its next timed transition
// (schedule): a manual clock runs that wakeup when it is moved past it.
type Clock interface {
	Now() time.Time
}

// RealClock is wall-clock time.
type RealClock = clock.Real

// ManualClock only moves when Advance (or Sleep) is called; tests use it to
// step through lifecycles deterministically, and hand the same clock to the
// deploy brain so that its waits move the emulated world instead of waiting.
type ManualClock = clock.Manual

// NewManualClock starts a manual clock at t.
func NewManualClock(t time.Time) *ManualClock { return clock.NewManual(t) }

// afterFuncer is a clock that runs a function once it has moved d on: the
// manual clock (its AfterFunc runs on the goroutine that moves it). The
// wall clock uses time.AfterFunc.
type afterFuncer interface {
	AfterFunc(d time.Duration, f func())
}

// wakeup is the emulator's alarm on its own clock: ECS does not wait for a
// request to roll back a deployment whose hook timed out, finish a bake or
// start a task, so neither does the emulator. at is the instant armed (zero:
// none); timer is the wall-clock timer, if any.
type wakeup struct {
	at     time.Time
	timer  *time.Timer
	closed bool
}

// schedule arms the wakeup for the next timed transition, if it is sooner
// than the one armed (called with e.mu held, after state moved).
func (e *Emulator) schedule() {
	if e.wake.closed {
		return
	}
	now := e.clock.Now()
	next := e.ecs.nextEvent(now)
	if next.IsZero() || !e.wake.at.IsZero() && !next.Before(e.wake.at) && e.wake.at.After(now) {
		return
	}
	e.wake.at = next
	d := next.Sub(now)
	if c, ok := e.clock.(afterFuncer); ok {
		c.AfterFunc(d, e.wakeUp)
		return
	}
	if e.wake.timer != nil {
		e.wake.timer.Stop()
	}
	e.wake.timer = time.AfterFunc(d, e.wakeUp)
}

// wakeUp advances the emulated world to the clock's time, exactly as a
// request would, and arms the next wakeup.
func (e *Emulator) wakeUp() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.wake.closed {
		return
	}
	now := e.clock.Now()
	if !now.Before(e.wake.at) {
		e.wake.at = time.Time{}
	}
	for _, adv := range e.advancers {
		adv(now)
	}
	e.schedule()
}

// stopWakeups disarms the wakeup for good (Server.Close).
func (e *Emulator) stopWakeups() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.wake.closed = true
	if e.wake.timer != nil {
		e.wake.timer.Stop()
	}
}
