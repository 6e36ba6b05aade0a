package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

func writeManifest(t *testing.T, o manifest.Outcome) string {
	t.Helper()
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion, ID: "staging-abc", Environment: "staging",
		GitSHA: "abcdef0123456789", Strategy: "rolling", Outcome: o,
		Stages:    []manifest.Stage{{Name: "migrate", Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(12 * time.Second)}},
		StartedAt: start, FinishedAt: start.Add(12 * time.Second),
	}
	if o != manifest.OutcomeSucceeded {
		m.FailedStage, m.FailureReason = "deploy", "service bitflow-frontend: circuit breaker rolled back"
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := m.Write(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSummaryAppendsToStepSummary(t *testing.T) {
	path := writeManifest(t, manifest.OutcomeFailed)
	sum := filepath.Join(t.TempDir(), "step-summary")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"summary", "--manifest", path}, &out, &errb, func(k string) string {
		if k == "GITHUB_STEP_SUMMARY" {
			return sum
		}
		return ""
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, _ := os.ReadFile(sum)
	for _, want := range []string{"## ❌ Deploy of abcdef0 to staging failed", "| migrate | ✅ succeeded | 12s |", "**Failure:** deploy: service bitflow-frontend: circuit breaker rolled back"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary lacks %q:\n%s", want, b)
		}
	}
}

// TestSummaryDrawsThePublishRecords: --publish, repeated, merges the
// build matrix's record with the deploy job's retag (the build survives)
// and draws the build, the push and the stages on one chart; a record of
// another commit is refused.
func TestSummaryDrawsThePublishRecords(t *testing.T) {
	path := writeManifest(t, manifest.OutcomeSucceeded)
	start := time.Date(2026, 11, 25, 9, 50, 0, 0, time.UTC)
	span := func(from, to int) *imagereuse.Span {
		return &imagereuse.Span{StartedAt: start.Add(time.Duration(from) * time.Second), FinishedAt: start.Add(time.Duration(to) * time.Second)}
	}
	img := imagereuse.Image{App: "backend", Repository: "reg/bitflow-backend", InputTag: "in-0123", Digest: "sha256:aa"}
	built, retagged := img, img
	built.Action, retagged.Action = imagereuse.Build, imagereuse.Reuse
	dir := t.TempDir()
	write := func(name string, r *imagereuse.Record) string {
		js, err := r.Render(imagereuse.FormatJSON)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	matrix := write("publish-backend.json", &imagereuse.Record{SHA: "abcdef0123456789", Images: []imagereuse.Published{{Image: built, Build: span(0, 300), Push: span(300, 320)}}})
	final := write("publish.json", &imagereuse.Record{SHA: "abcdef0123456789", Images: []imagereuse.Published{{Image: retagged, Push: span(590, 591)}}})

	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"summary", "--manifest", path, "--publish", matrix, "--publish", final}, &out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"section Images (1 built, 0 reused)", "    backend 5m00s :done, i0,", "    push backend 20s :done, p0,", "section Deploy",
		"| backend | `reg/bitflow-backend:abcdef0123456789` | built in 5m00s | `in-0123` | `sha256:aa` |", // the manifest lacks it: from the record
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}

	other := write("other.json", &imagereuse.Record{SHA: "9999999"})
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"summary", "--manifest", path, "--publish", other}, &out, &errb, func(string) string { return "" }); code != 1 || !strings.Contains(errb.String(), "9999999") {
		t.Errorf("a record of another commit: exit %d, %q", code, errb.String())
	}
	if code := run(context.Background(), []string{"summary", "--manifest", path, "--publish", filepath.Join(dir, "missing.json")}, &out, &errb, func(string) string { return "" }); code != 1 {
		t.Errorf("a missing record: exit %d", code)
	}
}

func TestSummaryWithoutManifestSaysSo(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"summary", "--manifest", filepath.Join(t.TempDir(), "nope.json")}, &out, &errb, func(string) string { return "" })
	if code != 0 || !strings.Contains(out.String(), "Deploy produced no release manifest") {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}

func TestOutcomeExitCodes(t *testing.T) {
	for o, want := range map[manifest.Outcome]int{
		manifest.OutcomeSucceeded: 0, manifest.OutcomeFailed: 1, manifest.OutcomeRolledBack: 1, manifest.OutcomeCancelled: 1,
	} {
		var out, errb bytes.Buffer
		if got := run(context.Background(), []string{"outcome", "--manifest", writeManifest(t, o)}, &out, &errb, os.Getenv); got != want {
			t.Errorf("outcome %s: exit %d, want %d", o, got, want)
		}
		if !strings.Contains(out.String(), "staging abcdef0123456789: "+string(o)) {
			t.Errorf("outcome %s: stdout %q", o, out.String())
		}
		if want == 1 && !strings.Contains(errb.String(), `stage "deploy": service bitflow-frontend`) {
			t.Errorf("outcome %s: stderr does not say why: %q", o, errb.String())
		}
	}
}

func TestOutcomeOfABadManifest(t *testing.T) {
	var out, errb bytes.Buffer
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"schemaVersion": 99}`), 0o644)
	if code := run(context.Background(), []string{"outcome", "--manifest", bad}, &out, &errb, os.Getenv); code != 1 || !strings.Contains(errb.String(), "schemaVersion 99") {
		t.Errorf("bad manifest: exit %d, %q", code, errb.String())
	}
}
