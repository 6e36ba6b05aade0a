package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestFailedWaitOf15ServicesIsSaidOnceGroupedByCause: when ECS rolls back
// all 15 services for one reason, the error is one short clause printed
// once (issue 21: one ~2,800-character line, three times); each service's
// own reason is in the manifest and behind --verbose.
func TestFailedWaitOf15ServicesIsSaidOnceGroupedByCause(t *testing.T) {
	srv, env := seededRelease(t, awsemu.Options{})
	for _, s := range env.Services {
		srv.CircuitBreakerRollback(s.Name)
	}
	mpath := filepath.Join(t.TempDir(), "m.json")
	args := []string{"deploy", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1", "--manifest", mpath, "--no-report"}
	code, out, errOut := runCLI(t, context.Background(), args...)
	if code != exitFailed {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// ECS's rollback is seen as the circuit breaker's FAILED rollout or, once
	// it finished, as the PRIMARY deployment back on revision 1; a service not
	// yet seen failing when the first is reads "not stable". Whatever the
	// mix, the error is said once, one clause per cause.
	if n := strings.Count(out+errOut, "services failed to deploy: "); n != 1 || !strings.Contains(errOut, "services (") && !strings.Contains(errOut, "all 15 services: ") {
		t.Errorf("the error is said %d times (want once), grouped:\n%s\n%s", n, out, errOut)
	}
	for _, l := range strings.Split(out+errOut, "\n") {
		if len(l) > 600 {
			t.Errorf("a %d-character line: %.300s…", len(l), l)
		}
	}
	if !strings.Contains(errOut, "per service: --verbose") {
		t.Errorf("no pointer to the per-service detail:\n%s", errOut)
	}
	m, err := manifest.Read(mpath)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range m.Services {
		if sc.Rollout == nil || sc.Rollout.Result == manifest.RolloutStable || sc.Rollout.Reason == "" {
			t.Errorf("%s: rollout %+v, want failed or stopped with its reason", sc.Service, sc.Rollout)
		}
	}

	// --verbose adds one line per service after the one grouped error.
	for _, s := range env.Services {
		srv.CircuitBreakerRollback(s.Name)
	}
	pushRelease(t, srv, env, "abcdef2")
	args[len(args)-4] = "abcdef2"
	code, _, errOut = runCLI(t, context.Background(), append(args, "--verbose")...)
	_, detail, _ := strings.Cut(errOut, "per service:\n")
	if code != exitFailed || strings.Count(errOut, "services failed to deploy: ") != 1 || strings.Count(detail, "\n    ") != len(env.Services)-1 {
		t.Errorf("--verbose: exit %d, want the grouped error and %d per-service lines:\n%s", code, len(env.Services), errOut)
	}
}
