package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// cancelAt runs a deploy whose context is cancelled when the named stage starts.
func cancelAt(t *testing.T, b *bgFixture, stage string) (*manifest.Manifest, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := b.options()
	opts.OnStage = func(st manifest.Stage) {
		if st.Name == stage && st.Status == manifest.StageRunning {
			cancel()
		}
	}
	return Deploy(ctx, opts)
}

func TestCancelAtEveryStageLeavesTrafficOnAHealthyColourAndRollbackUndoesIt(t *testing.T) {
	for _, stage := range []string{StageWaitIdle, StageHealthGate, StageSwitch, StageBake, StageWaitOthers} {
		t.Run(stage, func(t *testing.T) {
			b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
			m, err := cancelAt(t, b, stage)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancel at %s: %v, want context.Canceled\n%s", stage, err, b.out)
			}
			if m.Outcome != manifest.OutcomeCancelled {
				t.Errorf("outcome %s, want cancelled", m.Outcome)
			}
			read, rerr := manifest.Read(b.options().ManifestPath)
			if rerr != nil || read.Outcome != manifest.OutcomeCancelled || read.Stage(stage) == nil || read.Stage(stage).Status != manifest.StageCancelled {
				t.Fatalf("manifest on disk: %v %s", rerr, stageNames(read))
			}
			if b.live(t) != "blue" {
				t.Errorf("live after a cancel at %s = %s, want blue (the old colour)", stage, b.live(t))
			}
			for _, c := range b.productionChanges() {
				if len(c.NotHealthy) != 0 {
					t.Errorf("traffic was sent to a colour that was not healthy: %+v", c)
				}
			}
			if _, err := Rollback(context.Background(), b.rollbackOptions()); err != nil {
				t.Fatalf("rollback after a cancel at %s: %v\n%s", stage, err, b.out)
			}
			if _, desired, running := b.service(t, "bitflow-backend-blue"); desired != 3 || running != 3 {
				t.Errorf("blue %d/%d after rollback, want 3/3", running, desired)
			}
			if _, desired, _ := b.service(t, "bitflow-backend-green"); desired != 0 {
				t.Errorf("green desired %d after rollback, want 0", desired)
			}
			if b.live(t) != "blue" {
				t.Errorf("live after rollback = %s", b.live(t))
			}
		})
	}
}
