package report

import (
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestAbandonedRecordRendersNoRunningStage: a dead run's record closed as
// abandoned (manifest.Abandon) shows the stage and the rollout it died in
// as abandoned, ending when the record was closed, in the summary, its
// gantt and Slack's stage list; nothing of it reads as still running.
func TestAbandonedRecordRendersNoRunningStage(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	closed := start.Add(9 * time.Minute)
	m := &manifest.Manifest{ID: "emulator-abc1234-1", Environment: "emulator", GitSHA: "abc1234", Strategy: "native-canary",
		Outcome: manifest.OutcomeInProgress, StartedAt: start,
		Stages: []manifest.Stage{
			{Name: "deploy", Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(30 * time.Second)},
			{Name: "wait", Status: manifest.StageRunning, StartedAt: start.Add(30 * time.Second)},
		},
		Services: []manifest.ServiceChange{{Service: "bitflow-backend", Rollout: &manifest.Rollout{StartedAt: start.Add(5 * time.Second)}}}}
	m.Abandon(&manifest.Abandonment{At: closed, By: "rollback-emulator-abc1234-2", ByWho: "bob@ci", Why: "its lock expired"}, "the run died: its lock expired")

	wait := m.Stage("wait")
	if m.Outcome != manifest.OutcomeAbandoned || !m.FinishedAt.Equal(closed) || wait.Status != manifest.StageAbandoned ||
		!wait.FinishedAt.Equal(closed) || m.FailedStage != "wait" || !strings.Contains(wait.Error, "the run died during this stage") {
		t.Fatalf("closed record: outcome %s finished %v failedStage %q, wait %+v", m.Outcome, m.FinishedAt, m.FailedStage, *wait)
	}
	if d := m.Stage("deploy"); d.Status != manifest.StageSucceeded || !d.FinishedAt.Equal(start.Add(30*time.Second)) {
		t.Errorf("a finished stage was touched: %+v", *d)
	}

	sum := SummaryMarkdown(m, nil)
	for _, want := range []string{
		"| wait | 💀 abandoned | — (record closed 09:09:00Z) | the run died during this stage",
		"**Failure:** wait: the run died: its lock expired",
		"    wait abandoned :crit, s1, 1772355630000, 1772356140000",
		"    bitflow-backend abandoned :crit, r0, 1772355605000, 1772356140000",
		"| abandoned (the run died watching it) |",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	for _, absent := range []string{"running", ":active", "⏳", "unfinished"} {
		if strings.Contains(sum, absent) {
			t.Errorf("summary says %q of an abandoned record:\n%s", absent, sum)
		}
	}
	if sl := stageLines(m); !strings.Contains(sl, "wait    abandoned  — (record closed 09:09:00Z)") || strings.Contains(sl, "running") {
		t.Errorf("slack stages:\n%s", sl)
	}
}
