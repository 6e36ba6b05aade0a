package ecs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// deployBackend registers a new backend revision and starts its rollout.
func deployBackend(t *testing.T, e *emuEnv) (string, WaitOptions, *syncBuf) {
	t.Helper()
	e.waitSeeded(t)
	arn := e.newRevision(t, seed.BackendFamily, seed.BackendContainer, e.seed.Registry+"/bitflow-backend@"+e.seed.ImageDigests["bitflow-backend"])
	if _, err := UpdateServices(e.ctx, e.ecs, seed.Cluster, []ServiceUpdate{{Service: seed.BackendService, TaskDefinition: arn}}); err != nil {
		t.Fatal(err)
	}
	out := &syncBuf{}
	return arn, WaitOptions{Clock: e.clock, Cluster: seed.Cluster, Services: []string{seed.BackendService}, Expect: map[string]string{seed.BackendService: arn},
		Poll: 200 * time.Millisecond, Timeout: 20 * time.Second, Out: out}, out
}

func TestWaitStableShowsProgressAndEvents(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	arn, o, out := deployBackend(t, e)
	states, err := WaitStable(e.ctx, e.ecs, o)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !states[0].Stable || states[0].TaskDefinition != arn {
		t.Fatalf("states %+v", states)
	}
	for _, want := range []string{"bitflow-backend: 2/2 running", "rollout IN_PROGRESS", "— stable", "bitflow-backend event: has started"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress misses %q:\n%s", want, out)
		}
	}
}

func TestWaitReportsCircuitBreakerRollbackAsFailure(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.CircuitBreakerRollback(seed.BackendService)
	_, o, out := deployBackend(t, e)
	_, err := WaitStable(e.ctx, e.ecs, o)
	var se *StabilityError
	if !errors.As(err, &se) || se.Reason != ReasonFailed || !strings.Contains(err.Error(), "circuit breaker") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func TestWaitFailsWhenTasksKeepFailing(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.NeverStabilize(seed.BackendService)
	_, o, out := deployBackend(t, e)
	o.MaxFailedTasks = 3
	_, err := WaitStable(e.ctx, e.ecs, o)
	var se *StabilityError
	if !errors.As(err, &se) || se.Reason != ReasonFailed || !strings.Contains(err.Error(), "tasks keep failing") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func TestWaitTimesOutOnSlowRollout(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.SetRolloutTime(seed.BackendService, time.Hour)
	_, o, out := deployBackend(t, e)
	o.Timeout = 1500 * time.Millisecond
	start := time.Now()
	_, err := WaitStable(e.ctx, e.ecs, o)
	if !IsTimeout(err) || time.Since(start) > 4*time.Second {
		t.Fatalf("err = %v after %s\n%s", err, time.Since(start), out)
	}
	if !strings.Contains(err.Error(), "bitflow-backend: not stable") || !strings.Contains(out.String(), "stopped waiting (timeout)") {
		t.Errorf("timeout should report the last state: %v\n%s", err, out)
	}
}

func TestWaitCancelledReportsState(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.SetRolloutTime(seed.BackendService, time.Hour)
	_, o, out := deployBackend(t, e)
	ctx, cancel := context.WithCancel(e.ctx)
	e.clock.AfterFunc(time.Second, cancel)
	_, err := WaitStable(ctx, e.ecs, o)
	var se *StabilityError
	if !errors.As(err, &se) || se.Reason != ReasonCancelled || !errors.Is(err, context.Canceled) || se.States[0].Desired == 0 {
		t.Fatalf("err = %v (%+v)\n%s", err, se, out)
	}
}

func TestWaitSurvivesThrottling(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	_, o, out := deployBackend(t, e)
	e.srv.Throttle("ecs.DescribeServices", 4)
	if _, err := WaitStable(e.ctx, e.ecs, o); err != nil {
		t.Fatalf("throttling burst not survived: %v\n%s", err, out)
	}
	if n := e.srv.CountCalls("ecs.DescribeServices"); n < 5 {
		t.Errorf("only %d DescribeServices calls: throttled calls not retried?", n)
	}
}
