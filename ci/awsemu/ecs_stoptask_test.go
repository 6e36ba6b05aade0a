package awsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Stopping a service's task is UserInitiated; the scheduler replaces it.
func TestStopServiceTaskIsReplaced(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: 2 * time.Second})
	createTestService(t, te, nil)
	list, err := te.ecs.ListTasks(te.ctx, &ecs.ListTasksInput{Cluster: aws.String("c1"), ServiceName: aws.String("api")})
	if err != nil || len(list.TaskArns) != 2 {
		t.Fatalf("tasks %v %v", list, err)
	}
	victim := list.TaskArns[0]
	out, err := te.ecs.StopTask(te.ctx, &ecs.StopTaskInput{Cluster: aws.String("c1"), Task: aws.String(victim), Reason: aws.String("rotating credentials")})
	if err != nil {
		t.Fatal(err)
	}
	if tk := out.Task; *tk.DesiredStatus != "STOPPED" || *tk.LastStatus != "DEPROVISIONING" || tk.StopCode != types.TaskStopCodeUserInitiated || *tk.StoppedReason != "rotating credentials" {
		t.Fatalf("stopping task: %s/%s %s %q", *tk.LastStatus, *tk.DesiredStatus, tk.StopCode, *tk.StoppedReason)
	}
	te.clock.Advance(time.Second)
	if tk := te.describeTask(t, "c1", victim); *tk.LastStatus != "STOPPED" || tk.StoppedAt == nil {
		t.Fatalf("victim %s", *tk.LastStatus)
	}
	svc := te.describeService(t, "c1", "api")
	if svc.RunningCount != 1 || svc.PendingCount != 1 || !strings.Contains(*svc.Events[0].Message, "has started 1 tasks") {
		t.Fatalf("replacement: running %d pending %d, newest event %q", svc.RunningCount, svc.PendingCount, *svc.Events[0].Message)
	}
	te.clock.Advance(time.Second)
	if svc = te.describeService(t, "c1", "api"); svc.RunningCount != 2 {
		t.Fatalf("running after replacement %d", svc.RunningCount)
	}
	cl, err := te.ecs.DescribeClusters(te.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c1", "missing"}})
	if err != nil || len(cl.Clusters) != 1 || cl.Clusters[0].RunningTasksCount != 2 || cl.Clusters[0].ActiveServicesCount != 1 || *cl.Failures[0].Reason != "MISSING" {
		t.Fatalf("clusters %+v %v", cl, err)
	}
}
