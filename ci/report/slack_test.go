package report

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// fakeSlack is an incoming-webhook endpoint that records each payload.
type fakeSlack struct {
	srv      *httptest.Server
	mu       sync.Mutex
	payloads []map[string]any
	paths    []string
	status   int
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{status: http.StatusOK}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var p map[string]any
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Errorf("slack payload is not JSON: %v", err)
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("slack request %s with Content-Type %q, want POST application/json", r.Method, r.Header.Get("Content-Type"))
		}
		f.mu.Lock()
		f.payloads = append(f.payloads, p)
		f.paths = append(f.paths, r.URL.Path)
		status := f.status
		f.mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// webhookPath looks like a real webhook secret path.
const webhookPath = "/services/T0FAKE000/B0FAKE000/fakeWebhookSecretXYZ123"

func (f *fakeSlack) url() string { return f.srv.URL + webhookPath }

// sendOne runs a whole run (Start then Finish) through a Slack reporter and
// returns the single payload it must have sent.
func sendOne(t *testing.T, m *manifest.Manifest) map[string]any {
	t.Helper()
	f := newFakeSlack(t)
	s, err := NewSlack(SlackOptions{WebhookURL: f.url(), RunURL: "https://github.com/bitflow-lms/pipeline/actions/runs/99", RepositoryURL: "https://github.com/bitflow-lms/pipeline"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := errors.Join(s.Start(ctx, m), s.Finish(ctx, m)); err != nil {
		t.Fatal(err)
	}
	if len(f.payloads) != 1 {
		t.Fatalf("sent %d messages for one run, want exactly 1", len(f.payloads))
	}
	if f.paths[0] != webhookPath {
		t.Errorf("posted to %s, want the webhook path", f.paths[0])
	}
	return f.payloads[0]
}

// payloadText flattens every text in the payload so tests can search it.
func payloadText(p map[string]any) string {
	b, _ := json.Marshal(p)
	var sb strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, vv := range x {
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		case string:
			sb.WriteString(x)
			sb.WriteString("\n")
		}
	}
	var generic any
	_ = json.Unmarshal(b, &generic)
	walk(generic)
	return sb.String()
}

func attachmentColour(t *testing.T, p map[string]any) string {
	t.Helper()
	atts, _ := p["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("want one attachment carrying the colour, got %v", p["attachments"])
	}
	c, _ := atts[0].(map[string]any)["color"].(string)
	return c
}

func TestSlackSuccessPayload(t *testing.T) {
	p := sendOne(t, sampleManifest())
	if got := p["text"]; got != ":white_check_mark: Deploy of 0123456 to production succeeded" {
		t.Errorf("text = %q", got)
	}
	blocks, _ := p["blocks"].([]any)
	if len(blocks) < 3 {
		t.Fatalf("want header, fields and stages blocks, got %d blocks", len(blocks))
	}
	if typ := blocks[0].(map[string]any)["type"]; typ != "header" {
		t.Errorf("first block is %v, want header", typ)
	}
	text := payloadText(p)
	for _, want := range []string{
		"*Environment*\nproduction",
		"*Commit*\n<https://github.com/bitflow-lms/pipeline/commit/" + sampleSHA + "|0123456>",
		"*Strategy*\nbluegreen",
		"*Outcome*\nsucceeded",
		"*Duration*\n3m05s",
		"validate      succeeded  1s",
		"migrate       succeeded  1m35s",
		"deploy        succeeded  1m27s",
		"<https://github.com/bitflow-lms/pipeline/actions/runs/99|Workflow run>",
		"backend: `123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend@sha256:aaaa",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("success payload lacks %q\n--- payload text ---\n%s", want, text)
		}
	}
	if strings.Contains(text, "*Failure:*") {
		t.Error("a successful run's message has a failure section")
	}
	if c := attachmentColour(t, p); c != "good" {
		t.Errorf("colour %q, want good", c)
	}
}

func TestSlackFailurePayload(t *testing.T) {
	m := failedManifest()
	m.FailureReason = "migration exited 1 <script>&" // mrkdwn control characters are escaped
	p := sendOne(t, m)
	text := payloadText(p)
	for _, want := range []string{
		":x: Deploy of 0123456 to production failed",
		"*Failure:* migrate: migration exited 1 &lt;script&gt;&amp;",
		"migrate       failed     1m35s",
		"*Outcome*\nfailed",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("failure payload lacks %q\n%s", want, text)
		}
	}
	if c := attachmentColour(t, p); c != "danger" {
		t.Errorf("colour %q, want danger", c)
	}
}

func TestSlackCancelPayload(t *testing.T) {
	p := sendOne(t, cancelledManifest())
	text := payloadText(p)
	for _, want := range []string{
		":no_entry_sign: Deploy of 0123456 to production was cancelled",
		"*Failure:* deploy: cancelled by the workflow (run cancelled)",
		"deploy        cancelled  1m27s",
		"*Outcome*\ncancelled",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("cancel payload lacks %q\n%s", want, text)
		}
	}
	if c := attachmentColour(t, p); c != "warning" {
		t.Errorf("colour %q, want warning", c)
	}
}

func TestSlackMissingWebhookIsNotConfigured(t *testing.T) {
	_, err := NewSlack(SlackOptions{})
	if !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("empty webhook: error %v, want ErrNotConfigured", err)
	}
}

func TestSlackBadWebhookErrorHidesValue(t *testing.T) {
	bad := "hooks.example/services/T0/B0/notAURLbutSecret"
	_, err := NewSlack(SlackOptions{WebhookURL: bad})
	if err == nil {
		t.Fatal("a webhook without scheme was accepted")
	}
	if strings.Contains(err.Error(), "notAURLbutSecret") {
		t.Errorf("error quotes the secret webhook: %v", err)
	}
}

func TestSlackHTTPErrorsAreRedacted(t *testing.T) {
	// A server answering 404 ("no_service"), and a closed port: both errors
	// must say what failed without quoting the webhook URL.
	f := newFakeSlack(t)
	f.status = http.StatusNotFound
	s, err := NewSlack(SlackOptions{WebhookURL: f.url()})
	if err != nil {
		t.Fatal(err)
	}
	err404 := s.Finish(context.Background(), sampleManifest())
	if err404 == nil || !strings.Contains(err404.Error(), "404") {
		t.Errorf("404 from Slack: error = %v, want it to mention 404", err404)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + webhookPath
	ln.Close()
	s2, err := NewSlack(SlackOptions{WebhookURL: closed})
	if err != nil {
		t.Fatal(err)
	}
	errDial := s2.Finish(context.Background(), sampleManifest())
	if errDial == nil || !strings.Contains(errDial.Error(), "slack reporter: post message") {
		t.Fatalf("closed port: error = %v", errDial)
	}
	for _, e := range []error{err404, errDial} {
		if strings.Contains(e.Error(), "fakeWebhookSecretXYZ123") || strings.Contains(e.Error(), webhookPath) {
			t.Errorf("error leaks the webhook: %v", e)
		}
	}
	if !strings.Contains(errDial.Error(), redacted) {
		t.Errorf("dial error should show where the URL was redacted: %v", errDial)
	}
}
