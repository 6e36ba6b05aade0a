package report

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

const fakeToken = "ghs_FAKEtoken0123456789abcdefSECRET"

// recorded is one request the go-github client sent.
type recorded struct {
	Method, Path, Auth string
	Body               map[string]any
}

// fakeGitHub is an httptest server answering the three endpoints the
// reporter uses, recording every request. status overrides the answer for
// a path suffix.
type fakeGitHub struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	failOn string // path suffix answered with 422
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
			}
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if f.failOn != "" && strings.HasSuffix(r.URL.Path, f.failOn) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"message":"Validation Failed","errors":[{"resource":"Deployment","code":"custom","message":"Conflict: Commit status checks failed for main."}]}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		switch {
		case strings.HasSuffix(r.URL.Path, "/deployments"):
			_, _ = io.WriteString(w, `{"id":42,"sha":"`+sampleSHA+`"}`)
		default:
			_, _ = io.WriteString(w, `{"id":7}`)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func newTestGitHub(t *testing.T, f *fakeGitHub) *GitHub {
	t.Helper()
	g, err := NewGitHub(GitHubOptions{
		Token:      fakeToken,
		Repository: "bitflow-lms/pipeline",
		BaseURL:    f.srv.URL + "/api/v3", // no trailing slash on purpose: the reporter adds it
		RunURL:     "https://github.com/bitflow-lms/pipeline/actions/runs/99",
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// wantRequest checks method, path and the given JSON fields of one request.
func wantRequest(t *testing.T, got recorded, method, path string, fields map[string]any) {
	t.Helper()
	if got.Method != method || got.Path != path {
		t.Errorf("request = %s %s, want %s %s", got.Method, got.Path, method, path)
	}
	if got.Auth != "Bearer "+fakeToken {
		t.Errorf("%s: Authorization header = %q, want the bearer token", path, got.Auth)
	}
	for k, want := range fields {
		gotJSON, _ := json.Marshal(got.Body[k])
		wantJSON, _ := json.Marshal(want)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s: body[%q] = %s, want %s", path, k, gotJSON, wantJSON)
		}
	}
}

// reportedRun reports m's Start and Finish to a fake GitHub and returns its
// five requests: the deployment, its in_progress status, the pending commit
// status, then the final deployment and commit statuses.
func reportedRun(t *testing.T, m *manifest.Manifest) []recorded {
	t.Helper()
	f := newFakeGitHub(t)
	g := newTestGitHub(t, f)
	ctx := context.Background()
	if err := g.Start(ctx, m); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := g.Finish(ctx, m); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	reqs := f.requests()
	if len(reqs) != 5 {
		t.Fatalf("got %d requests, want 5 (deployment, in_progress, pending, final deployment and commit statuses): %+v", len(reqs), reqs)
	}
	return reqs
}

func TestGitHubSuccessRequests(t *testing.T) {
	m := sampleManifest()
	reqs := reportedRun(t, m)
	base := "/api/v3/repos/bitflow-lms/pipeline"
	wantRequest(t, reqs[0], "POST", base+"/deployments", map[string]any{
		"ref": sampleSHA, "task": "deploy", "environment": "production",
		"auto_merge": false, "required_contexts": []string{},
		"production_environment": true, "transient_environment": false,
		"payload": map[string]any{"manifestId": m.ID, "strategy": "bluegreen"},
	})
	wantRequest(t, reqs[1], "POST", base+"/deployments/42/statuses", map[string]any{
		"state": "in_progress", "environment": "production",
		"log_url":     "https://github.com/bitflow-lms/pipeline/actions/runs/99",
		"description": "Deploying 0123456 with bluegreen",
	})
	wantRequest(t, reqs[2], "POST", base+"/statuses/"+sampleSHA, map[string]any{
		"state": "pending", "context": "bitflow/deploy/production",
		"target_url": "https://github.com/bitflow-lms/pipeline/actions/runs/99",
	})
	wantRequest(t, reqs[3], "POST", base+"/deployments/42/statuses", map[string]any{
		"state": "success", "environment_url": "https://app.bitflow.edu",
		"description": "Deployed 0123456 with bluegreen in 3m05s", "auto_inactive": true,
	})
	wantRequest(t, reqs[4], "POST", base+"/statuses/"+sampleSHA, map[string]any{
		"state": "success", "context": "bitflow/deploy/production",
		"description": "Deployed 0123456 with bluegreen in 3m05s",
	})
}

func TestGitHubFailureRequests(t *testing.T) {
	m := failedManifest()
	m.Environment = "staging"
	reqs := reportedRun(t, m)
	base := "/api/v3/repos/bitflow-lms/pipeline"
	wantRequest(t, reqs[0], "POST", base+"/deployments", map[string]any{
		"environment": "staging", "production_environment": false, "auto_merge": false, "required_contexts": []string{},
	})
	wantRequest(t, reqs[3], "POST", base+"/deployments/42/statuses", map[string]any{"state": "failure", "environment": "staging"})
	wantRequest(t, reqs[4], "POST", base+"/statuses/"+sampleSHA, map[string]any{"state": "failure", "context": "bitflow/deploy/staging"})
	for _, r := range reqs[3:] {
		desc, _ := r.Body["description"].(string)
		if !strings.HasPrefix(desc, "Failed at migrate: migration task exited 1") {
			t.Errorf("%s: description %q does not name the failing stage and reason", r.Path, desc)
		}
		if n := utf8.RuneCountInString(desc); n > 140 {
			t.Errorf("%s: description has %d characters, GitHub accepts 140", r.Path, n)
		}
		if !strings.HasSuffix(desc, "…") {
			t.Errorf("%s: a cut description should end with an ellipsis: %q", r.Path, desc)
		}
		if _, ok := r.Body["environment_url"]; ok {
			t.Errorf("%s: a failed deploy must not advertise an environment_url", r.Path)
		}
	}
}

func TestGitHubCancelAndRollbackStates(t *testing.T) {
	cases := []struct {
		name   string
		m      func() *manifest.Manifest
		state  string
		prefix string
	}{
		{"cancelled", cancelledManifest, "error", "Cancelled at deploy: cancelled by the workflow"},
		{"rolled back", func() *manifest.Manifest {
			m := failedManifest()
			m.Outcome = manifest.OutcomeRolledBack
			m.FailedStage, m.FailureReason = "bake", "target health: 2 of 3 targets unhealthy"
			return m
		}, "failure", "Rolled back; failed at bake: target health"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			g := newTestGitHub(t, f)
			if err := g.Finish(context.Background(), tc.m()); err != nil { // no Start: Finish creates the deployment
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != 3 || !strings.HasSuffix(reqs[0].Path, "/deployments") {
				t.Fatalf("want deployment + status + commit status, got %+v", reqs)
			}
			for _, r := range reqs[1:] {
				if r.Body["state"] != tc.state {
					t.Errorf("%s: state %v, want %s", r.Path, r.Body["state"], tc.state)
				}
				if d, _ := r.Body["description"].(string); !strings.HasPrefix(d, tc.prefix) {
					t.Errorf("%s: description %q, want prefix %q", r.Path, d, tc.prefix)
				}
			}
		})
	}
}

func TestGitHubAPIErrorIsReturnedWithoutToken(t *testing.T) {
	f := newFakeGitHub(t)
	f.failOn = "/deployments"
	g := newTestGitHub(t, f)
	err := g.Start(context.Background(), sampleManifest())
	if err == nil {
		t.Fatal("Start succeeded although GitHub answered 422")
	}
	if !strings.Contains(err.Error(), "create deployment of 0123456 to production") || !strings.Contains(err.Error(), "422") {
		t.Errorf("error does not say what failed: %v", err)
	}
	if strings.Contains(err.Error(), fakeToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("after a failed create, %d requests were sent, want 1 (no status for a deployment that does not exist)", n)
	}
}

func TestGitHubDryRunPostsNothing(t *testing.T) {
	f := newFakeGitHub(t)
	g := newTestGitHub(t, f)
	m := sampleManifest()
	m.DryRun = true
	if err := errors.Join(g.Start(context.Background(), m), g.Finish(context.Background(), m)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("a dry run sent %d requests to GitHub, want 0", n)
	}
}

func TestNewGitHubRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts GitHubOptions
		want string
	}{
		{GitHubOptions{Repository: "a/b"}, "token is empty"},
		{GitHubOptions{Token: fakeToken, Repository: "justname"}, `repository "justname" is not owner/name`},
		{GitHubOptions{Token: fakeToken, Repository: "a/b/c"}, "is not owner/name"},
		{GitHubOptions{Token: fakeToken, Repository: "a/b", BaseURL: "ftp://x/"}, "is not an http(s) URL"},
	} {
		_, err := NewGitHub(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewGitHub(%+v) error = %v, want it to contain %q", tc.opts.Repository, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), fakeToken) {
			t.Errorf("error leaks the token: %v", err)
		}
	}
}

func TestGitHubRefusesManifestWithoutSHA(t *testing.T) {
	f := newFakeGitHub(t)
	g := newTestGitHub(t, f)
	m := sampleManifest()
	m.GitSHA = ""
	if err := g.Start(context.Background(), m); err == nil || !strings.Contains(err.Error(), "has no gitSha") {
		t.Errorf("Start with no sha: error = %v", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent for an unusable manifest", n)
	}
}
