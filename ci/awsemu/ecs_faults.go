package awsemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// ecsFaults are the ECS faults injected through the Emulator's methods or
// POST /_emulator/faults.
type ecsFaults struct {
	rolloutTime     map[string]time.Duration // service name -> time to COMPLETED
	failTasks       map[string]taskFailure   // task definition family -> how one-off tasks exit
	neverStabilize  map[string]bool          // service name
	breakerRollback map[string]bool          // service name, consumed by its next deployment
}

type taskFailure struct {
	exitCode int32
	logLines []string
}

func (f *ecsFaults) init() {
	f.rolloutTime = map[string]time.Duration{}
	f.failTasks = map[string]taskFailure{}
	f.neverStabilize = map[string]bool{}
	f.breakerRollback = map[string]bool{}
}

// SetRolloutTime makes deployments of service (by name, in any cluster)
// started from now on take d to reach rolloutState COMPLETED, instead of
// Timing.Rollout.
func (e *Emulator) SetRolloutTime(service string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ecs.faults.rolloutTime[service] = d
}

// FailTasks makes every one-off task (RunTask) of the task definition
// family exit with exitCode once it has run, writing logLines to each awslogs
// container's stream instead of the command's usual output. exitCode 0 with
// lines scripts a successful run's output. It lasts until ClearFaults.
func (e *Emulator) FailTasks(family string, exitCode int, logLines ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ecs.faults.failTasks[family] = taskFailure{exitCode: int32(exitCode), logLines: append([]string(nil), logLines...)}
}

// NeverStabilize makes every deployment of service started from now on
// launch tasks whose essential container exits with code 1 shortly after
// starting: the deployment stays IN_PROGRESS for ever (the circuit breaker is
// not tripped), failedTasks grows and service events say why.
func (e *Emulator) NeverStabilize(service string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ecs.faults.neverStabilize[service] = true
}

// CircuitBreakerRollback makes the next deployment of service fail as the
// deployment circuit breaker sees it: its tasks crash, after the breaker's
// threshold of failed tasks (at least 3) the deployment's rolloutState
// becomes FAILED ("ECS deployment circuit breaker: tasks failed to start."),
// and a rollback deployment of the last completed task definition becomes
// PRIMARY and completes, as ECS does with rollback: true (whatever the
// service's own circuit breaker settings).
func (e *Emulator) CircuitBreakerRollback(service string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ecs.faults.breakerRollback[service] = true
}

// ActiveFaults lists the ECS faults and pending throttles in force, as
// FaultRequests (GET /_emulator/faults answers this).
func (e *Emulator) ActiveFaults() []FaultRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.ecs.faults
	out := []FaultRequest{}
	for svc, d := range f.rolloutTime {
		out = append(out, FaultRequest{Fault: "set-rollout-time", Service: svc, Duration: d.String()})
	}
	for fam, tf := range f.failTasks {
		out = append(out, FaultRequest{Fault: "fail-tasks", Family: fam, ExitCode: int(tf.exitCode), LogLines: tf.logLines})
	}
	for svc := range f.neverStabilize {
		out = append(out, FaultRequest{Fault: "never-stabilize", Service: svc})
	}
	for svc := range f.breakerRollback {
		out = append(out, FaultRequest{Fault: "circuit-breaker-rollback", Service: svc})
	}
	for action, n := range e.throttles {
		if n > 0 {
			out = append(out, FaultRequest{Fault: "throttle", Action: action, Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Fault+a.Service+a.Family+a.Action < b.Fault+b.Service+b.Family+b.Action
	})
	return out
}

// ClearFaults removes every injected ECS fault and pending throttle (the
// ELBv2 health faults have their own ClearHealthFaults).
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ecs.faults.init()
	e.throttles = map[string]int{}
}

// FaultRequest is the JSON body of POST /_emulator/faults: Fault is one of
// set-rollout-time (Service, Duration like "90s"), fail-tasks (Family,
// ExitCode, LogLines), never-stabilize (Service), circuit-breaker-rollback
// (Service), throttle (Action like "ecs.DescribeServices", Count) or clear.
type FaultRequest struct {
	Fault    string   `json:"fault"`
	Service  string   `json:"service,omitempty"`
	Duration string   `json:"duration,omitempty"`
	Family   string   `json:"family,omitempty"`
	ExitCode int      `json:"exitCode,omitempty"`
	LogLines []string `json:"logLines,omitempty"`
	Action   string   `json:"action,omitempty"`
	Count    int      `json:"count,omitempty"`
}

// ApplyFault applies one FaultRequest (the control endpoint's body).
func (e *Emulator) ApplyFault(f FaultRequest) error {
	need := func(field, v string) error {
		if v == "" {
			return fmt.Errorf("fault %q: field %q is required", f.Fault, field)
		}
		return nil
	}
	switch f.Fault {
	case "set-rollout-time":
		if err := need("service", f.Service); err != nil {
			return err
		}
		d, err := time.ParseDuration(f.Duration)
		if err != nil || d <= 0 {
			return fmt.Errorf("fault set-rollout-time: duration %q is not a positive Go duration", f.Duration)
		}
		e.SetRolloutTime(f.Service, d)
	case "fail-tasks":
		if err := need("family", f.Family); err != nil {
			return err
		}
		e.FailTasks(f.Family, f.ExitCode, f.LogLines...)
	case "never-stabilize":
		if err := need("service", f.Service); err != nil {
			return err
		}
		e.NeverStabilize(f.Service)
	case "circuit-breaker-rollback":
		if err := need("service", f.Service); err != nil {
			return err
		}
		e.CircuitBreakerRollback(f.Service)
	case "throttle":
		if err := need("action", f.Action); err != nil {
			return err
		}
		if f.Count <= 0 {
			return fmt.Errorf("fault throttle: count must be positive, got %d", f.Count)
		}
		e.Throttle(f.Action, f.Count)
	case "clear":
		e.ClearFaults()
	default:
		return fmt.Errorf("unknown fault %q (want set-rollout-time, fail-tasks, never-stabilize, circuit-breaker-rollback, throttle or clear)", f.Fault)
	}
	return nil
}

func (s *ecsState) registerFaultControls() {
	s.e.onControl("faults", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(s.e.ActiveFaults())
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "POST a FaultRequest JSON body, or GET the active faults", http.StatusMethodNotAllowed)
			return
		}
		var f FaultRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			http.Error(w, "fault body: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := s.e.ApplyFault(f); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}` + "\n"))
	})
}
