package awsemu_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// ECS rolls back a deployment whose PAUSE hook timed out at the timeout,
// not when someone next asks: with the runner gone and no request at all,
// the emulator's clock moving past the expiry moves production traffic
// back to blue at that instant (traffic log and the ALB's routing, neither
// of which is an API call), and the deployment says so with that time.
func TestNativeHookTimeoutActsAtItsInstantWithoutARequest(t *testing.T) {
	f := newNativeFixture(t)
	arn := f.start(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1),
		LifecycleHooks: []types.DeploymentLifecycleHook{pauseHook(3, types.DeploymentLifecycleHookStagePostProductionTrafficShift)}})
	sd := f.runUntilPause(t, arn, 5*time.Minute)
	var expiry time.Time
	for _, h := range sd.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
			expiry = *h.ExpiresAt
		}
	}
	if sd.LifecycleStage != types.ServiceDeploymentLifecycleStagePostProductionTrafficShift || expiry.IsZero() {
		t.Fatalf("paused at %s, hooks %+v", sd.LifecycleStage, sd.LifecycleHookDetails)
	}
	calls := len(f.srv.Calls())

	f.clk.Advance(time.Hour) // nobody calls the emulator

	var rollback []time.Time
	for _, c := range f.srv.TrafficLog() {
		if c.RuleArn == f.rules.Production && c.Action == "ECS:ROLLBACK" {
			rollback = append(rollback, c.Time)
		}
	}
	if len(rollback) != 1 || !rollback[0].Equal(expiry) {
		t.Errorf("production rule's ECS:ROLLBACK changes at %v, want one at the hook's expiry %v", rollback, expiry)
	}
	resp, err := http.Get(f.srv.URL + "/_emulator/alb/" + seed.LoadBalancer + "/80/anything")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if tg := resp.Header.Get("X-Emulator-Target-Group"); tg != seed.BlueTargetGroup {
		t.Errorf("production traffic goes to %q an hour after the timeout, want %s", tg, seed.BlueTargetGroup)
	}
	if n := len(f.srv.Calls()); n != calls {
		t.Fatalf("%d API calls during the test's silence", n-calls)
	}
	sd = f.sd(t, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.Rollback == nil || !sd.Rollback.StartedAt.Equal(expiry) {
		t.Errorf("deployment %s, rollback %+v, want ROLLBACK_SUCCESSFUL started at %v", sd.Status, sd.Rollback, expiry)
	}
	if sd.FinishedAt == nil || sd.FinishedAt.After(expiry.Add(time.Minute)) {
		t.Errorf("rollback finished at %v, want shortly after %v (not at the next request)", sd.FinishedAt, expiry)
	}
}
