// Package clock is the time the deploy brain reads and waits on: the wall
// clock in production, a manual clock in tests. A deploy against the AWS
// emulator on the same manual clock steps through the emulated world
// without waiting: every Sleep moves the clock instead of the test.
package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// Sleep waits d, or returns the context's cause when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// Or returns c, or the wall clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleep waits d on a timer, or until ctx ends.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return context.Cause(ctx)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// Manual only moves when told: Advance moves it, and so does every Sleep,
// which returns at once with the clock d later. Tests share one Manual
// between the emulator and the code under test.
type Manual struct {
	mu    sync.Mutex
	now   time.Time
	funcs []pending
}

// pending is a function AfterFunc runs when the clock reaches at.
type pending struct {
	at time.Time
	f  func()
}

// NewManual starts a manual clock at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now returns the clock's current time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and runs the AfterFunc functions
// that came due, in the order of their times.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due, later []pending
	for _, p := range c.funcs {
		if p.at.After(c.now) {
			later = append(later, p)
		} else {
			due = append(due, p)
		}
	}
	c.funcs = later
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, p := range due {
		p.f()
	}
}

// AfterFunc runs f (on the goroutine that moves the clock) once the clock
// has moved d past now: the manual clock's time.AfterFunc.
func (c *Manual) AfterFunc(d time.Duration, f func()) {
	c.mu.Lock()
	c.funcs = append(c.funcs, pending{at: c.now.Add(d), f: f})
	c.mu.Unlock()
}

// Sleep moves the clock forward by d unless ctx has already ended; it
// returns the context's cause if ctx ended meanwhile (an AfterFunc may
// cancel it).
func (c *Manual) Sleep(ctx context.Context, d time.Duration) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d)
	}
	return context.Cause(ctx)
}
