package traffic

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// Check is one named health check run repeatedly during a bake.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Bake watches a release after traffic moved: every Interval for Duration
// it runs every check and stops at the first failure.
type Bake struct {
	Duration time.Duration // how long to watch (0: one round of checks)
	Interval time.Duration // between rounds (default 5s, at most Duration)
	Checks   []Check
	Out      io.Writer   // progress (optional)
	Clock    clock.Clock // paces the rounds (default: the wall clock)
}

// BakeError is the first check that failed during a bake.
type BakeError struct {
	Check   string
	Elapsed time.Duration // into the bake
	Err     error
}

func (e *BakeError) Error() string {
	return fmt.Sprintf("bake failed after %s: %s: %v", e.Elapsed.Round(time.Millisecond), e.Check, e.Err)
}

func (e *BakeError) Unwrap() error { return e.Err }

// Run bakes: it returns nil after Duration with every round passing, a
// *BakeError at the first failing check, or the context's error when
// cancelled (a cancel is not a health failure).
func (b Bake) Run(ctx context.Context) error {
	out := b.Out
	if out == nil {
		out = io.Discard
	}
	interval := b.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if b.Duration > 0 && interval > b.Duration {
		interval = b.Duration
	}
	clk := clock.Or(b.Clock)
	start := clk.Now()
	deadline := start.Add(b.Duration)
	rounds := 0
	for {
		for _, c := range b.Checks {
			if err := c.Run(ctx); err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("bake interrupted after %s: %w", clk.Now().Sub(start).Round(time.Millisecond), context.Cause(ctx))
				}
				return &BakeError{Check: c.Name, Elapsed: clk.Now().Sub(start), Err: err}
			}
		}
		rounds++
		remaining := deadline.Sub(clk.Now())
		if remaining <= 0 {
			fmt.Fprintf(out, "bake passed: %d rounds of %d checks over %s\n", rounds, len(b.Checks), b.Duration)
			return nil
		}
		wait := interval
		if remaining < wait {
			wait = remaining
		}
		if err := clk.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("bake interrupted after %s: %w", clk.Now().Sub(start).Round(time.Millisecond), err)
		}
	}
}
