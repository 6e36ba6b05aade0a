package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// TestMigrationLogTailIsScrubbedEverywhere: a failing migration whose log
// holds secrets reaches the manifest (disk and ledger), the Slack message,
// the job summary and the CLI's error without them.
func TestMigrationLogTailIsScrubbedEverywhere(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	f.srv.FailTasks("bitflow-migration", 1, "Connecting with DB_PASSWORD=hunter2",
		"dsn postgres://bitflow:s3cr3t-pw@db:5432/bitflow", `{"api_token": "tok-123456"}`, "SQLSTATE[42S01]: table exists")
	m, err := Deploy(context.Background(), f.options())
	if err == nil || m.FailedStage != StageMigrate {
		t.Fatalf("deploy: %v (failed stage %s)", err, m.FailedStage)
	}
	disk, _ := os.ReadFile(f.options().ManifestPath)
	ledgerJSON, _ := json.Marshal(f.history(t))
	slackJSON, _ := json.Marshal(report.SlackMessage(m, "https://ci.example/runs/1", "https://github.com/o/r"))
	for where, text := range map[string]string{
		"error": err.Error(), "manifest on disk": string(disk), "ledger record": string(ledgerJSON),
		"slack message": string(slackJSON), "job summary": report.SummaryMarkdown(m, nil),
	} {
		for _, secret := range []string{"hunter2", "s3cr3t-pw", "tok-123456"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains the secret %q", where, secret)
			}
		}
	}
	if !strings.Contains(m.FailureReason, "DB_PASSWORD=***") || !strings.Contains(m.FailureReason, "postgres://***@db") ||
		!strings.Contains(m.FailureReason, "SQLSTATE[42S01]: table exists") {
		t.Errorf("failure reason lost the log tail:\n%s", m.FailureReason)
	}
	if f.srv.CountCalls("ecs.RunTask") != 1 || f.srv.CountCalls("logs.GetLogEvents") != 1 || f.called("ecs.UpdateService") {
		t.Errorf("calls: RunTask %d, GetLogEvents %d, UpdateService %v", f.srv.CountCalls("ecs.RunTask"), f.srv.CountCalls("logs.GetLogEvents"), f.called("ecs.UpdateService"))
	}
}

// TestMigrationIsStoppedOnTimeoutAndOnCancel: the migration task never
// outlives the deploy that started it.
func TestMigrationIsStoppedOnTimeoutAndOnCancel(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		f := newFixture(t, awsemu.Timing{TaskStop: time.Hour}) // the task would run an hour
		f.env.Timeouts.Migration = config.D(5 * time.Second)
		m, err := Deploy(context.Background(), f.options())
		if err == nil || !strings.Contains(err.Error(), "it was stopped (StopTask)") || m.FailedStage != StageMigrate {
			t.Fatalf("deploy: %v", err)
		}
		if n := f.srv.CountCalls("ecs.StopTask"); n != 1 || f.called("ecs.UpdateService") {
			t.Errorf("StopTask %d calls (want 1), UpdateService %v", n, f.called("ecs.UpdateService"))
		}
	})
	t.Run("cancel", func(t *testing.T) {
		f := newFixture(t, awsemu.Timing{TaskStop: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		opts := f.options()
		opts.OnStage = func(st manifest.Stage) {
			if st.Name == StageMigrate && st.Status == manifest.StageRunning {
				go func() {
					for f.srv.CountCalls("ecs.DescribeTasks") == 0 { // the task runs and is being watched
						time.Sleep(5 * time.Millisecond)
					}
					cancel()
				}()
			}
		}
		m, err := Deploy(ctx, opts)
		if !errors.Is(err, context.Canceled) || m.Outcome != manifest.OutcomeCancelled {
			t.Fatalf("deploy: %v %s", err, m.Outcome)
		}
		if n := f.srv.CountCalls("ecs.StopTask"); n != 1 {
			t.Errorf("StopTask %d calls, want 1", n)
		}
		if got, _, _ := f.lockStore().Status(context.Background()); got != nil {
			t.Errorf("lock held after the cancel: %+v", got)
		}
	})
}
