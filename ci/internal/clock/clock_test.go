package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestManualSleepMovesTheClockAndReturnsAtOnce(t *testing.T) {
	c := NewManual(t0)
	start := time.Now()
	if err := c.Sleep(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := c.Now().Sub(t0); got != time.Hour {
		t.Errorf("clock moved %s, want 1h", got)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("a manual Sleep waited %s of wall time", waited)
	}
}

func TestManualAfterFuncRunsWhenTheClockPassesIt(t *testing.T) {
	c := NewManual(t0)
	var order []string
	c.AfterFunc(2*time.Second, func() { order = append(order, "2s") })
	c.AfterFunc(time.Second, func() { order = append(order, "1s") })
	c.Advance(999 * time.Millisecond)
	if len(order) != 0 {
		t.Fatalf("ran early: %v", order)
	}
	c.Advance(5 * time.Second)
	if len(order) != 2 || order[0] != "1s" || order[1] != "2s" {
		t.Fatalf("ran %v, want [1s 2s]", order)
	}
	c.Advance(time.Hour)
	if len(order) != 2 {
		t.Errorf("ran twice: %v", order)
	}
}

func TestManualSleepReportsACancelThatCameDue(t *testing.T) {
	c := NewManual(t0)
	ctx, cancel := context.WithCancel(context.Background())
	c.AfterFunc(time.Second, cancel)
	if err := c.Sleep(ctx, 500*time.Millisecond); err != nil {
		t.Fatalf("first sleep: %v", err)
	}
	if err := c.Sleep(ctx, 500*time.Millisecond); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleep across the cancel = %v, want context.Canceled", err)
	}
	if err := c.Sleep(ctx, time.Second); !errors.Is(err, context.Canceled) || c.Now().Sub(t0) != time.Second {
		t.Fatalf("sleep on a cancelled context = %v at %s, want the cancel and no move", err, c.Now().Sub(t0))
	}
}

func TestRealSleepWaitsOrStopsOnCancel(t *testing.T) {
	start := time.Now()
	if err := (Real{}).Sleep(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("real sleep: %v after %s", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Real{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled real sleep = %v", err)
	}
	if Or(nil) != (Real{}) {
		t.Error("Or(nil) is not the wall clock")
	}
}
