package report

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestSecretsNeverAppearInOutput runs success and failure flows through
// every reporter, once with healthy sinks and once with sinks that fail,
// and checks that neither the token nor the webhook URL (nor its secret
// path) appears in the logs, the returned errors, the job summary, or the
// bodies sent to GitHub and Slack.
func TestSecretsNeverAppearInOutput(t *testing.T) {
	for _, broken := range []bool{false, true} {
		name := "healthy sinks"
		if broken {
			name = "failing sinks"
		}
		t.Run(name, func(t *testing.T) {
			gh := newFakeGitHub(t)
			sl := newFakeSlack(t)
			webhook := sl.url()
			if broken {
				gh.failOn = "/deployments"
				// A dead endpoint: the HTTP client's error quotes the full URL.
				webhook = closedURL(t) + webhookPath
			}
			var logs bytes.Buffer
			summaryPath := filepath.Join(t.TempDir(), "summary.md")
			mu, err := New(Config{
				GitHubToken: fakeToken, GitHubRepository: "bitflow-lms/pipeline", GitHubAPIURL: gh.srv.URL + "/",
				SlackWebhookURL: webhook, StepSummaryPath: summaryPath,
				RunURL: "https://github.com/bitflow-lms/pipeline/actions/runs/7",
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			if err != nil {
				t.Fatal(err)
			}
			var errText strings.Builder
			ctx := context.Background()
			for _, m := range []*manifestFn{{"success", sampleManifest}, {"failure", failedManifest}, {"cancel", cancelledManifest}} {
				for _, e := range []error{mu.Start(ctx, m.fn()), mu.Finish(ctx, m.fn())} {
					if e != nil {
						errText.WriteString(e.Error() + "\n")
					}
				}
			}
			if broken && errText.Len() == 0 {
				t.Fatal("failing sinks produced no error: the test would prove nothing")
			}
			if !broken && errText.Len() != 0 {
				t.Fatalf("healthy sinks failed: %s", errText.String())
			}
			summary, _ := os.ReadFile(summaryPath)
			ghBodies, _ := json.Marshal(gh.requests())
			slBodies, _ := json.Marshal(sl.payloads)
			if len(gh.requests()) == 0 || (!broken && len(sl.payloads) == 0) || len(summary) == 0 {
				t.Fatalf("a sink saw nothing (github %d requests, slack %d, summary %d bytes)", len(gh.requests()), len(sl.payloads), len(summary))
			}
			if broken && !strings.Contains(errText.String(), redacted) {
				t.Errorf("the dead webhook's error should show the URL redacted: %s", errText.String())
			}
			outputs := map[string]string{
				"logs": logs.String(), "errors": errText.String(), "summary": string(summary),
				"github request bodies": stripAuth(string(ghBodies)), "slack payloads": string(slBodies),
			}
			secrets := []string{fakeToken, webhook, webhookPath, "fakeWebhookSecretXYZ123"}
			for where, text := range outputs {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s contain the secret %q", where, s)
					}
				}
			}
		})
	}
}

type manifestFn struct {
	name string
	fn   func() *manifest.Manifest
}

// stripAuth drops the recorded Authorization headers: the token belongs
// there and nowhere else.
func stripAuth(recordedJSON string) string {
	return strings.ReplaceAll(recordedJSON, `"Auth":"Bearer `+fakeToken+`"`, `"Auth":"(ok)"`)
}

// closedURL is the base URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
