package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func stageNames(m *manifest.Manifest) string {
	var out []string
	for _, s := range m.Stages {
		out = append(out, s.Name+":"+string(s.Status))
	}
	return strings.Join(out, " ")
}

func TestDeployRollingSucceeds(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.rep.failStart = true
	m, err := Deploy(context.Background(), f.options())
	if err != nil {
		t.Fatalf("%v\n%s", err, f.out)
	}
	if m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("outcome %s", m.Outcome)
	}
	want := "validate:succeeded credentials:succeeded lock:succeeded check-images:succeeded prepare:succeeded render-task-definitions:succeeded migrate:succeeded deploy:succeeded wait:succeeded health:skipped"
	if got := stageNames(m); got != want {
		t.Errorf("stages:\n got  %s\n want %s", got, want)
	}
	for _, s := range m.Stages {
		if s.Status == manifest.StageSucceeded && (s.FinishedAt.Before(s.StartedAt) || s.StartedAt.IsZero()) {
			t.Errorf("stage %s timing %v..%v", s.Name, s.StartedAt, s.FinishedAt)
		}
	}
	// Every image of the release is recorded with its digest, and every
	// service now runs a task definition pinned to those digests.
	if len(m.Images) != 15 {
		t.Fatalf("%d images in the manifest, want 15", len(m.Images))
	}
	for _, img := range m.Images {
		if img.Digest != f.digests[f.env.Repository(img.App)] || img.Tag != newSHA {
			t.Errorf("image %+v, want digest %s", img, f.digests[f.env.Repository(img.App)])
		}
	}
	client := awsecs.NewFromConfig(f.cfg)
	for _, sc := range m.Services {
		svc, err := ecs.DescribeServices(context.Background(), client, f.env.Cluster, []string{sc.Service})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(svc[sc.Service].TaskDefinition); got != sc.TaskDefinitionAfter || sc.TaskDefinitionBefore == sc.TaskDefinitionAfter {
			t.Errorf("%s runs %s; manifest says %s -> %s", sc.Service, got, sc.TaskDefinitionBefore, sc.TaskDefinitionAfter)
		}
		td, err := ecs.DescribeTaskDefinition(context.Background(), client, sc.TaskDefinitionAfter)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range td.ContainerDefinitions {
			if img := aws.ToString(c.Image); !strings.Contains(img, "@sha256:") {
				t.Errorf("%s container %s image %s is not pinned by digest", sc.Service, aws.ToString(c.Name), img)
			}
		}
	}
	if m.Migration == nil || m.Migration.ExitCode == nil || *m.Migration.ExitCode != 0 || m.Migration.TaskArn == "" {
		t.Errorf("migration record %+v", m.Migration)
	}
	// Migrations ran before any service was updated.
	var order []string
	for _, c := range f.mutating() {
		if c == "ecs.RunTask" || c == "ecs.UpdateService" {
			order = append(order, c)
		}
	}
	if strings.Join(order, ",") != "ecs.RunTask"+strings.Repeat(",ecs.UpdateService", 15) {
		t.Errorf("mutation order %v", order)
	}
	read, err := manifest.Read(f.options().ManifestPath)
	if err != nil || read.Outcome != manifest.OutcomeSucceeded || len(read.Stages) != len(m.Stages) {
		t.Errorf("manifest file: %v %+v", err, read)
	}
	if f.rep.started != 1 || f.rep.finished != 1 || f.rep.startOutcome != manifest.OutcomeInProgress || f.rep.finishOutcome != manifest.OutcomeSucceeded {
		t.Errorf("reporter %+v", f.rep)
	}
	out := f.out.String()
	for _, want := range []string{"warning: reporter fake Start", "# container backend: ", "+++ bitflow-frontend-student:new", "migration: task", "bitflow-frontend-student: running", "— stable", "event: "} {
		if !strings.Contains(out, want) {
			t.Errorf("progress misses %q", want)
		}
	}
	if t.Failed() {
		t.Logf("progress:\n%s", out)
	}
}

func TestDeployFailingMigrationTouchesNoService(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.srv.FailTasks("bitflow-migration", 1, "SQLSTATE[23505]: Unique violation", "migration aborted")
	m, err := Deploy(context.Background(), f.options())
	if err == nil || m.Outcome != manifest.OutcomeFailed || m.FailedStage != StageMigrate {
		t.Fatalf("err %v outcome %s failed stage %s", err, m.Outcome, m.FailedStage)
	}
	if f.called("ecs.UpdateService") {
		t.Fatalf("a service was updated after a failed migration: %v", f.mutating())
	}
	for _, want := range []string{"exit code 1", "stop code", "Unique violation", "migration aborted"} {
		if !strings.Contains(err.Error(), want) || !strings.Contains(m.FailureReason, want) {
			t.Errorf("failure misses %q: %v", want, err)
		}
	}
	if m.Migration == nil || m.Migration.ExitCode == nil || *m.Migration.ExitCode != 1 {
		t.Errorf("migration record %+v", m.Migration)
	}
	if s := m.Stage(StageDeploy); s != nil {
		t.Errorf("deploy stage ran: %+v", s)
	}
}

func TestDeployUnstableServiceTimesOut(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.srv.SetRolloutTime("bitflow-frontend-student", time.Hour)
	f.env.Timeouts.Deploy = config.D(2 * time.Second)
	m, err := Deploy(context.Background(), f.options())
	if !ecs.IsTimeout(err) || m.Outcome != manifest.OutcomeFailed || m.FailedStage != StageWait {
		t.Fatalf("err %v outcome %s stage %s\n%s", err, m.Outcome, m.FailedStage, f.out)
	}
	if !strings.Contains(err.Error(), "bitflow-frontend-student: not stable") || strings.Contains(err.Error(), "bitflow-backend: not stable") {
		t.Errorf("the timeout should name the unstable service only: %v", err)
	}
}

func TestDeployCircuitBreakerRollbackIsAFailure(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.srv.CircuitBreakerRollback("bitflow-backend")
	m, err := Deploy(context.Background(), f.options())
	if err == nil || m.Outcome != manifest.OutcomeRolledBack || m.FailedStage != StageWait {
		t.Fatalf("err %v outcome %s\n%s", err, m.Outcome, f.out)
	}
	if !strings.Contains(err.Error(), "bitflow-backend: deployment circuit breaker") || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("err = %v", err)
	}
}

func TestDeploySurvivesThrottling(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	for _, a := range []string{"ecr.DescribeImages", "ecs.DescribeServices", "ecs.UpdateService", "ecs.RunTask", "ecs.DescribeTasks", "ecs.RegisterTaskDefinition"} {
		f.srv.Throttle(a, 2)
	}
	m, err := Deploy(context.Background(), f.options())
	if err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("throttling not survived: %v\n%s", err, f.out)
	}
	throttled := 0
	for _, c := range f.srv.Calls() {
		if c.Error == "ThrottlingException" {
			throttled++
		}
	}
	if throttled != 12 {
		t.Errorf("%d throttled calls answered, want 12", throttled)
	}
}

func TestDeployCancelledStopsWaitingAndReportsState(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.srv.SetRolloutTime("bitflow-backend", time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := f.options()
	opts.OnStage = func(s manifest.Stage) {
		if s.Name == StageWait && s.Status == manifest.StageRunning {
			f.clock.AfterFunc(time.Second, cancel)
		}
	}
	start := time.Now()
	m, err := Deploy(ctx, opts)
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("cancel took effect after %s", took)
	}
	var se *ecs.StabilityError
	if !errors.As(err, &se) || se.Reason != ecs.ReasonCancelled || m.Outcome != manifest.OutcomeCancelled {
		t.Fatalf("err %v outcome %s", err, m.Outcome)
	}
	if s := m.Stage(StageWait); s == nil || s.Status != manifest.StageCancelled || !strings.Contains(s.Error, "all 15 services: not stable") { // grouped by cause (issue 21)
		t.Errorf("wait stage %+v", s)
	}
	if !strings.Contains(f.out.String(), "stopped waiting (cancelled); last seen:") {
		t.Errorf("no state report on cancel:\n%s", f.out)
	}
	if f.rep.finished != 1 || f.rep.finishCtxErr != nil || f.rep.finishOutcome != manifest.OutcomeCancelled {
		t.Errorf("reporter Finish must get a live context and the cancelled manifest: %+v", f.rep)
	}
	read, err := manifest.Read(opts.ManifestPath)
	if err != nil || read.Outcome != manifest.OutcomeCancelled {
		t.Errorf("manifest on disk: %v %+v", err, read)
	}
}

func TestInvalidConfigMakesNoCallAtAll(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	bad := *f.env
	bad.Services = append([]config.Service(nil), f.env.Services...)
	bad.Services[1] = config.Service{Name: "bitflow-frontend-student", Role: "frontend", Containers: []config.Container{{Name: "studnt", App: "studnt"}}}
	opts := f.options()
	opts.Env = &bad
	m, err := Deploy(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), `"studnt" is not one of the 14 apps of bitflow-frontend/apps.json`) || m.FailedStage != StageValidate {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.srv.Calls()); n != 0 {
		t.Errorf("%d AWS calls made with an invalid config: %v", n, f.srv.Calls())
	}
	for name, o := range map[string]Options{
		"bad sha":      {Env: f.env, GitSHA: "main", AWS: f.cfg},
		"bad strategy": {Env: f.env, GitSHA: newSHA, AWS: f.cfg, Strategy: "yolo"},
		"no env":       {GitSHA: newSHA, AWS: f.cfg},
	} {
		if _, err := Deploy(context.Background(), o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(f.srv.Calls()); n != 0 {
		t.Errorf("%d AWS calls made with invalid options", n)
	}
}

func TestMissingImageStopsBeforeAnyChange(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	opts := f.options()
	opts.GitSHA = "3333333" // never pushed
	m, err := Deploy(context.Background(), opts)
	if err == nil || m.FailedStage != StageCheckImages || !strings.Contains(err.Error(), "15 release image(s) missing") {
		t.Fatalf("err = %v", err)
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("mutating calls before the images were checked: %v", mut)
	}
}

func TestDryRunOnlyReads(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	opts := f.options()
	opts.DryRun = true
	m, err := Deploy(context.Background(), opts)
	if err != nil || m.Outcome != manifest.OutcomeSucceeded {
		t.Fatalf("%v\n%s", err, f.out)
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("dry run made mutating calls: %v", mut)
	}
	if !strings.Contains(f.out.String(), "# container student:") || m.Stage(StageMigrate).Status != manifest.StageSkipped {
		t.Errorf("dry run output:\n%s", f.out)
	}
}

func TestGivenDigestMustMatchECR(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	opts := f.options()
	for _, app := range f.env.AppsDeployed() {
		img := manifest.Image{App: app, Repository: f.env.RepositoryURI(app), Tag: newSHA, Digest: f.digests[f.env.Repository(app)]}
		if app == "student" {
			img.Digest = "sha256:" + strings.Repeat("0", 64)
		}
		opts.Images = append(opts.Images, img)
	}
	m, err := Deploy(context.Background(), opts)
	if err == nil || m.FailedStage != StageCheckImages || !strings.Contains(err.Error(), "bitflow-student:"+newSHA+" is sha256:") {
		t.Fatalf("err = %v", err)
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("mutating calls after a digest mismatch: %v", mut)
	}
	opts.Images = opts.Images[:3]
	if _, err := Deploy(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "images: no image given for") {
		t.Errorf("incomplete image list: %v", err)
	}
}
