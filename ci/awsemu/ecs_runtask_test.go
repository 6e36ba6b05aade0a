package awsemu

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestRunTaskLifecycleAndLogs(t *testing.T) {
	te := newTestEnv(t, Timing{TaskStart: time.Second, TaskStop: 2 * time.Second})
	te.mustSetup(t, "c1", "bitflow-migration", []string{"php", "artisan", "migrate", "--force"})
	run, err := te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{
		Cluster: aws.String("c1"), TaskDefinition: aws.String("bitflow-migration"), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: testNet,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 1 || len(run.Failures) != 0 {
		t.Fatalf("RunTask: %+v", run)
	}
	arn := *run.Tasks[0].TaskArn
	steps := []struct {
		after         time.Duration
		last, desired string
	}{
		{0, "PROVISIONING", "RUNNING"},
		{500 * time.Millisecond, "PENDING", "RUNNING"},
		{500 * time.Millisecond, "RUNNING", "RUNNING"},
		{2 * time.Second, "DEPROVISIONING", "STOPPED"},
		{2 * time.Second, "STOPPED", "STOPPED"},
	}
	var task types.Task
	for _, st := range steps {
		te.clock.Advance(st.after)
		task = te.describeTask(t, "c1", arn)
		if *task.LastStatus != st.last || *task.DesiredStatus != st.desired {
			t.Fatalf("after +%v: lastStatus %s desired %s, want %s/%s", st.after, *task.LastStatus, *task.DesiredStatus, st.last, st.desired)
		}
	}
	if task.StopCode != types.TaskStopCodeEssentialContainerExited || task.Containers[0].ExitCode == nil || *task.Containers[0].ExitCode != 0 {
		t.Fatalf("stop code %s exit %v", task.StopCode, task.Containers[0].ExitCode)
	}
	if task.StartedAt == nil || !task.StartedAt.Equal(testStart.Add(time.Second)) || task.StoppedAt == nil || !task.StoppedAt.Equal(testStart.Add(5*time.Second)) {
		t.Fatalf("startedAt %v stoppedAt %v", task.StartedAt, task.StoppedAt)
	}
	ip := aws.ToString(task.Containers[0].NetworkInterfaces[0].PrivateIpv4Address)
	if !strings.HasPrefix(ip, "10.0.") {
		t.Fatalf("private ip %q", ip)
	}
	taskID := arn[strings.LastIndex(arn, "/")+1:]
	logs, err := te.logs.GetLogEvents(te.ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/ecs/bitflow-migration"), LogStreamName: aws.String("ecs/backend/" + taskID), StartFromHead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, ev := range logs.Events {
		all = append(all, *ev.Message)
	}
	if !strings.Contains(strings.Join(all, "\n"), "Running migrations") {
		t.Fatalf("migration log lines: %q", all)
	}
}
