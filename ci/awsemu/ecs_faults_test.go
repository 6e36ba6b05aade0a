package awsemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func eventText(svc types.Service) string {
	var b strings.Builder
	for _, ev := range svc.Events {
		b.WriteString(*ev.Message + "\n")
	}
	return b.String()
}

func TestNeverStabilize(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 2 * time.Second})
	td1, td2 := createTestService(t, te, &types.DeploymentCircuitBreaker{Enable: true, Rollback: true})
	te.srv.NeverStabilize("api")
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	var prevFailed int32
	// ECS throttles relaunches of failing tasks (up to 27 minutes apart), so
	// each round waits half an hour.
	for i := 0; i < 4; i++ {
		te.clock.Advance(30 * time.Minute)
		svc := te.describeService(t, "c1", "api")
		p := svc.Deployments[0]
		if len(svc.Deployments) != 2 || p.RolloutState != types.DeploymentRolloutStateInProgress || *p.TaskDefinition != td2 {
			t.Fatalf("round %d: deployments %+v", i, svc.Deployments)
		}
		if p.FailedTasks <= prevFailed {
			t.Fatalf("round %d: failedTasks %d did not grow from %d", i, p.FailedTasks, prevFailed)
		}
		if p.FailedTasks > 50*int32(i+1) { // unthrottled: ~1200 per half hour
			t.Fatalf("round %d: %d failed tasks: relaunches are not throttled", i, p.FailedTasks)
		}
		prevFailed = p.FailedTasks
		// The old deployment keeps serving.
		if old := svc.Deployments[1]; old.RunningCount != 2 || *old.TaskDefinition != td1 {
			t.Fatalf("old deployment running %d", old.RunningCount)
		}
		ev := eventText(svc)
		if !strings.Contains(ev, "Essential container in task exited (exit code 1)") || !strings.Contains(ev, "is unable to consistently start tasks successfully") {
			t.Fatalf("events do not say why:\n%s", ev)
		}
	}
}

func TestCircuitBreakerRollback(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 3 * time.Second})
	td1, td2 := createTestService(t, te, &types.DeploymentCircuitBreaker{Enable: true, Rollback: true})
	stableID := *te.describeService(t, "c1", "api").Deployments[0].Id
	te.srv.CircuitBreakerRollback("api")
	up, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)})
	if err != nil {
		t.Fatal(err)
	}
	failedID := *up.Service.Deployments[0].Id
	var svc types.Service
	sawFailed := false
	for i := 0; i < 60; i++ {
		te.clock.Advance(500 * time.Millisecond)
		svc = te.describeService(t, "c1", "api")
		for _, d := range svc.Deployments {
			if *d.Id == failedID && d.RolloutState == types.DeploymentRolloutStateFailed {
				sawFailed = true
				if *d.RolloutStateReason != "ECS deployment circuit breaker: tasks failed to start." || d.FailedTasks < 3 {
					t.Fatalf("failed deployment: reason %q failedTasks %d", *d.RolloutStateReason, d.FailedTasks)
				}
				if *svc.Deployments[0].Id == failedID || *svc.Deployments[0].Status != "PRIMARY" || *svc.Deployments[0].TaskDefinition != td1 {
					t.Fatalf("no rollback PRIMARY: %+v", svc.Deployments)
				}
				if want := "ECS deployment circuit breaker: rolling back to deploymentId " + stableID + "."; *svc.Deployments[0].RolloutStateReason != want {
					t.Fatalf("rollback reason %q, want %q", *svc.Deployments[0].RolloutStateReason, want)
				}
			}
		}
		if len(svc.Deployments) == 1 && *svc.Deployments[0].Id != failedID && svc.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted {
			break
		}
	}
	if !sawFailed {
		t.Fatalf("never saw the FAILED deployment; events:\n%s", eventText(svc))
	}
	if len(svc.Deployments) != 1 || *svc.TaskDefinition != td1 || svc.RunningCount != 2 {
		t.Fatalf("after rollback: td %s running %d deployments %+v", *svc.TaskDefinition, svc.RunningCount, svc.Deployments)
	}
	if ev := eventText(svc); !strings.Contains(ev, "(deployment "+failedID+") deployment failed: tasks failed to start.") {
		t.Fatalf("events:\n%s", ev)
	}
	// The fault is one-shot: the next deployment succeeds.
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(10 * time.Second)
	if svc = te.describeService(t, "c1", "api"); *svc.TaskDefinition != td2 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("next deployment: %+v", svc.Deployments)
	}
}

func TestBreakerTripsOnMissingImage(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 2 * time.Second})
	createTestService(t, te, &types.DeploymentCircuitBreaker{Enable: true, Rollback: false})
	bad := te.mustRegister(t, "api", "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:does-not-exist", nil)
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(bad)}); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(time.Minute)
	svc := te.describeService(t, "c1", "api")
	p := svc.Deployments[0]
	if p.RolloutState != types.DeploymentRolloutStateFailed || *p.TaskDefinition != bad || len(svc.Deployments) != 2 {
		t.Fatalf("without rollback the failed deployment stays PRIMARY: %+v", svc.Deployments)
	}
	stopped, _ := te.ecs.ListTasks(te.ctx, &ecs.ListTasksInput{Cluster: aws.String("c1"), DesiredStatus: types.DesiredStatusStopped, StartedBy: p.Id})
	tasks, err := te.ecs.DescribeTasks(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c1"), Tasks: stopped.TaskArns[:1]})
	if err != nil {
		t.Fatal(err)
	}
	tk := tasks.Tasks[0]
	if tk.StopCode != types.TaskStopCodeTaskFailedToStart || !strings.HasPrefix(*tk.StoppedReason, "CannotPullContainerError") || tk.StartedAt != nil {
		t.Fatalf("task stop %s %q startedAt %v", tk.StopCode, aws.ToString(tk.StoppedReason), tk.StartedAt)
	}
}

func TestFailTasksWritesLogsAndExitCode(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second})
	te.mustSetup(t, "c1", "bitflow-migration", []string{"php", "artisan", "migrate", "--force"})
	te.srv.FailTasks("bitflow-migration", 1, "SQLSTATE[42P01]: Undefined table: relation \"users\" does not exist", "Migration failed")
	run, err := te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("bitflow-migration"),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}},
		NetworkConfiguration:     testNet,
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{
			Name: aws.String("backend"), Command: []string{"php", "artisan", "migrate", "--force", "--step"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(5 * time.Second)
	tk := te.describeTask(t, "c1", *run.Tasks[0].TaskArn)
	if *tk.LastStatus != "STOPPED" || tk.StopCode != types.TaskStopCodeEssentialContainerExited || *tk.Containers[0].ExitCode != 1 {
		t.Fatalf("task %s stopCode %s exit %v", *tk.LastStatus, tk.StopCode, tk.Containers[0].ExitCode)
	}
	if *tk.CapacityProviderName != "FARGATE" || tk.LaunchType != types.LaunchTypeFargate || tk.Overrides.ContainerOverrides[0].Command[4] != "--step" {
		t.Fatalf("capacity %v launch %s overrides %+v", tk.CapacityProviderName, tk.LaunchType, tk.Overrides)
	}
	id := (*tk.TaskArn)[strings.LastIndex(*tk.TaskArn, "/")+1:]
	out, err := te.logs.GetLogEvents(te.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/bitflow-migration"),
		LogStreamName: aws.String("ecs/backend/" + id), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	last := *out.Events[len(out.Events)-1].Message
	if last != "Migration failed" || !strings.Contains(*out.Events[0].Message, "--step") {
		t.Fatalf("log lines: first %q last %q", *out.Events[0].Message, last)
	}
	// Control endpoint: clear, then the next run succeeds.
	resp, err := http.Post(te.srv.URL+"/_emulator/faults", "application/json", bytes.NewBufferString(`{"fault":"clear"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("clear faults: %v %v", err, resp)
	}
	run, err = te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("bitflow-migration:1"),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet})
	if err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(5 * time.Second)
	if tk = te.describeTask(t, "c1", *run.Tasks[0].TaskArn); *tk.Containers[0].ExitCode != 0 {
		t.Fatalf("after clear: exit %d", *tk.Containers[0].ExitCode)
	}
}

func TestFaultControlEndpoint(t *testing.T) {
	te := newTestEnv(t, Timing{})
	for body, want := range map[string]int{
		`{"fault":"fail-tasks","family":"bitflow-migration","exitCode":2,"logLines":["boom"]}`: 200,
		`{"fault":"set-rollout-time","service":"bitflow-backend","duration":"45s"}`:            200,
		`{"fault":"never-stabilize","service":"bitflow-frontend"}`:                             200,
		`{"fault":"circuit-breaker-rollback","service":"bitflow-backend"}`:                     200,
		`{"fault":"throttle","action":"ecs.DescribeServices","count":2}`:                       200,
		`{"fault":"set-rollout-time","service":"x","duration":"soon"}`:                         400,
		`{"fault":"explode"}`:                   400,
		`{"fault":"never-stabilize"}`:           400,
		`{"fault":"clear","unknownField":true}`: 400,
	} {
		resp, err := http.Post(te.srv.URL+"/_emulator/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", body, resp.StatusCode, want)
		}
	}
	resp, err := http.Get(te.srv.URL + "/_emulator/faults")
	if err != nil {
		t.Fatal(err)
	}
	var active []FaultRequest
	if err := json.NewDecoder(resp.Body).Decode(&active); err != nil || len(active) != 5 {
		t.Fatalf("GET faults: %v %+v", err, active)
	}
	resp.Body.Close()
	te.srv.mu.Lock()
	defer te.srv.mu.Unlock()
	f := te.srv.ecs.faults
	if f.failTasks["bitflow-migration"].exitCode != 2 || f.rolloutTime["bitflow-backend"] != 45*time.Second ||
		!f.neverStabilize["bitflow-frontend"] || !f.breakerRollback["bitflow-backend"] || te.srv.throttles["ecs.DescribeServices"] != 2 {
		t.Fatalf("faults not applied: %+v throttles %v", f, te.srv.throttles)
	}
}
