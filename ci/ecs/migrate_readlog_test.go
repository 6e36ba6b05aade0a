package ecs

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// TestMigrationReadLogOnSuccess: with ReadLog a task that exits 0 returns
// its log (the migration guard's pretend output), in its own RunTask group;
// without it, a successful run reads no log.
func TestMigrationReadLogOnSuccess(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.srv.FailTasks(seed.MigrationFamily, 0, "2024_07_01_000001_drop_roll_no_from_students ....", `  ⇂ alter table "students" drop column "roll_no"`)
	plain, err := RunMigration(e.ctx, e.ecs, e.logs, migration(e, t))
	if err != nil || len(plain.LogTail) != 0 {
		t.Fatalf("without ReadLog: %v, log %q", err, plain.LogTail)
	}
	m := migration(e, t)
	m.Command, m.Group, m.ReadLog, m.LogLines = []string{"php", "artisan", "migrate", "--pretend", "--force"}, "migration-pretend", true, 100
	res, err := RunMigration(e.ctx, e.ecs, e.logs, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.LogTail, "\n"); !strings.Contains(got, `drop column "roll_no"`) || !strings.Contains(got, "drop_roll_no_from_students") {
		t.Errorf("log tail %q", res.LogTail)
	}
	task, err := e.ecs.DescribeTasks(e.ctx, &awsecs.DescribeTasksInput{Cluster: aws.String(seed.Cluster), Tasks: []string{res.TaskArn}})
	if err != nil {
		t.Fatal(err)
	}
	if g := aws.ToString(task.Tasks[0].Group); g != "migration-pretend" {
		t.Errorf("group %q", g)
	}
}
