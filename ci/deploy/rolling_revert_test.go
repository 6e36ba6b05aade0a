package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestRollingPartialFailureRevertsTheMovedServices: one service's rollout
// fails (the circuit breaker rolls it back); every other service this
// release moved is moved back, and the outcome says rolled_back.
func TestRollingPartialFailureRevertsTheMovedServices(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	failing := f.env.Services[len(f.env.Services)-1].Name
	f.srv.CircuitBreakerRollback(failing)
	m, err := Deploy(context.Background(), f.options())
	if !errors.Is(err, ErrRolledBack) || m.Outcome != manifest.OutcomeRolledBack || !strings.Contains(err.Error(), failing) {
		t.Fatalf("deploy: %v (outcome %s)\n%s", err, m.Outcome, f.out)
	}
	if st := m.Stage(StageRevert); st == nil || st.Status != manifest.StageSucceeded {
		t.Fatalf("revert stage %+v", st)
	}
	for _, s := range f.env.Services {
		if got := f.runs(t, s.Name); !strings.HasSuffix(got, ":1") {
			t.Errorf("%s runs %s after the failed release, want its previous revision 1", s.Name, got)
		}
	}
	// The call log: one UpdateService per service to the new revision, then one
	// per service back (the failing one included: it is pointed back explicitly).
	if got, want := f.srv.CountCalls("ecs.UpdateService"), 2*len(f.env.Services); got != want {
		t.Errorf("%d UpdateService calls, want %d (move + revert)", got, want)
	}
	// The ledger's record says the same, so rollback --env has nothing left to move.
	if h := f.history(t); len(h) != 1 || h[0].Outcome != manifest.OutcomeRolledBack {
		t.Errorf("ledger %+v", h)
	}
}
