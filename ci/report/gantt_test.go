package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestGanttGolden: the release on one time axis, one section per part
// (image builds, publish, deploy stages, service rollouts); people review
// the golden (go test ./report -run Golden -update).
func TestGanttGolden(t *testing.T) {
	got := Gantt(sampleManifest(), samplePublish())
	golden := filepath.Join("testdata", "gantt_success.md")
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
		t.Errorf("gantt differs from %s (review, then -update):\n--- got ---\n%s", golden, got)
	}
	if !strings.HasPrefix(got, "```mermaid\ngantt\n") || !strings.Contains(got, "dateFormat x") {
		t.Errorf("not a Mermaid gantt:\n%s", got)
	}
	// The facts the golden must hold, in this order.
	order := []string{
		"    section Images (1 built, 1 reused)\n",
		"    backend 3m30s :done, i0, 1795600400000, 1795600610000\n",
		"    section Publish\n",
		"    push backend 18s :done, p0, 1795600610000, 1795600628000\n",
		"    retag 1 reused 2s :done, p_retag, 1795600780000, 1795600782000\n",
		"    section Deploy\n",
		"    migrate 1m35s :done, s2, 1795600803000, 1795600898000\n",
		"    section Services\n",
		"    bitflow-backend-green 1m11s :done, r0, 1795600899000, 1795600970000\n",
	}
	at := 0
	for _, want := range order {
		i := strings.Index(got[at:], want)
		if i < 0 {
			t.Errorf("gantt lacks %q after byte %d:\n%s", want, at, got)
			continue
		}
		at += i + len(want)
	}
	if strings.Contains(got, "student") {
		t.Errorf("a reused image got a bar of its own:\n%s", got)
	}
	if sum := SummaryMarkdown(sampleManifest(), samplePublish()); !strings.Contains(sum, got) || strings.Index(sum, "```mermaid") > strings.Index(sum, "### Images") {
		t.Errorf("the summary must carry the gantt above the images table:\n%s", sum)
	}
}

func TestGanttMarksFailuresAndSkipsUnstartedStages(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	m := &manifest.Manifest{Environment: "staging", GitSHA: "abc1234", Outcome: manifest.OutcomeFailed, FinishedAt: start.Add(95 * time.Second),
		Stages: []manifest.Stage{
			{Name: "validate", Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(2 * time.Second)},
			{Name: "deploy: backend", Status: manifest.StageFailed, StartedAt: start.Add(2 * time.Second), FinishedAt: start.Add(90 * time.Second)},
			{Name: "health", Status: manifest.StageSkipped, StartedAt: start.Add(90 * time.Second), FinishedAt: start.Add(90 * time.Second)},
			{Name: "never", Status: manifest.StageSkipped},
		},
		Services: []manifest.ServiceChange{
			{Service: "bitflow-backend", Rollout: &manifest.Rollout{StartedAt: start.Add(3 * time.Second), FinishedAt: start.Add(60 * time.Second), Result: manifest.RolloutFailed}},
			{Service: "bitflow-frontend-student", Rollout: &manifest.Rollout{StartedAt: start.Add(3 * time.Second), FinishedAt: start.Add(60 * time.Second), Result: manifest.RolloutStopped}},
			{Service: "bitflow-frontend-parent", Rollout: &manifest.Rollout{StartedAt: start.Add(3 * time.Second)}},
			{Service: "bitflow-frontend-teacher"}, // not deployed by this run
		}}
	got := Gantt(m, nil)
	for _, want := range []string{
		"    validate 2s :done, s0, 1767261600000, 1767261602000",
		"    deploy  backend 1m28s :crit, s1, 1767261602000, 1767261690000",
		"    bitflow-backend 57s :crit, r0, 1767261603000, 1767261660000",
		"    bitflow-frontend-student 57s :crit, r1, 1767261603000, 1767261660000",
		"    bitflow-frontend-parent unfinished :active, r2, 1767261603000, 1767261695000",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("gantt lacks %q:\n%s", want, got)
		}
	}
	for _, absent := range []string{"never", "health", "teacher", "section Images", "section Publish"} {
		if strings.Contains(got, absent) {
			t.Errorf("gantt draws %q:\n%s", absent, got)
		}
	}
	if Gantt(&manifest.Manifest{}, nil) != "" {
		t.Error("no stages must render no chart")
	}
	if Gantt(&manifest.Manifest{}, &imagereuse.Record{}) != "" {
		t.Error("an empty record must render no chart")
	}
}

// TestSummaryOfAnOldManifest: a manifest written before rollouts and
// without publish records renders as before, with dashes where the new
// columns have nothing to say.
func TestSummaryOfAnOldManifest(t *testing.T) {
	m, err := manifest.Parse([]byte(`{"schemaVersion": 2, "environment": "production", "gitSha": "abc1234", "strategy": "rolling",
  "images": [{"app": "backend", "repository": "r/bitflow-backend", "tag": "abc1234", "digest": "sha256:aa"}],
  "services": [{"service": "bitflow-backend", "cluster": "c", "taskDefinitionBefore": "td:1", "taskDefinitionAfter": "td:2"}],
  "stages": [{"name": "deploy", "status": "succeeded", "startedAt": "2026-11-25T10:00:00Z", "finishedAt": "2026-11-25T10:01:00Z"}],
  "outcome": "succeeded", "startedAt": "2026-11-25T10:00:00Z", "finishedAt": "2026-11-25T10:01:00Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := SummaryMarkdown(m, nil)
	for _, want := range []string{
		"    section Deploy\n    deploy 1m00s :done, s0,",
		"| backend | `r/bitflow-backend:abc1234` | — | — | `sha256:aa` |",
		"| bitflow-backend | `td:1` | `td:2` | — |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	for _, absent := range []string{"section Services", "section Images", "| Images |"} {
		if strings.Contains(got, absent) {
			t.Errorf("summary has %q without rollouts or a record:\n%s", absent, got)
		}
	}
}

func TestPublishRecordMergesAndChecksTheCommit(t *testing.T) {
	m := sampleManifest()
	if pub, err := PublishRecord(m, nil); pub != nil || err != nil {
		t.Errorf("no records: %+v %v", pub, err)
	}
	matrix := &imagereuse.Record{SHA: sampleSHA, Images: samplePublish().Images[:1]}
	final := samplePublish()
	final.Images[0].Action, final.Images[0].Build = imagereuse.Reuse, nil // the deploy job's retag of the matrix's build
	pub, err := PublishRecord(m, []*imagereuse.Record{matrix, final})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pub.Find("backend"); !b.Built() || b.Build == nil {
		t.Errorf("backend %+v: the matrix built it", b)
	}
	short := &imagereuse.Record{SHA: sampleSHA[:7]}
	if _, err := PublishRecord(m, []*imagereuse.Record{short}); err != nil {
		t.Errorf("an abbreviated sha of the same commit: %v", err)
	}
	other := &imagereuse.Record{SHA: "fedcba9"}
	if _, err := PublishRecord(m, []*imagereuse.Record{other}); err == nil || !strings.Contains(err.Error(), "fedcba9") {
		t.Errorf("a record of another commit: %v", err)
	}
}
