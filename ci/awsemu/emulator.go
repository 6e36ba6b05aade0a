package awsemu

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure an Emulator. Zero values take the defaults shown.
type Options struct {
	Region    string // default "us-east-1"
	AccountID string // default "123456789012"
	Clock     Clock  // default RealClock{}
	Timing    Timing // zero fields take DefaultTiming's values
	// OnCall, if set, sees every answered call (e.g. to log it). It runs
	// with the emulator lock held: it must not call the Emulator.
	OnCall func(Call)
	// Observe, if set, sees every answered AWS API request with its
	// response as sent (emutest checks them against AWS's models). It runs
	// outside the emulator lock, on the server's goroutine.
	Observe func(Exchange)
}

// Timing scripts how long the emulated world takes to move. Tests keep these
// short; the server command takes them as flags.
type Timing struct {
	TaskStart     time.Duration // PROVISIONING -> RUNNING
	TaskStop      time.Duration // STOPPING -> STOPPED; also how long a one-off task runs before it exits
	Rollout       time.Duration // UpdateService -> deployment COMPLETED, unless set per service
	TargetHealthy time.Duration // ELB target "initial" -> "healthy"
	Draining      time.Duration // ELB deregistration delay ("draining" -> gone)
}

// DefaultTiming is fast enough for tests and visible enough for a rehearsal.
var DefaultTiming = Timing{
	TaskStart:     200 * time.Millisecond,
	TaskStop:      200 * time.Millisecond,
	Rollout:       time.Second,
	TargetHealthy: 200 * time.Millisecond,
	Draining:      100 * time.Millisecond,
}

func (t Timing) withDefaults() Timing {
	d := DefaultTiming
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&t.TaskStart, d.TaskStart}, {&t.TaskStop, d.TaskStop}, {&t.Rollout, d.Rollout},
		{&t.TargetHealthy, d.TargetHealthy}, {&t.Draining, d.Draining},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return t
}

// Call is one API request the emulator answered, for assertions such as
// "no mutating call was made".
type Call struct {
	Service  string // ecs, ecr, logs, elbv2, sts, s3, cloudwatch
	Action   string // e.g. UpdateService
	Mutating bool
	Time     time.Time
	Error    string // error code returned, if any
}

// jsonOp handles one JSON 1.1 action: it decodes body and returns a value to
// encode as JSON, or an error (an *APIError is sent as-is, anything else as a
// 500 ServerException).
type jsonOp func(body []byte) (any, error)

// queryOp handles one Query-protocol action: it reads the form and returns a
// value that encodes (encoding/xml) as the <ActionResult> element's content.
type queryOp func(form url.Values) (any, error)

// Emulator is the in-memory AWS. It is an http.Handler; all state sits behind
// one mutex, and every request first advances time-driven state (advancers).
type Emulator struct {
	mu        sync.Mutex
	region    string
	account   string
	clock     Clock
	timing    Timing
	calls     []Call
	throttles map[string]int // "service.Action" or "*.Action" -> calls still to throttle
	jsonOps   map[string]jsonOp
	queryOps  map[string]queryOp
	cborOps   map[string]cborOp
	advancers []func(now time.Time)
	wake      wakeup
	controls  map[string]http.HandlerFunc
	onCall    func(Call)
	observe   func(Exchange)
	regions   map[string]*Emulator // other regions of the account (inRegion)

	ecs   *ecsState
	ecr   *ecrState
	logs  *logsState
	elbv2 *elbv2State
	s3    *s3State

	cloudwatch *cloudwatchState
}

// New returns an emulator with empty state.
func New(opts Options) *Emulator {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	e := &Emulator{
		region:    opts.Region,
		account:   opts.AccountID,
		clock:     opts.Clock,
		timing:    opts.Timing.withDefaults(),
		controls:  map[string]http.HandlerFunc{},
		onCall:    opts.OnCall,
		observe:   opts.Observe,
		throttles: map[string]int{},
		jsonOps:   map[string]jsonOp{},
		queryOps:  map[string]queryOp{},
		cborOps:   map[string]cborOp{},
	}
	e.ecs = newECS(e)
	e.ecr = newECR(e)
	e.logs = newLogs(e)
	e.elbv2 = newELBv2(e)
	e.s3 = newS3(e)
	e.cloudwatch = newCloudWatch(e)
	registerSTS(e)
	return e
}

// Region is the emulated region.
func (e *Emulator) Region() string { return e.region }

// AccountID is the emulated account.
func (e *Emulator) AccountID() string { return e.account }

// Now is the emulator clock's current time.
func (e *Emulator) Now() time.Time { return e.clock.Now() }

// onJSON registers a JSON 1.1 action for service (ecs, ecr, logs).
func (e *Emulator) onJSON(service, action string, op jsonOp) { e.jsonOps[service+"."+action] = op }

// onQuery registers a Query-protocol action for service (elbv2, sts).
func (e *Emulator) onQuery(service, action string, op queryOp) { e.queryOps[service+"."+action] = op }

// onCBOR registers a Smithy RPC v2 CBOR action for service (cloudwatch).
func (e *Emulator) onCBOR(service, action string, op cborOp) { e.cborOps[service+"."+action] = op }

// onControl registers an emulator endpoint (not an AWS API) at
// /_emulator/<path>, e.g. fault injection for the server command or an app
// health URL. The handler must take e.mu itself if it touches state.
func (e *Emulator) onControl(path string, h http.HandlerFunc) { e.controls["/_emulator/"+path] = h }

// onAdvance registers a function that moves time-driven state to now. It runs
// with the emulator lock held before every request.
func (e *Emulator) onAdvance(f func(now time.Time)) { e.advancers = append(e.advancers, f) }

// Throttle makes the next n calls of action answer ThrottlingException
// (Throttling for the Query services). action is "Service.Action"
// (e.g. "ecs.DescribeServices") or "*.Action" for any service.
func (e *Emulator) Throttle(action string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.throttles[action] += n
}

// Calls returns a copy of every call answered so far.
func (e *Emulator) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.calls...)
}

// MutatingCalls returns the calls that would change state in a real account
// (including ones that failed: the request was still sent).
func (e *Emulator) MutatingCalls() []Call {
	var out []Call
	for _, c := range e.Calls() {
		if c.Mutating {
			out = append(out, c)
		}
	}
	return out
}

// CountCalls counts answered calls of "service.Action" (or "*.Action").
func (e *Emulator) CountCalls(action string) int {
	n := 0
	for _, c := range e.Calls() {
		if matchAction(action, c.Service, c.Action) {
			n++
		}
	}
	return n
}

// ResetCalls forgets the call log.
func (e *Emulator) ResetCalls() {
	e.mu.Lock()
	e.calls = nil
	e.mu.Unlock()
}

func matchAction(pattern, service, action string) bool {
	return pattern == service+"."+action || pattern == "*."+action
}

// isMutating tells read-only actions (Describe*, List*, Get*, BatchGet*,
// BatchCheck*, Head*) from the ones that change state.
func isMutating(action string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Head", "BatchGet", "BatchCheck"} {
		if strings.HasPrefix(action, p) {
			return false
		}
	}
	return true
}

// dispatch runs one action under the lock: advance state, apply throttling
// faults, run the op, log the call.
func (e *Emulator) dispatch(service, action string, run func() (any, error)) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.Now()
	for _, adv := range e.advancers {
		adv(now)
	}
	call := Call{Service: service, Action: action, Mutating: isMutating(action), Time: now}
	var out any
	var err error
	if e.takeThrottle(service, action) {
		err = throttled(action)
	} else {
		out, err = run()
	}
	if err != nil {
		if ae, ok := err.(*APIError); ok {
			call.Error = ae.Code
		} else {
			call.Error = "ServerException"
		}
	}
	e.calls = append(e.calls, call)
	if e.onCall != nil {
		e.onCall(call)
	}
	e.schedule()
	return out, err
}

func (e *Emulator) takeThrottle(service, action string) bool {
	for _, k := range []string{service + "." + action, "*." + action} {
		if e.throttles[k] > 0 {
			e.throttles[k]--
			return true
		}
	}
	return false
}

// route sends a request to its service by protocol: X-Amz-Target for
// JSON 1.1, the Action form field for Query (ServeHTTP wraps it).
func (e *Emulator) route(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.serveControl(w, r)
		return
	}
	if signingService(r) == "s3" {
		e.serveS3(w, r)
		return
	}
	if isCBOR(r) {
		e.serveCBOR(w, r)
		return
	}
	if action, ok := isCloudWatchJSON(r); ok {
		e.serveCloudWatchJSON(w, r, action)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		e.serveJSON(w, r, target)
		return
	}
	e.serveQuery(w, r)
}

// newID returns n random bytes as hex, for request IDs, task IDs and the like.
func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID is an AWS-looking request id.
func requestID() string {
	h := newID(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Operations lists the AWS operations the emulator implements, as
// "service.Action", sorted.
func (e *Emulator) Operations() []string {
	var out []string
	for k := range e.jsonOps {
		out = append(out, k)
	}
	for k := range e.queryOps {
		out = append(out, k)
	}
	for k := range e.cborOps {
		out = append(out, k)
	}
	for _, op := range s3Operations {
		out = append(out, "s3."+op)
	}
	sort.Strings(out)
	return out
}
