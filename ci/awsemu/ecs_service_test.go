package awsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// createTestService creates service "api" of family "api" with desired 2 and
// lets it become stable.
func createTestService(t *testing.T, te *testEnv, breaker *types.DeploymentCircuitBreaker) (td1, td2 string) {
	t.Helper()
	td1 = te.mustSetup(t, "c1", "api", nil)
	td2 = te.mustRegister(t, "api", "public.ecr.aws/docker/library/php:8.3.1-fpm", nil)
	if !strings.HasSuffix(td2, ":task-definition/api:2") {
		t.Fatalf("second revision ARN %s", td2)
	}
	_, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("c1"), ServiceName: aws.String("api"), TaskDefinition: aws.String("api:1"), DesiredCount: aws.Int32(2),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet,
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: breaker},
	})
	if err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(10 * time.Second)
	svc := te.describeService(t, "c1", "api")
	if len(svc.Deployments) != 1 || svc.RunningCount != 2 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("initial deployment not stable: %+v", svc.Deployments)
	}
	return td1, td2
}

func TestRollingDeployment(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 5 * time.Second})
	td1, td2 := createTestService(t, te, nil)
	up, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := up.Service.Deployments; len(got) != 2 || *got[0].Status != "PRIMARY" || *got[1].Status != "ACTIVE" || *got[0].TaskDefinition != td2 || *got[1].TaskDefinition != td1 {
		t.Fatalf("deployments after update: %+v", got)
	}
	primaryID := *up.Service.Deployments[0].Id
	if !strings.HasPrefix(primaryID, "ecs-svc/") || up.Service.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("primary %s state %s", primaryID, up.Service.Deployments[0].RolloutState)
	}

	te.clock.Advance(500 * time.Millisecond)
	svc := te.describeService(t, "c1", "api")
	if p := svc.Deployments[0]; p.PendingCount != 2 || p.RunningCount != 0 || svc.Deployments[1].RunningCount != 2 {
		t.Fatalf("+0.5s: primary %d pending %d running; old running %d", p.PendingCount, p.RunningCount, svc.Deployments[1].RunningCount)
	}
	te.clock.Advance(time.Second) // new tasks RUNNING, old ones told to stop
	svc = te.describeService(t, "c1", "api")
	if p := svc.Deployments[0]; p.RunningCount != 2 || svc.Deployments[1].RunningCount != 0 || svc.RunningCount != 2 {
		t.Fatalf("+1.5s: primary running %d, old running %d, service running %d", p.RunningCount, svc.Deployments[1].RunningCount, svc.RunningCount)
	}
	if len(svc.Deployments) != 2 {
		t.Fatal("old deployment removed before the rollout time")
	}
	te.clock.Advance(4 * time.Second)
	svc = te.describeService(t, "c1", "api")
	if len(svc.Deployments) != 1 || *svc.Deployments[0].Id != primaryID || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("+5.5s: deployments %+v", svc.Deployments)
	}
	if *svc.TaskDefinition != td2 || *svc.Deployments[0].RolloutStateReason != "ECS deployment "+primaryID+" completed." {
		t.Fatalf("taskDefinition %s reason %s", *svc.TaskDefinition, *svc.Deployments[0].RolloutStateReason)
	}
	// Events: newest first, with ids and times, ending in a steady state.
	if msg := *svc.Events[0].Message; msg != "(service api) has reached a steady state." {
		t.Fatalf("newest event %q", msg)
	}
	for i := 1; i < len(svc.Events); i++ {
		if svc.Events[i].CreatedAt.After(*svc.Events[i-1].CreatedAt) || aws.ToString(svc.Events[i].Id) == "" {
			t.Fatalf("events not newest first with ids: %+v", svc.Events)
		}
	}
	// Old tasks are stopped by the scheduler; the running ones are the new revision.
	list, err := te.ecs.ListTasks(te.ctx, &ecs.ListTasksInput{Cluster: aws.String("c1"), ServiceName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := te.ecs.DescribeTasks(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c1"), Tasks: list.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks.Tasks) != 2 {
		t.Fatalf("running tasks: %d", len(tasks.Tasks))
	}
	for _, tk := range tasks.Tasks {
		if *tk.TaskDefinitionArn != td2 || *tk.Group != "service:api" || *tk.StartedBy != primaryID {
			t.Fatalf("task %s td %s group %s startedBy %s", *tk.TaskArn, *tk.TaskDefinitionArn, *tk.Group, *tk.StartedBy)
		}
	}
	stopped, err := te.ecs.ListTasks(te.ctx, &ecs.ListTasksInput{Cluster: aws.String("c1"), ServiceName: aws.String("api"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := te.ecs.DescribeTasks(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c1"), Tasks: stopped.TaskArns})
	if len(old.Tasks) != 2 || old.Tasks[0].StopCode != types.TaskStopCodeServiceSchedulerInitiated || *old.Tasks[0].LastStatus != "STOPPED" {
		t.Fatalf("old tasks: %+v", old.Tasks)
	}

	// desiredCount alone scales the primary deployment without a new one.
	up, err = te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), DesiredCount: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Service.Deployments) != 1 || *up.Service.Deployments[0].Id != primaryID || up.Service.DesiredCount != 3 {
		t.Fatalf("scale: %+v", up.Service.Deployments)
	}
	te.clock.Advance(2 * time.Second)
	if svc = te.describeService(t, "c1", "api"); svc.RunningCount != 3 {
		t.Fatalf("scaled running %d", svc.RunningCount)
	}

	// forceNewDeployment makes a new deployment of the same revision.
	up, err = te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), ForceNewDeployment: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Service.Deployments) != 2 || *up.Service.Deployments[0].TaskDefinition != td2 {
		t.Fatalf("force: %+v", up.Service.Deployments)
	}
}

func TestPerServiceRolloutTime(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 2 * time.Second})
	_, td2 := createTestService(t, te, nil)
	te.srv.SetRolloutTime("api", 30*time.Second)
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(29 * time.Second)
	if svc := te.describeService(t, "c1", "api"); len(svc.Deployments) != 2 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("+29s: %+v", svc.Deployments)
	}
	te.clock.Advance(time.Second)
	if svc := te.describeService(t, "c1", "api"); len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("+30s: %+v", svc.Deployments)
	}
}

// maximumPercent 100 / minimumHealthyPercent 50 replaces tasks in batches.
func TestRollingDeploymentBatches(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 2 * time.Second})
	te.mustSetup(t, "c1", "api", nil)
	td2 := te.mustRegister(t, "api", "public.ecr.aws/docker/library/php:8.3.1-fpm", nil)
	if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("c1"), ServiceName: aws.String("api"), TaskDefinition: aws.String("api:1"), DesiredCount: aws.Int32(4),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet,
		DeploymentConfiguration: &types.DeploymentConfiguration{MaximumPercent: aws.Int32(100), MinimumHealthyPercent: aws.Int32(50)},
	}); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(5 * time.Second)
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	svc := te.describeService(t, "c1", "api")
	newD, oldD := svc.Deployments[0], svc.Deployments[1]
	if newD.PendingCount != 2 || oldD.RunningCount != 2 || oldD.DesiredCount != 2 {
		t.Fatalf("first batch: new pending %d, old running %d desired %d", newD.PendingCount, oldD.RunningCount, oldD.DesiredCount)
	}
	te.clock.Advance(time.Second) // first batch healthy: the rest of the old tasks stop, second batch starts
	svc = te.describeService(t, "c1", "api")
	if newD = svc.Deployments[0]; newD.RunningCount != 2 || newD.PendingCount != 2 || svc.Deployments[1].RunningCount != 0 {
		t.Fatalf("second batch: new running %d pending %d, old running %d", newD.RunningCount, newD.PendingCount, svc.Deployments[1].RunningCount)
	}
	te.clock.Advance(2 * time.Second)
	if svc = te.describeService(t, "c1", "api"); len(svc.Deployments) != 1 || svc.RunningCount != 4 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("done: running %d deployments %+v", svc.RunningCount, svc.Deployments)
	}
}
