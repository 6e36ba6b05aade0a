package awsemu

import (
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// Clock tells the emulator what time it is. State (task lifecycles, rollouts,
// health) advances lazily from this clock whenever a request arrives.
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
