package awsemu

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The SDK's own waiters run against the emulator on the wall clock, with
// their delays shortened to keep the test fast.
func TestSDKWaiters(t *testing.T) {
	te, _ := newRealClockEnv(t, Timing{TaskStart: 50 * time.Millisecond, TaskStop: 50 * time.Millisecond, Rollout: 300 * time.Millisecond})
	te.mustSetup(t, "c1", "api", []string{"php", "artisan", "migrate", "--force"})
	if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("api"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
		t.Fatal(err)
	}
	fast := func(o *ecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
	}
	stable := func() {
		t.Helper()
		err := ecs.NewServicesStableWaiter(te.ecs, fast).Wait(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"api"}}, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
	}
	// A new service is stable as soon as its tasks run (one deployment).
	stable()
	// An update is stable only once the old deployment is gone: at the rollout time.
	if _, err := te.ecs.UpdateService(te.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), ForceNewDeployment: true}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stable()
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Fatalf("services-stable returned after %v, before the 300ms rollout", el)
	}
	if svc := te.describeService(t, "c1", "api"); svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("stable but rollout %s", svc.Deployments[0].RolloutState)
	}

	// services-stable fails fast on a missing service (failures MISSING).
	err := ecs.NewServicesStableWaiter(te.ecs, fast).Wait(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"ghost"}}, 5*time.Second)
	if err == nil {
		t.Fatal("services-stable on a missing service succeeded")
	}

	run, err := te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("api"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ecs.NewTasksStoppedWaiter(te.ecs, func(o *ecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
	}).
		WaitForOutput(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c1"), Tasks: []string{*run.Tasks[0].TaskArn}}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if tk := out.Tasks[0]; *tk.LastStatus != "STOPPED" || *tk.Containers[0].ExitCode != 0 {
		t.Fatalf("stopped task %s exit %v", *tk.LastStatus, tk.Containers[0].ExitCode)
	}
}

// Throttling answered by the emulator is retried by the SDK's default
// retryer; the call log proves the throttled attempts happened.
func TestThrottlingSurvivedByDefaultRetryer(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.mustSetup(t, "c1", "api", nil)
	te.srv.Throttle("ecs.DescribeClusters", 1)
	out, err := te.ecs.DescribeClusters(te.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c1"}})
	if err != nil {
		t.Fatalf("throttled call not retried: %v", err)
	}
	if len(out.Clusters) != 1 {
		t.Fatalf("clusters %+v", out.Clusters)
	}
	throttled := 0
	for _, c := range te.srv.Calls() {
		if c.Action == "DescribeClusters" && c.Error == "ThrottlingException" {
			throttled++
		}
	}
	if throttled != 1 || te.srv.CountCalls("ecs.DescribeClusters") != 2 {
		t.Fatalf("throttled %d of %d calls", throttled, te.srv.CountCalls("ecs.DescribeClusters"))
	}
	// More throttles than the retryer's attempts surface as the SDK's error.
	te.srv.Throttle("ecs.DescribeClusters", 5)
	_, err = te.ecs.DescribeClusters(te.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c1"}}, func(o *ecs.Options) {
		o.RetryMaxAttempts = 1
	})
	var ae interface{ ErrorCode() string }
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Fatalf("want ThrottlingException, got %v", err)
	}
}
