package awsemu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// elbECSFixture is the seeded blue/green topology on a ManualClock: blue live
// with 2 tasks behind bitflow-backend-blue (grace period 60s, circuit
// breaker with rollback), stable.
type elbECSFixture struct {
	srv    *awsemu.Server
	clk    *awsemu.ManualClock
	ecs    *ecs.Client
	alb    *seed.ALB
	blueTG string
	td1    string
}

func newELBECSFixture(t testing.TB) *elbECSFixture {
	t.Helper()
	clk := awsemu.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := emutest.Start(t, awsemu.Options{Clock: clk})
	cfg := srv.AWSConfig()
	_, alb, err := seed.BlueGreen(context.Background(), cfg, seed.BlueGreenOptions{Options: seed.Options{ImageTag: "abc1234"}, LiveDesired: 2})
	if err != nil {
		t.Fatal(err)
	}
	f := &elbECSFixture{srv: srv, clk: clk, ecs: ecs.NewFromConfig(cfg), alb: alb, blueTG: alb.TargetGroups["blue"]}
	clk.Advance(10 * time.Second)
	svc := f.blue(t)
	if len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || svc.RunningCount != 2 {
		t.Fatalf("seeded blue not stable: %+v", svc.Deployments)
	}
	f.td1 = *svc.TaskDefinition
	return f
}

func (f *elbECSFixture) blue(t testing.TB) types.Service {
	t.Helper()
	out, err := f.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(seed.Cluster), Services: []string{seed.BlueService}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v %+v", err, out)
	}
	return out.Services[0]
}

func (f *elbECSFixture) update(t testing.TB, in *ecs.UpdateServiceInput) {
	t.Helper()
	in.Cluster, in.Service = aws.String(seed.Cluster), aws.String(seed.BlueService)
	if _, err := f.ecs.UpdateService(context.Background(), in); err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
}

// tasks lists blue's tasks with the given desired status.
func (f *elbECSFixture) tasks(t testing.TB, desired types.DesiredStatus) []types.Task {
	t.Helper()
	ctx := context.Background()
	l, err := f.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(seed.Cluster), ServiceName: aws.String(seed.BlueService), DesiredStatus: desired})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) == 0 {
		return nil
	}
	d, err := f.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(seed.Cluster), Tasks: l.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	return d.Tasks
}

func (f *elbECSFixture) registerRevision(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	d, err := f.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(f.td1)})
	if err != nil {
		t.Fatal(err)
	}
	td := d.TaskDefinition
	out, err := f.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: td.Family, ContainerDefinitions: td.ContainerDefinitions, NetworkMode: td.NetworkMode, Cpu: td.Cpu, Memory: td.Memory,
		RequiresCompatibilities: td.RequiresCompatibilities, ExecutionRoleArn: td.ExecutionRoleArn, TaskRoleArn: td.TaskRoleArn,
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.TaskDefinition.TaskDefinitionArn
}

func eventsOf(svc types.Service) string {
	var b strings.Builder
	for _, ev := range svc.Events {
		b.WriteString(*ev.Message + "\n")
	}
	return b.String()
}

func TestECSReplacesTasksFailingELBHealthChecks(t *testing.T) {
	f := newELBECSFixture(t)
	f.update(t, &ecs.UpdateServiceInput{HealthCheckGracePeriodSeconds: aws.Int32(0)})
	if g := f.blue(t).HealthCheckGracePeriodSeconds; g == nil || *g != 0 || len(f.blue(t).Deployments) != 1 {
		t.Fatalf("grace period after UpdateService = %v (want 0, no new deployment)", g)
	}
	before := f.tasks(t, types.DesiredStatusRunning)
	if len(before) != 2 {
		t.Fatalf("%d running tasks, want 2", len(before))
	}
	f.srv.NeverHealthy(seed.BlueTargetGroup)
	f.clk.Advance(100 * time.Millisecond)

	for _, old := range before {
		got := f.tasks(t, types.DesiredStatusStopped)
		var task *types.Task
		for i := range got {
			if *got[i].TaskArn == *old.TaskArn {
				task = &got[i]
			}
		}
		if task == nil {
			t.Fatalf("task %s was not stopped", *old.TaskArn)
		}
		want := "Task failed ELB health checks in (target-group " + f.blueTG + ")"
		if task.StopCode != types.TaskStopCodeServiceSchedulerInitiated || aws.ToString(task.StoppedReason) != want {
			t.Errorf("task %s stopped %s %q, want ServiceSchedulerInitiated %q", *task.TaskArn, task.StopCode, aws.ToString(task.StoppedReason), want)
		}
		id := (*old.TaskArn)[strings.LastIndex(*old.TaskArn, "/")+1:]
		ev := eventsOf(f.blue(t))
		unhealthy := "(service bitflow-backend-blue) (task " + id + ") (port 8000) is unhealthy in (target-group bitflow-backend-blue) due to (reason Health checks failed with these codes: [503])"
		if !strings.Contains(ev, unhealthy) || !strings.Contains(ev, "has stopped 1 running tasks: (task "+id+").") {
			t.Errorf("events do not record the failure of %s:\n%s", id, ev)
		}
	}
	// Replacements start once the failed tasks have stopped; they fail too.
	f.clk.Advance(time.Second)
	svc := f.blue(t)
	if !strings.Contains(eventsOf(svc), "has started 2 tasks") || svc.Deployments[0].FailedTasks < 2 {
		t.Errorf("no replacements / failed tasks %d:\n%s", svc.Deployments[0].FailedTasks, eventsOf(svc))
	}
	// A completed deployment is not failed by the circuit breaker.
	if svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Errorf("rollout state %s, want COMPLETED", svc.Deployments[0].RolloutState)
	}
	// Relaunches are throttled: a day of failing health checks is not
	// thousands of tasks.
	f.clk.Advance(24 * time.Hour)
	if n := f.blue(t).Deployments[0].FailedTasks; n > 200 {
		t.Errorf("%d failed tasks in a day: relaunches are not throttled", n)
	}
	// Once health checks pass again, the replacements are healthy and stay.
	f.srv.ClearHealthFaults(seed.BlueTargetGroup)
	f.clk.Advance(time.Hour)
	svc = f.blue(t)
	failed := svc.Deployments[0].FailedTasks
	f.clk.Advance(time.Hour)
	if h, _ := f.srv.TargetHealthOf(seed.BlueTargetGroup); !h.OK() || h.Healthy != 2 || f.blue(t).Deployments[0].FailedTasks != failed {
		t.Errorf("after clearing the fault: %+v, failed tasks %d -> %d", h, failed, f.blue(t).Deployments[0].FailedTasks)
	}
}

func TestELBHealthFailuresTripTheCircuitBreakerAndRollBack(t *testing.T) {
	f := newELBECSFixture(t)
	td2 := f.registerRevision(t)
	f.srv.NeverHealthy(seed.BlueTargetGroup)
	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(td2), HealthCheckGracePeriodSeconds: aws.Int32(0)})
	var svc types.Service
	var failed *types.Deployment
	for i := 0; i < 100 && failed == nil; i++ {
		f.clk.Advance(50 * time.Millisecond)
		svc = f.blue(t)
		for j := range svc.Deployments {
			if svc.Deployments[j].RolloutState == types.DeploymentRolloutStateFailed {
				failed = &svc.Deployments[j]
			}
		}
	}
	if failed == nil {
		t.Fatalf("deployment never FAILED: %+v\n%s", svc.Deployments, eventsOf(svc))
	}
	// Stop the fault as soon as the breaker tripped, so that the rollback
	// (same target group) can succeed.
	f.srv.ClearHealthFaults(seed.BlueTargetGroup)
	if *failed.TaskDefinition != td2 || failed.FailedTasks < 3 || !strings.Contains(aws.ToString(failed.RolloutStateReason), "circuit breaker") {
		t.Errorf("failed deployment %s failedTasks %d reason %q", *failed.TaskDefinition, failed.FailedTasks, aws.ToString(failed.RolloutStateReason))
	}
	p := svc.Deployments[0]
	if *svc.TaskDefinition != f.td1 || *p.TaskDefinition != f.td1 || !strings.Contains(aws.ToString(p.RolloutStateReason), "rolling back to deploymentId") {
		t.Errorf("after the breaker: service runs %s, primary %s %q; want rollback to %s", *svc.TaskDefinition, *p.TaskDefinition, aws.ToString(p.RolloutStateReason), f.td1)
	}
	ev := eventsOf(svc)
	if !strings.Contains(ev, "is unhealthy in (target-group bitflow-backend-blue)") || !strings.Contains(ev, "deployment failed") {
		t.Errorf("events:\n%s", ev)
	}
	f.clk.Advance(10 * time.Second)
	svc = f.blue(t)
	if len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || *svc.TaskDefinition != f.td1 || svc.RunningCount != 2 {
		t.Errorf("rollback did not complete: %+v", svc.Deployments)
	}
}

func TestFailingRollbackIsNotRolledBackAgain(t *testing.T) {
	f := newELBECSFixture(t)
	td2 := f.registerRevision(t)
	f.srv.NeverHealthy(seed.BlueTargetGroup) // the rollback's tasks fail too: same target group
	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(td2), HealthCheckGracePeriodSeconds: aws.Int32(0)})
	f.clk.Advance(time.Hour)
	svc := f.blue(t)
	var states []string
	for _, d := range svc.Deployments {
		states = append(states, string(d.RolloutState)+" "+*d.TaskDefinition)
	}
	p := svc.Deployments[0]
	if len(svc.Deployments) > 3 || svc.Deployments[1].RolloutState != types.DeploymentRolloutStateFailed || p.RolloutState != types.DeploymentRolloutStateFailed || *p.TaskDefinition != f.td1 ||
		!strings.Contains(aws.ToString(p.RolloutStateReason), "circuit breaker") {
		t.Errorf("deployments %v, want the FAILED rollback to %s as PRIMARY, then the FAILED %s (and the drained original), nothing more", states, f.td1, td2)
	}
	if n := strings.Count(eventsOf(svc), "rolling back to deployment"); n != 1 {
		t.Errorf("%d rollbacks, want 1:\n%s", n, eventsOf(svc))
	}
}

func TestELBHealthGracePeriodDelaysReplacement(t *testing.T) {
	f := newELBECSFixture(t) // seeded with healthCheckGracePeriodSeconds 60; blue's tasks started at 0.2s
	td2 := f.registerRevision(t)
	f.srv.NeverHealthy(seed.BlueTargetGroup)
	f.update(t, &ecs.UpdateServiceInput{TaskDefinition: aws.String(td2)}) // at 10s: new tasks start at 10.2s
	newTasks := func() (running, elbStopped []types.Task) {
		for _, st := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
			for _, task := range f.tasks(t, st) {
				if *task.TaskDefinitionArn != td2 {
					continue
				}
				if st == types.DesiredStatusRunning {
					running = append(running, task)
				} else if strings.HasPrefix(aws.ToString(task.StoppedReason), "Task failed ELB health checks") {
					elbStopped = append(elbStopped, task)
				}
			}
		}
		return running, elbStopped
	}
	f.clk.Advance(55 * time.Second) // 65s: the old tasks' grace is over, the new ones' is not
	svc := f.blue(t)
	p := svc.Deployments[0]
	running, stopped := newTasks()
	if p.FailedTasks != 0 || p.RolloutState != types.DeploymentRolloutStateInProgress || len(running) != 2 || len(stopped) != 0 {
		t.Fatalf("inside the grace period: failedTasks %d, %s, %d running, %d stopped; want 0, IN_PROGRESS, 2, 0",
			p.FailedTasks, p.RolloutState, len(running), len(stopped))
	}
	if h, _ := f.srv.TargetHealthOf(seed.BlueTargetGroup); h.States["unhealthy"] != 2 {
		t.Fatalf("new targets are not unhealthy in ELB: %+v", h)
	}
	oldStopped := 0
	for _, task := range f.tasks(t, types.DesiredStatusStopped) {
		if *task.TaskDefinitionArn == f.td1 && strings.HasPrefix(aws.ToString(task.StoppedReason), "Task failed ELB health checks") {
			oldStopped++
			if d := task.StoppingAt.Sub(*task.StartedAt); d != 60*time.Second {
				t.Errorf("old task stopped %s after it started, want at the end of its 60s grace period", d)
			}
		}
	}
	if oldStopped != 2 {
		t.Errorf("%d old tasks stopped for failing ELB health checks, want 2 (their grace period is over)", oldStopped)
	}
	f.clk.Advance(6 * time.Second) // 71s: the new tasks' grace period is over
	running, stopped = newTasks()
	if len(stopped) < 2 || f.blue(t).Deployments[0].FailedTasks < 2 {
		t.Fatalf("after the grace period: %d new tasks stopped for ELB health, failedTasks %d", len(stopped), f.blue(t).Deployments[0].FailedTasks)
	}
	for _, task := range stopped {
		if d := task.StoppingAt.Sub(*task.StartedAt); d != 60*time.Second {
			t.Errorf("new task stopped %s after it started, want exactly its 60s grace period", d)
		}
	}
}

func TestHealthCheckGracePeriodValidation(t *testing.T) {
	f := newELBECSFixture(t)
	ctx := context.Background()
	_, err := f.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(seed.Cluster), Service: aws.String(seed.BlueService), HealthCheckGracePeriodSeconds: aws.Int32(-1)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" {
		t.Errorf("negative grace period: %v", err)
	}
	if _, err := f.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(seed.Cluster), ServiceName: aws.String("no-load-balancer"),
		TaskDefinition: aws.String(seed.BackendFamily), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: seed.DefaultSubnets, SecurityGroups: seed.DefaultSecurityGroups}},
	}); err != nil {
		t.Fatal(err)
	}
	_, err = f.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(seed.Cluster), Service: aws.String("no-load-balancer"), HealthCheckGracePeriodSeconds: aws.Int32(30)})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" || !strings.Contains(ae.ErrorMessage(), "load balancers") {
		t.Errorf("grace period on a service without load balancers: %v", err)
	}
	if g := f.blue(t).HealthCheckGracePeriodSeconds; g == nil || *g != 60 {
		t.Errorf("grace period %v after rejected updates, want the seeded 60", g)
	}
}

// BenchmarkELBHealthFailingHour measures advancing an hour of a service
// whose targets never pass health checks (tasks replaced, throttled, the
// breaker tripped) plus one DescribeServices: the coupling must stay cheap.
func BenchmarkELBHealthFailingHour(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newELBECSFixture(b)
		td2 := f.registerRevision(b)
		f.srv.NeverHealthy(seed.BlueTargetGroup)
		f.update(b, &ecs.UpdateServiceInput{TaskDefinition: aws.String(td2), HealthCheckGracePeriodSeconds: aws.Int32(0)})
		b.StartTimer()
		f.clk.Advance(time.Hour)
		if svc := f.blue(b); svc.Deployments[0].FailedTasks == 0 {
			b.Fatal("no failed tasks")
		}
		b.StopTimer()
		_ = f.srv.Close()
	}
}
