package awsemu

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// On the wall clock too the emulated world moves by itself: a service's
// tasks start and its deployment completes while no request arrives.
func TestWallClockMovesTheWorldWithoutRequests(t *testing.T) {
	te, _ := newRealClockEnv(t, Timing{TaskStart: 20 * time.Millisecond, Rollout: 50 * time.Millisecond, TargetHealthy: 10 * time.Millisecond})
	td := te.mustSetup(t, "wake", "wake-app", nil)
	if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("wake"), ServiceName: aws.String("app"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
		t.Fatal(err)
	}
	calls := len(te.srv.Calls())
	deadline := time.Now().Add(5 * time.Second)
	for {
		te.srv.mu.Lock()
		svc := te.srv.ecs.clusters["wake"].services["app"]
		state, running := svc.primary().rolloutState, 0
		for _, tk := range te.srv.ecs.serviceTasks(svc) {
			if tk.lastStatus == "RUNNING" {
				running++
			}
		}
		te.srv.mu.Unlock()
		if state == types.DeploymentRolloutStateCompleted && running == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("without requests for 5 s: rollout %s, %d tasks RUNNING", state, running)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(te.srv.Calls()); n != calls {
		t.Errorf("%d calls meanwhile", n-calls)
	}
}
