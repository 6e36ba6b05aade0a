package emutest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// RunnerSwitch is a deploy runner's way to the emulator in tests that kill
// the runner: once Kill returns, every call it makes fails as if its process
// had died (the connection is closed unanswered), and no call let through
// before is still on its way.
type RunnerSwitch struct {
	// URL is the endpoint to give the runner instead of the emulator's.
	URL      string
	killed   atomic.Bool
	inFlight sync.RWMutex // held (read) by each call let through, (write) by Kill
}

// NewRunnerSwitch serves a switch in front of target for the duration of t.
func NewRunnerSwitch(t testing.TB, target string) *RunnerSwitch {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s := &RunnerSwitch{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inFlight.RLock()
		defer s.inFlight.RUnlock()
		if s.killed.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
					return
				}
			}
			http.Error(w, "runner dead", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	s.URL = front.URL
	return s
}

// Kill makes the runner die; it returns once the calls let through before
// it have been answered. then, if not nil, runs while no call can pass
// (e.g. to read the emulator's call log at the instant of death).
func (s *RunnerSwitch) Kill(then func()) {
	s.inFlight.Lock()
	defer s.inFlight.Unlock()
	s.killed.Store(true)
	if then != nil {
		then()
	}
}

// Killed says whether Kill was called.
func (s *RunnerSwitch) Killed() bool { return s.killed.Load() }

// Revive lets calls through again: another runner, on a machine that works.
func (s *RunnerSwitch) Revive() { s.killed.Store(false) }
