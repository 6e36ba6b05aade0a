package traffic_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/traffic"
)

func TestWaitTargetsHealthy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	blue, green := f.router.Blue.TargetGroupArn, f.router.Green.TargetGroupArn
	f.register(t, blue, "10.0.0.1", "10.0.0.2")
	var out strings.Builder
	r, err := traffic.WaitTargetsHealthy(ctx, f.c, blue, 2, traffic.WaitOptions{Clock: f.clock, Timeout: 3 * time.Second, Interval: 20 * time.Millisecond, Out: &out})
	if err != nil || r.Healthy != 2 {
		t.Fatalf("blue with 2 targets: %v %v", r, err)
	}
	if !strings.Contains(out.String(), "0/2 healthy") || !strings.Contains(out.String(), "2/2 healthy") {
		t.Errorf("progress did not show the transition:\n%s", out.String())
	}
	_, err = traffic.WaitTargetsHealthy(ctx, f.c, blue, 3, traffic.WaitOptions{Clock: f.clock, Timeout: 300 * time.Millisecond, Interval: 20 * time.Millisecond})
	var ge *traffic.GateError
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "at least 3") {
		t.Errorf("min 3 with 2 targets: %v, want a GateError about the minimum", err)
	}

	f.srv.NeverHealthy("bitflow-backend-green")
	f.register(t, green, "10.0.1.1")
	_, err = traffic.WaitTargetsHealthy(ctx, f.c, green, 1, traffic.WaitOptions{Clock: f.clock, Timeout: 600 * time.Millisecond, Interval: 20 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "Target.ResponseCodeMismatch") || !strings.Contains(err.Error(), "10.0.1.1") {
		t.Errorf("never healthy green: %v, want the target and its reason", err)
	}
	if err := traffic.TargetCheck(f.c, green, 1).Run(ctx); err == nil {
		t.Error("TargetCheck passed for an unhealthy target group")
	}
}

func TestHTTPCheckRetriesThenPasses(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx := context.Background()
	h := traffic.HTTPCheck{URL: srv.URL + "/health", Status: http.StatusNoContent, Retries: 5, Interval: 10 * time.Millisecond}
	var out strings.Builder
	if err := h.Wait(ctx, &out); err != nil {
		t.Fatalf("Wait: %v\n%s", err, out.String())
	}
	if n.Load() != 3 || !strings.Contains(out.String(), "attempt 3/5") {
		t.Errorf("requests = %d, progress:\n%s", n.Load(), out.String())
	}
	n.Store(0)
	h.Retries = 2
	err := h.Wait(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "status 503, want 204") || !strings.Contains(err.Error(), "failed 2 times") {
		t.Errorf("2 retries against 2 failures: %v", err)
	}
	if err := (traffic.HTTPCheck{URL: srv.URL + "/nope"}).Probe(ctx); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("wrong path: %v", err)
	}
}

func TestHTTPCheckAgainstTheEmulatorsTestListener(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	h := traffic.HTTPCheck{Clock: f.clock, URL: f.srv.URL + "/_emulator/alb/bitflow-alb/8080/health", Retries: 20, Interval: 25 * time.Millisecond}
	if err := h.Probe(ctx); err == nil {
		t.Fatal("probe passed with no green targets")
	}
	f.register(t, f.router.Green.TargetGroupArn, "10.0.1.1")
	if err := h.Wait(ctx, nil); err != nil {
		t.Fatalf("green via the test listener: %v", err)
	}
}

func TestBakeReturnsTheFirstFailure(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	blue := f.router.Blue.TargetGroupArn
	f.register(t, blue, "10.0.0.1")
	if _, err := traffic.WaitTargetsHealthy(ctx, f.c, blue, 1, traffic.WaitOptions{Clock: f.clock, Timeout: 2 * time.Second, Interval: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	http := traffic.HTTPCheck{URL: f.srv.URL + "/_emulator/alb/bitflow-alb/80/health"}
	checks := []traffic.Check{traffic.TargetCheck(f.c, blue, 1), http.Check()}

	start := f.clock.Now()
	if err := (traffic.Bake{Clock: f.clock, Duration: 300 * time.Millisecond, Interval: 50 * time.Millisecond, Checks: checks}).Run(ctx); err != nil {
		t.Fatalf("healthy bake: %v", err)
	}
	if d := f.clock.Now().Sub(start); d < 300*time.Millisecond {
		t.Errorf("bake returned after %s, before its 300ms", d)
	}

	f.srv.UnhealthyAfter("bitflow-backend-blue", 200*time.Millisecond)
	start = f.clock.Now()
	err := (traffic.Bake{Clock: f.clock, Duration: 5 * time.Second, Interval: 20 * time.Millisecond, Checks: checks}).Run(ctx)
	var be *traffic.BakeError
	if !errors.As(err, &be) || !strings.HasPrefix(be.Check, "target health bitflow-backend-blue") {
		t.Fatalf("bake with health failing after 200ms: %v", err)
	}
	if d := f.clock.Now().Sub(start); d > 2*time.Second || be.Elapsed < 150*time.Millisecond {
		t.Errorf("failure found after %s (elapsed %s), want soon after 200ms", d, be.Elapsed)
	}

	f.srv.ClearHealthFaults("bitflow-backend-blue")
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	f.clock.AfterFunc(100*time.Millisecond, func() { cancel(context.DeadlineExceeded) })
	err = (traffic.Bake{Clock: f.clock, Duration: 5 * time.Second, Interval: 20 * time.Millisecond, Checks: checks}).Run(cctx)
	if err == nil || errors.As(err, &be) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled bake: %v, want the context error and no BakeError", err)
	}
}
