package deploy

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
)

// dropRollNo is what `php artisan migrate --pretend` (Laravel 11, PostgreSQL)
// prints when the seed's contract migration is the one pending.
var dropRollNo = []string{
	"", "   INFO  Running migrations.", "",
	"  2024_07_01_000001_drop_roll_no_from_students ......................................",
	`  ⇂ alter table "students" drop constraint "students_institution_id_roll_no_unique"`,
	`  ⇂ alter table "students" drop column "roll_no"`,
}

// createThenAlter is a pending set that creates a table and then alters it.
var createThenAlter = []string{
	"   INFO  Running migrations.",
	"  2025_01_01_000001_create_admissions_table ........................................",
	`  ⇂ create table "admissions" ("id" bigserial not null primary key, "legacy_ref" varchar(32) null)`,
	"  2025_01_01_000002_tidy_admissions ................................................",
	`  ⇂ alter table "admissions" drop column "legacy_ref"`,
	`  ⇂ alter table "admissions" add column "student_id" bigint not null`,
}

// guardFixture is the emulator fixture with migration.guard on and the
// migration family's tasks printing lines (exit 0).
func guardFixture(t *testing.T, lines []string) *fixture {
	f := newFixture(t, awsemu.Timing{})
	f.env.Migration.Guard = true
	f.srv.FailTasks("bitflow-migration", 0, lines...)
	return f
}

// runTaskCommands lists, in RunTask order, the group and command of every
// one-off task in the cluster (from DescribeTasks, not from our manifest).
func (f *fixture) runTaskCommands(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	c := awsecs.NewFromConfig(f.cfg)
	var arns []string
	for _, st := range []string{"RUNNING", "STOPPED"} {
		l, err := c.ListTasks(ctx, &awsecs.ListTasksInput{Cluster: aws.String(f.env.Cluster), StartedBy: aws.String("bitflow-deploy"), DesiredStatus: types.DesiredStatus(st)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, l.TaskArns...)
	}
	if len(arns) == 0 {
		return nil
	}
	d, err := c.DescribeTasks(ctx, &awsecs.DescribeTasksInput{Cluster: aws.String(f.env.Cluster), Tasks: arns})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, task := range d.Tasks {
		cmd := ""
		if task.Overrides != nil && len(task.Overrides.ContainerOverrides) > 0 {
			cmd = strings.Join(task.Overrides.ContainerOverrides[0].Command, " ")
		}
		out = append(out, aws.ToString(task.Group)+": "+cmd)
	}
	return out
}

// TestGuardRefusesDropColumn: a pending DROP COLUMN on an existing table
// stops the release at the guard stage: one RunTask (the pretend task), no
// migration, no service update; the error and the manifest name the
// statement and why.
func TestGuardRefusesDropColumn(t *testing.T) {
	f := guardFixture(t, dropRollNo)
	m, err := Deploy(context.Background(), f.options())
	if err == nil || m.FailedStage != StageGuard {
		t.Fatalf("deploy: %v (failed stage %q)", err, m.FailedStage)
	}
	for _, want := range []string{`2024_07_01_000001_drop_roll_no_from_students: alter table "students" drop column "roll_no"`,
		"the live release may still read students.roll_no: contract only after the release that stopped using it is live", "--allow-contract"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "drop constraint") {
		t.Errorf("dropping a constraint is not a contract step:\n%v", err)
	}
	if n := f.srv.CountCalls("ecs.RunTask"); n != 1 || f.called("ecs.UpdateService") {
		t.Errorf("RunTask %d (want 1: the pretend task), UpdateService %v", n, f.called("ecs.UpdateService"))
	}
	if got := f.runTaskCommands(t); len(got) != 1 || got[0] != "migration-pretend: php artisan migrate --pretend --force" {
		t.Errorf("one-off tasks: %q", got)
	}
	g := m.Migration.Guard
	if g == nil || len(g.Pending) != 1 || len(g.ContractSteps) != 1 || g.ContractSteps[0].Kind != "drop-column" || g.Allowed || m.Migration.ExitCode != nil {
		t.Errorf("manifest migration: %+v guard %+v", m.Migration, g)
	}
}

// TestGuardAllowContract: with --allow-contract the same release migrates
// and deploys, and the manifest still records the contract step as allowed.
func TestGuardAllowContract(t *testing.T) {
	f := guardFixture(t, dropRollNo)
	opts := f.options()
	opts.AllowContract = true
	m, err := Deploy(context.Background(), opts)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	got := f.runTaskCommands(t)
	if n := f.srv.CountCalls("ecs.RunTask"); n != 2 || !f.called("ecs.UpdateService") || len(got) != 2 {
		t.Fatalf("RunTask %d (want 2), UpdateService %v, tasks %q", n, f.called("ecs.UpdateService"), got)
	}
	if !strings.Contains(strings.Join(got, "\n"), "migration: php artisan migrate --force") {
		t.Errorf("no migration task: %q", got)
	}
	if g := m.Migration.Guard; g == nil || !g.Allowed || len(g.ContractSteps) != 1 || m.Migration.ExitCode == nil || *m.Migration.ExitCode != 0 {
		t.Errorf("manifest migration: %+v guard %+v", m.Migration, g)
	}
	if !strings.Contains(f.out.String(), "allowed by --allow-contract") {
		t.Errorf("no warning in the output:\n%s", f.out.String())
	}
}

// TestGuardNewTableIsNotRefused: statements against a table created earlier
// in the same pending set are not contract steps.
func TestGuardNewTableIsNotRefused(t *testing.T) {
	f := guardFixture(t, createThenAlter)
	m, err := Deploy(context.Background(), f.options())
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if n := f.srv.CountCalls("ecs.RunTask"); n != 2 || !f.called("ecs.UpdateService") {
		t.Errorf("RunTask %d (want 2), UpdateService %v", n, f.called("ecs.UpdateService"))
	}
	if g := m.Migration.Guard; g == nil || len(g.Pending) != 2 || len(g.ContractSteps) != 0 {
		t.Errorf("guard %+v", g)
	}
}

// TestPlanNamesTheGuard: with the guard on, the plan says the pretend task
// will run at deploy, and runs nothing itself.
func TestPlanNamesTheGuard(t *testing.T) {
	f := guardFixture(t, dropRollNo)
	p, err := Plan(context.Background(), f.options())
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := p.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if p.Migration == nil || strings.Join(p.Migration.GuardCommand, " ") != "php artisan migrate --pretend --force" ||
		!strings.Contains(text.String(), "migration guard: at deploy") {
		t.Errorf("plan migration %+v\n%s", p.Migration, text.String())
	}
	if n := f.srv.CountCalls("ecs.RunTask"); n != 0 || len(f.mutating()) != 0 {
		t.Errorf("plan ran %d task(s), mutating %v", n, f.mutating())
	}
}
