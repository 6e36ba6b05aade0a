package report

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// fakeReporter records calls and fails in the configured way.
type fakeReporter struct {
	name           string
	starts, finish atomic.Int32
	err            error
	panics, hangs  bool
	sawDeadline    atomic.Bool
}

func (f *fakeReporter) Name() string { return f.name }
func (f *fakeReporter) Start(ctx context.Context, m *manifest.Manifest) error {
	f.starts.Add(1)
	return f.act(ctx)
}
func (f *fakeReporter) Finish(ctx context.Context, m *manifest.Manifest) error {
	f.finish.Add(1)
	return f.act(ctx)
}
func (f *fakeReporter) act(ctx context.Context) error {
	if _, ok := ctx.Deadline(); ok {
		f.sawDeadline.Store(true)
	}
	switch {
	case f.panics:
		panic("boom")
	case f.hangs:
		<-ctx.Done()
		return ctx.Err()
	}
	return f.err
}

func TestMultiFansOutAndCollectsWarnings(t *testing.T) {
	var logs bytes.Buffer
	good := &fakeReporter{name: "good"}
	failing := &fakeReporter{name: "failing", err: errors.New("HTTP 500")}
	panicking := &fakeReporter{name: "panicking", panics: true}
	hanging := &fakeReporter{name: "hanging", hangs: true}
	mu := NewMulti(slog.New(slog.NewTextHandler(&logs, nil)), good, nil, failing, panicking, hanging).WithTimeout(50 * time.Millisecond)
	if n := len(mu.Reporters()); n != 4 {
		t.Fatalf("nil reporter kept: %d reporters", n)
	}

	startedAt := time.Now()
	err := mu.Finish(context.Background(), sampleManifest())
	if took := time.Since(startedAt); took > 2*time.Second {
		t.Errorf("a hanging reporter held Finish for %v despite the 50ms timeout", took)
	}
	if err == nil {
		t.Fatal("failures were swallowed: want a joined warning error")
	}
	for _, want := range []string{"failing: HTTP 500", "panicking: panic during finish: boom", "hanging: context deadline exceeded"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("joined error lacks %q: %v", want, err)
		}
		if !strings.Contains(logs.String(), strings.SplitN(want, ":", 2)[0]) {
			t.Errorf("no warning logged for %q: %s", want, logs.String())
		}
	}
	if strings.Contains(err.Error(), "good") {
		t.Errorf("the healthy reporter is reported as failing: %v", err)
	}
	for _, f := range []*fakeReporter{good, failing, panicking, hanging} {
		if f.finish.Load() != 1 {
			t.Errorf("%s: Finish called %d times, want 1", f.name, f.finish.Load())
		}
		if !f.sawDeadline.Load() {
			t.Errorf("%s: called without a deadline", f.name)
		}
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "the deploy carries on") {
		t.Errorf("warnings not logged as such:\n%s", logs.String())
	}
}

func TestMultiStartOnlyCallsStart(t *testing.T) {
	r := &fakeReporter{name: "r"}
	if err := NewMulti(nil, r).Start(context.Background(), sampleManifest()); err != nil {
		t.Fatal(err)
	}
	if r.starts.Load() != 1 || r.finish.Load() != 0 {
		t.Errorf("starts=%d finishes=%d, want 1 and 0", r.starts.Load(), r.finish.Load())
	}
	if err := NewMulti(nil, r).Start(context.Background(), nil); err == nil {
		t.Error("nil manifest accepted")
	}
}

func TestNewWithNothingConfigured(t *testing.T) {
	var logs bytes.Buffer
	mu, err := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("an unconfigured sink must not be an error: %v", err)
	}
	if n := len(mu.Reporters()); n != 0 {
		t.Errorf("%d reporters built from an empty config", n)
	}
	for _, want := range []string{"github reporter off", "slack reporter off: no webhook URL given", "summary reporter off"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no log line %q:\n%s", want, logs.String())
		}
	}
	// Fanning out to nothing is fine.
	if err := mu.Finish(context.Background(), failedManifest()); err != nil {
		t.Error(err)
	}
}

func TestNewLeavesOutInvalidReporterOnly(t *testing.T) {
	var logs bytes.Buffer
	mu, err := New(Config{
		GitHubToken: fakeToken, GitHubRepository: "no-slash",
		StepSummaryPath: t.TempDir() + "/summary.md",
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err == nil || !strings.Contains(err.Error(), `repository "no-slash" is not owner/name`) {
		t.Fatalf("error = %v, want the bad repository named", err)
	}
	if mu == nil || len(mu.Reporters()) != 1 || mu.Reporters()[0].Name() != "summary" {
		t.Fatalf("want the summary reporter still built, got %v", mu.Reporters())
	}
}

func TestReportersWarnsAndKeepsTheValidOnes(t *testing.T) {
	var logs bytes.Buffer
	reps := Reporters(Config{
		GitHubToken: fakeToken, GitHubRepository: "no-slash",
		StepSummaryPath: t.TempDir() + "/summary.md",
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})
	mu, ok := reps[0].(*Multi)
	if len(reps) != 1 || !ok || len(mu.Reporters()) != 1 || mu.Reporters()[0].Name() != "summary" {
		t.Fatalf("want one Multi with the summary reporter, got %v", reps)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "no-slash") || strings.Contains(logs.String(), fakeToken) {
		t.Errorf("the left-out reporter is not a logged warning (or the token leaked):\n%s", logs.String())
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"GITHUB_TOKEN": fakeToken, "GITHUB_REPOSITORY": "bitflow-lms/pipeline", "GITHUB_RUN_ID": "1234",
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
		"SLACK_WEBHOOK_URL": "https://hooks.slack.test/x", "GITHUB_STEP_SUMMARY": "/tmp/s.md",
	}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.RunURL != "https://github.com/bitflow-lms/pipeline/actions/runs/1234" {
		t.Errorf("RunURL = %q", c.RunURL)
	}
	if c.GitHubToken != fakeToken || c.SlackWebhookURL != env["SLACK_WEBHOOK_URL"] || c.StepSummaryPath != "/tmp/s.md" || c.GitHubAPIURL != env["GITHUB_API_URL"] {
		t.Errorf("config not read from env: %+v", c)
	}
	mu, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range mu.Reporters() {
		names = append(names, r.Name())
	}
	if strings.Join(names, ",") != "github,slack,summary" {
		t.Errorf("reporters = %v, want github,slack,summary", names)
	}
}
