package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func TestGanttGolden(t *testing.T) {
	got := Gantt(sampleManifest())
	golden := filepath.Join("testdata", "gantt_success.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./ci/report -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("gantt differs from %s (review, then -update):\n--- got ---\n%s", golden, got)
	}
	if !strings.HasPrefix(got, "```mermaid\ngantt\n") || !strings.Contains(got, "dateFormat X") {
		t.Errorf("not a Mermaid gantt:\n%s", got)
	}
	if n := strings.Count(got, ":done, s"); n != len(sampleManifest().Stages) {
		t.Errorf("%d done bars, want one per stage:\n%s", n, got)
	}
	if sum := SummaryMarkdown(sampleManifest()); !strings.Contains(sum, got) || strings.Index(sum, "```mermaid") > strings.Index(sum, "### Images") {
		t.Errorf("the summary must carry the gantt above the images table:\n%s", sum)
	}
}

func TestGanttMarksFailuresAndSkipsUnstartedStages(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	m := &manifest.Manifest{Environment: "staging", GitSHA: "abc1234", Outcome: manifest.OutcomeFailed, Stages: []manifest.Stage{
		{Name: "validate", Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(2 * time.Second)},
		{Name: "deploy: backend", Status: manifest.StageFailed, StartedAt: start.Add(2 * time.Second), FinishedAt: start.Add(90 * time.Second)},
		{Name: "never", Status: manifest.StageSkipped},
	}}
	got := Gantt(m)
	for _, want := range []string{
		"    validate 2s :done, s0, 1767261600, 1767261602",
		"    deploy  backend 1m28s :crit, s1, 1767261602, 1767261690",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("gantt lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "never") {
		t.Errorf("an unstarted stage was drawn:\n%s", got)
	}
	if Gantt(&manifest.Manifest{}) != "" {
		t.Error("no stages must render no chart")
	}
}
