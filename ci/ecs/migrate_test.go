package ecs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

func migration(e *emuEnv, t *testing.T) Migration {
	svc := e.backend(t).Services[0]
	return Migration{
		Clock: e.clock, Cluster: seed.Cluster, TaskDefinition: seed.MigrationFamily, Container: seed.BackendContainer,
		Image:   e.seed.Registry + "/bitflow-backend@" + e.seed.ImageDigests["bitflow-backend"],
		Command: seed.MigrationCommand, Service: &svc, Poll: 100 * time.Millisecond, Timeout: 20 * time.Second, LogLines: 3,
	}
}

func TestMigrationRunsWithNewImageAndServiceNetwork(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	m := migration(e, t)
	out := &syncBuf{}
	m.Out = out
	res, err := RunMigration(e.ctx, e.ecs, e.logs, m)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if res.ExitCode == nil || *res.ExitCode != 0 || res.LastStatus != "STOPPED" {
		t.Fatalf("result %+v", res)
	}
	task, err := e.ecs.DescribeTasks(e.ctx, &awsecs.DescribeTasksInput{Cluster: aws.String(seed.Cluster), Tasks: []string{res.TaskArn}})
	if err != nil {
		t.Fatal(err)
	}
	td, err := DescribeTaskDefinition(e.ctx, e.ecs, aws.ToString(task.Tasks[0].TaskDefinitionArn))
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(td.ContainerDefinitions[0].Image); got != m.Image {
		t.Errorf("migration ran image %s, want the new backend image %s", got, m.Image)
	}
	if td.Revision != 2 {
		t.Errorf("migration revision %d, want 2 (a new revision)", td.Revision)
	}
	if got := task.Tasks[0].LaunchType; got != m.Service.LaunchType {
		t.Errorf("launch type %s, want the service's %s", got, m.Service.LaunchType)
	}
	if ov := task.Tasks[0].Overrides; ov == nil || strings.Join(ov.ContainerOverrides[0].Command, " ") != "php artisan migrate --force" {
		t.Errorf("command override: %+v", ov)
	}
	if !strings.Contains(out.String(), "exited 0") {
		t.Errorf("progress:\n%s", out)
	}
}

func TestMigrationFailureReportsExitCodeReasonAndLogTail(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.FailTasks(seed.MigrationFamily, 1, "Migrating: 2026_11_01_add_fees", "SQLSTATE[42P07]: Duplicate table: relation \"fees\" already exists", "In Connection.php line 825:", "migration aborted")
	_, err := RunMigration(e.ctx, e.ecs, e.logs, migration(e, t))
	var me *MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"exit code 1", "stop code EssentialContainerExited", "stopped reason", "last 3 log lines", "Duplicate table", "migration aborted"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Migrating: 2026_11_01_add_fees") {
		t.Errorf("log tail should be the last 3 lines only:\n%s", msg)
	}
	for _, c := range e.srv.MutatingCalls() {
		if c.Action == "UpdateService" {
			t.Errorf("a migration must never touch a service: %+v", c)
		}
	}
}

func TestMigrationCancelledReportsState(t *testing.T) {
	e := newEmu(t, awsemu.Timing{TaskStart: time.Minute})
	ctx, cancel := context.WithCancel(e.ctx)
	m := migration(e, t)
	e.clock.AfterFunc(700*time.Millisecond, cancel)
	start := time.Now()
	_, err := RunMigration(ctx, e.ecs, e.logs, m)
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancellation took %s", time.Since(start))
	}
	if err == nil || !strings.Contains(err.Error(), "cancelled while the migration task was PROVISIONING") || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
