package deploy

import (
	"context"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// TestNativeRollbackOfManyServicesAnswersEveryHook: the rollback redeploys
// of several services are followed at once. Followed one after another
// (issue 21's emulator run: 12 of 15 rolled back by ECS, "lifecycle hook …
// timed out"), the later ones' PAUSE hooks waited unanswered past their
// timeout while the first went through its canary and bakes.
func TestNativeRollbackOfManyServicesAnswersEveryHook(t *testing.T) {
	n := newNativeFixture(t, config.StrategyNativeCanary, 15)
	if _, err := runNative(t, n, context.Background()); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	_, err := Rollback(context.Background(), RollbackOptions{Env: n.env, ManifestPath: n.options().ManifestPath, Out: n.out, AWS: n.cfg, Clock: n.clk})
	if err != nil {
		t.Fatalf("rollback of 15 services: %v", err)
	}
	for _, s := range n.env.Services {
		if td := n.taskDef(t, s.Name); td != n.top.TaskDefinitions[s.Name] {
			t.Errorf("after the rollback %s runs %s, want %s", s.Name, td, n.top.TaskDefinitions[s.Name])
		}
	}
}
