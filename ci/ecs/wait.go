package ecs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/internal/causes"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// Wait defaults. DescribeServices takes at most 10 services per call; one
// batched call per 10 services per tick keeps polling well under one call per
// second per service however many services are deployed.
const (
	DefaultWaitTimeout = 30 * time.Minute
	DefaultPoll        = time.Second
	describeBatch      = 10
	heartbeat          = 30 * time.Second
)

// WaitOptions configure WaitStable.
type WaitOptions struct {
	Cluster  string
	Services []string
	// Expect maps service -> the task definition ARN that must become stable
	// (a rollback to another one is a failure). Services not in it accept any.
	Expect map[string]string
	// Timeout bounds the whole wait (default 30m).
	Timeout time.Duration
	// Poll is the interval between batched polls (default 1s).
	Poll time.Duration
	// MaxFailedTasks fails a service whose awaited deployment has this many
	// failed tasks; 0 = twice the circuit breaker's threshold for its
	// desired count; < 0 = never.
	MaxFailedTasks int32
	// Out receives progress lines; nil discards them.
	Out io.Writer
	// Since hides service events older than this (default: the wait's start).
	Since time.Time
	// OnState, if set, is called with every observed state (from the
	// waiting goroutine), e.g. to time when each service turned stable.
	OnState func(ServiceState)
	// Clock paces the polls and measures the timeout (default: the wall clock).
	Clock clock.Clock
}

// Wait outcomes carried by StabilityError.
const (
	ReasonFailed    = "failed"
	ReasonTimeout   = "timeout"
	ReasonCancelled = "cancelled"
)

// StabilityError is a wait that ended without every service stable: a
// service failed (circuit-breaker rollback, tasks failing), the timeout
// passed, or the context was cancelled. States is the last seen state of
// every service.
type StabilityError struct {
	Reason  string
	Elapsed time.Duration
	States  []ServiceState
	Err     error // the context or API error, if any
}

func (e *StabilityError) Error() string {
	head := map[string]string{
		ReasonFailed:    "services failed to deploy",
		ReasonTimeout:   fmt.Sprintf("services not stable after %s (timeout)", e.Elapsed.Round(time.Second)),
		ReasonCancelled: fmt.Sprintf("wait for stable services cancelled after %s", e.Elapsed.Round(time.Second)),
	}[e.Reason]
	msg := head + ": " + causes.Group(e.items(), len(e.States))
	if e.Err != nil && e.Reason != ReasonTimeout {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

// Detail is the per-service form of the error: one line per service that
// failed or was not stable (Error groups them by cause).
func (e *StabilityError) Detail() string {
	var items []causes.Item
	for _, s := range e.States {
		if !s.Stable || s.Failure != "" {
			items = append(items, causes.Item{Service: s.Service, Cause: strings.TrimPrefix(s.Line(), s.Service+": ")})
		}
	}
	return causes.Detail(items)
}

// items are the services that failed or were not stable, each with its
// cause told without its name, so that identical causes group.
func (e *StabilityError) items() []causes.Item {
	var items []causes.Item
	for _, s := range e.States {
		switch {
		case s.Failure != "":
			items = append(items, causes.Item{Service: s.Service, Cause: causes.WithoutName(s.Service, s.Failure)})
		case !s.Stable:
			items = append(items, causes.Item{Service: s.Service, Cause: fmt.Sprintf("not stable (running %d/%d, pending %d, rollout %s)", s.Running, s.Desired, s.Pending, orDash(s.RolloutState))})
		}
	}
	return items
}

func (e *StabilityError) Unwrap() error { return e.Err }

// WaitStable polls the services together, every Poll, with batched
// DescribeServices calls, until every one is stable. It writes a progress
// line when a service's state changes (and a heartbeat every 30 s), and
// every new service event as it arrives. It fails early when a service's
// deployment is rolled back by the circuit breaker or its tasks keep
// failing; it returns a *StabilityError on failure, timeout or cancellation,
// with the last seen state of every service.
func WaitStable(ctx context.Context, api API, o WaitOptions) ([]ServiceState, error) {
	if len(o.Services) == 0 {
		return nil, nil
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultWaitTimeout
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	o.Clock = clock.Or(o.Clock)
	start := o.Clock.Now()
	if o.Since.IsZero() {
		o.Since = start
	}
	w := &waiter{api: api, o: o, out: out, start: start,
		states: map[string]ServiceState{}, lastLine: map[string]string{}, lastPrint: map[string]time.Time{},
		seenEvents: map[string]map[string]bool{}}
	// The deadline is read on o.Clock; the context's timeout (the wall
	// clock) also bounds a call that hangs.
	deadline := start.Add(o.Timeout)
	wctx, cancel := context.WithTimeoutCause(ctx, o.Timeout, errWaitTimeout)
	defer cancel()

	pending := append([]string(nil), o.Services...)
	for {
		svcs, err := w.describe(wctx, pending)
		if err != nil {
			if wctx.Err() != nil {
				return w.stop(ctx)
			}
			return w.snapshot(), &StabilityError{Reason: ReasonFailed, Elapsed: w.since(), States: w.snapshot(), Err: err}
		}
		var failed bool
		var next []string
		for _, name := range pending {
			st := w.update(name, svcs[name])
			switch {
			case st.Failure != "":
				failed = true
			case !st.Stable:
				next = append(next, name)
			}
		}
		if failed {
			return w.snapshot(), &StabilityError{Reason: ReasonFailed, Elapsed: w.since(), States: w.snapshot()}
		}
		if len(next) == 0 {
			return w.snapshot(), nil
		}
		pending = next
		left := deadline.Sub(o.Clock.Now())
		if left <= 0 {
			return w.stop(ctx)
		}
		if err := o.Clock.Sleep(wctx, min(o.Poll, left)); err != nil {
			return w.stop(ctx)
		}
	}
}

type waiter struct {
	api        API
	o          WaitOptions
	out        io.Writer
	start      time.Time
	mu         sync.Mutex
	states     map[string]ServiceState
	lastLine   map[string]string
	lastPrint  map[string]time.Time
	seenEvents map[string]map[string]bool
}

// errWaitTimeout is the cause of a wait that ran out of time.
var errWaitTimeout = fmt.Errorf("%w: waiting for stable services", context.DeadlineExceeded)

// stop ends a wait whose time is up or whose context is done: cancelled if
// the caller's context ended, else timeout.
func (w *waiter) stop(parent context.Context) ([]ServiceState, error) {
	reason, err := ReasonTimeout, error(errWaitTimeout)
	if parent.Err() != nil {
		reason, err = ReasonCancelled, parent.Err()
	}
	e := &StabilityError{Reason: reason, Elapsed: w.since(), States: w.snapshot(), Err: err}
	fmt.Fprintf(w.out, "[%s] stopped waiting (%s); last seen:\n", w.elapsed(), reason)
	for _, s := range e.States {
		fmt.Fprintf(w.out, "    %s\n", s.Line())
	}
	return e.States, e
}

// describe fetches the services in batches of 10, concurrently.
func (w *waiter) describe(ctx context.Context, names []string) (map[string]types.Service, error) {
	res := map[string]types.Service{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for i := 0; i < len(names); i += describeBatch {
		batch := names[i:min(i+describeBatch, len(names))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := w.api.DescribeServices(ctx, &awsecs.DescribeServicesInput{Cluster: aws.String(w.o.Cluster), Services: batch})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("ecs DescribeServices %s: %w", strings.Join(batch, ","), err)
				}
				return
			}
			for _, s := range out.Services {
				res[aws.ToString(s.ServiceName)] = s
			}
		}()
	}
	wg.Wait()
	return res, firstErr
}

func (w *waiter) maxFailed(desired int32) int32 {
	switch {
	case w.o.MaxFailedTasks < 0:
		return 0
	case w.o.MaxFailedTasks > 0:
		return w.o.MaxFailedTasks
	}
	t := (desired + 1) / 2
	t = max(3, min(200, t))
	return 2 * t
}

// update records and prints one service's new state and events.
func (w *waiter) update(name string, svc types.Service) ServiceState {
	var st ServiceState
	if svc.ServiceName == nil {
		st = ServiceState{Service: name, Status: "MISSING", Failure: fmt.Sprintf("service not found in cluster %s", w.o.Cluster)}
	} else {
		st = observe(svc, w.o.Expect[name], w.maxFailed(svc.DesiredCount))
		w.printEvents(name, svc.Events)
	}
	w.mu.Lock()
	w.states[name] = st
	w.mu.Unlock()
	if w.o.OnState != nil {
		w.o.OnState(st)
	}
	line := st.Line()
	now := w.o.Clock.Now()
	if line != w.lastLine[name] || now.Sub(w.lastPrint[name]) >= heartbeat {
		fmt.Fprintf(w.out, "[%s] %s\n", w.elapsed(), line)
		w.lastLine[name], w.lastPrint[name] = line, now
	}
	return st
}

// printEvents writes service events newer than Since that were not shown yet, oldest first.
func (w *waiter) printEvents(name string, evs []types.ServiceEvent) {
	seen := w.seenEvents[name]
	if seen == nil {
		seen = map[string]bool{}
		w.seenEvents[name] = seen
	}
	var fresh []types.ServiceEvent
	for _, ev := range evs {
		id := aws.ToString(ev.Id)
		if seen[id] || (ev.CreatedAt != nil && ev.CreatedAt.Before(w.o.Since)) {
			continue
		}
		seen[id] = true
		fresh = append(fresh, ev)
	}
	sort.SliceStable(fresh, func(i, j int) bool {
		return aws.ToTime(fresh[i].CreatedAt).Before(aws.ToTime(fresh[j].CreatedAt))
	})
	for _, ev := range fresh {
		// ECS starts each message with "(service NAME) "; the line names it already.
		msg := strings.TrimPrefix(aws.ToString(ev.Message), "(service "+name+") ")
		fmt.Fprintf(w.out, "[%s] %s event: %s\n", w.elapsed(), name, msg)
	}
}

// since is how long the wait has been going, on its clock.
func (w *waiter) since() time.Duration { return w.o.Clock.Now().Sub(w.start) }

func (w *waiter) elapsed() string {
	return fmt.Sprintf("%6s", w.since().Round(time.Second))
}

func (w *waiter) snapshot() []ServiceState {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]ServiceState, 0, len(w.o.Services))
	for _, n := range w.o.Services {
		st, ok := w.states[n]
		if !ok {
			st = ServiceState{Service: n}
		}
		out = append(out, st)
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// IsTimeout reports whether err is a wait that ran out of time.
func IsTimeout(err error) bool {
	var se *StabilityError
	return errors.As(err, &se) && se.Reason == ReasonTimeout
}
