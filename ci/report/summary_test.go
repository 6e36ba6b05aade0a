package report

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestSummaryMarkdownSuccessGolden(t *testing.T) {
	got := SummaryMarkdown(sampleManifest(), samplePublish())
	golden := filepath.Join("testdata", "summary_success.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("summary differs from %s (review, then -update):\n--- got ---\n%s", golden, got)
	}
	// The golden is reviewed by people; these are the facts it must hold.
	for _, want := range []string{
		"## ✅ Deploy of 0123456 to production succeeded",
		"| Outcome | **succeeded** |",
		"| Stage | Status | Duration | Error |",
		"| migrate | ✅ succeeded | 1m35s |  |",
		"| Images | 1 built, 1 reused |",
		"| App | Image | Built or reused | Input tag | Digest |",
		"| backend | `123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend:" + sampleSHA + "` | built in 3m30s | `in-" + strings.Repeat("1", 32) + "` | `sha256:" + strings.Repeat("a", 64) + "` |",
		"| student | `123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student:" + sampleSHA + "` | reused | `in-" + strings.Repeat("2", 32) + "` | `sha256:" + strings.Repeat("b", 64) + "` |",
		"| bitflow-backend-green | `arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:41` | `arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:42` | stable in 1m11s |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

func TestSummaryMarkdownFailure(t *testing.T) {
	m := failedManifest()
	m.FailureReason = "exit 1 | see log\nline two"
	m.Stages[2].Error = m.FailureReason
	m.Images[1].Digest = ""
	got := SummaryMarkdown(m, nil)
	for _, want := range []string{
		"## ❌ Deploy of 0123456 to production failed",
		"| Outcome | **failed** |",
		`**Failure:** migrate: exit 1 \| see log line two`,
		`| migrate | ❌ failed | 1m35s | exit 1 \| see log line two |`,
		"| student | `123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student:" + sampleSHA + "` | — | — | _not resolved_ |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("failure summary lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "| deploy |") {
		t.Error("summary lists a stage the run never reached")
	}
	// Every table row must keep its column count despite the pipe and newline in the reason.
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "| migrate |") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 5 {
				t.Errorf("stage row has %d cell separators, want 5: %s", n, line)
			}
		}
	}
}

func TestSummaryAppendsToStepSummaryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "step_summary.md")
	if err := os.WriteFile(path, []byte("# Earlier step\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := errors.Join(s.Start(ctx, sampleManifest()), s.Finish(ctx, sampleManifest()), s.Finish(ctx, cancelledManifest())); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, "# Earlier step\n\n## ✅") {
		t.Errorf("summary did not append after the earlier step's content:\n%s", got)
	}
	if !strings.Contains(got, "## 🚫 Deploy of 0123456 to production was cancelled") {
		t.Errorf("second run not appended:\n%s", got)
	}
	if strings.Count(got, "### Stages") != 2 {
		t.Errorf("want two stage tables (one per Finish; Start writes nothing), got %d", strings.Count(got, "### Stages"))
	}
}

func TestSummaryUnwritablePathNamesFile(t *testing.T) {
	s, err := NewSummary(filepath.Join(t.TempDir(), "missing-dir", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Finish(context.Background(), sampleManifest())
	if err == nil || !strings.Contains(err.Error(), "missing-dir/summary.md") {
		t.Errorf("error = %v, want it to name the file", err)
	}
	if _, err := NewSummary(""); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("empty path: %v, want ErrNotConfigured", err)
	}
}
