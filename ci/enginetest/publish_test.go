package enginetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
)

func publish(t *testing.T, timeout time.Duration, registry, sha string, opts client.PublishOpts) result {
	t.Helper()
	return sdkCall(t, timeout, fmt.Sprintf("publish %s %s %+v", registry, sha, opts), func(ctx context.Context) (string, error) {
		return pipeline(t).Publish(ctx, registry, sha, opts)
	})
}

func TestPublishToLocalRegistry(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	const registry = "127.0.0.1:5000/enginetest"
	sha := fmt.Sprintf("%07x", time.Now().Unix()&0xfffffff)
	var opts client.PublishOpts
	want := 15
	r := publish(t, 60*time.Minute, registry, sha, opts)
	if onlyTheBackendFailed(r) && strings.Contains(r.stdout+r.stderr, "repo.packagist.org") {
		// The backend needs Packagist; the reuse path is the same for the portals.
		t.Logf("Packagist is unreachable from this engine's containers: the backend cannot build, publishing the 14 portals")
		opts.Apps = strings.Join(portals(t), ",")
		want = 14
		r = publish(t, 60*time.Minute, registry, sha, opts)
	}
	out := mustSucceed(t, r)
	row := regexp.MustCompile(`(?m)^([a-z-]+)\s+(built|reused)\s+in-[0-9a-f]{32}\s+sha256:[0-9a-f]{64}$`)
	if n := len(row.FindAllString(out, -1)); n != want {
		t.Fatalf("want %d image rows (app, built|reused, input tag, digest), got %d:\n%s", want, n, out)
	}
	// Published again with nothing changed: every image is reused, none
	// built; the JSON record says so with each retag's time.
	opts.Format = "json"
	again := mustSucceed(t, publish(t, 30*time.Minute, registry, sha+"1", opts))
	rec, err := imagereuse.ParseRecord([]byte(again))
	if err != nil {
		t.Fatalf("publish format json: %v\n%s", err, again)
	}
	if len(rec.Images) != want || rec.SHA != sha+"1" {
		t.Fatalf("record of %d images for %q, want %d for %s:\n%s", len(rec.Images), rec.SHA, want, sha+"1", again)
	}
	for _, p := range rec.Images {
		if p.Built() || p.Build != nil || p.Push == nil || p.Push.FinishedAt.Before(p.Push.StartedAt) || p.Digest == "" {
			t.Errorf("an unchanged release must reuse every image, with its retag timed: %+v", p)
		}
	}
}

func TestPublishValidatesBeforeBuilding(t *testing.T) {
	for _, tc := range []struct {
		registry, sha string
		opts          client.PublishOpts
		says          string
	}{
		{"127.0.0.1:5000/x", "not-a-sha", client.PublishOpts{}, ""},
		{"https://reg.example", "abc1234", client.PublishOpts{}, ""},
		{"127.0.0.1:5000/x", "abc1234", client.PublishOpts{RegistryUsername: "ci"}, ""},
		{"127.0.0.1:5000/x", "abc1234", client.PublishOpts{Format: "yaml"}, "want one of table, json"},
	} {
		r := publish(t, 10*time.Minute, tc.registry, tc.sha, tc.opts)
		if r.err == nil {
			t.Errorf("%s %s %+v accepted", tc.registry, tc.sha, tc.opts)
		}
		if !strings.Contains(r.stderr, tc.says) {
			t.Errorf("%s %s %+v: the error does not say %q:\n%s", tc.registry, tc.sha, tc.opts, tc.says, lastLines(r.stderr, 20))
		}
		if strings.Contains(r.stderr, "build-backend") || strings.Contains(r.stderr, "pnpm fetch") {
			t.Errorf("%s %s %+v: something was built before validation failed", tc.registry, tc.sha, tc.opts)
		}
	}
}

// TestPublishRefusesABackendFromOfflineArchives: a backend image built from
// with-composer-offline's machine-local archives is never published (its
// input tag does not cover the archives); the portals alone still can be.
func TestPublishRefusesABackendFromOfflineArchives(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	host := engine(t).Host()
	r := sdkCall(t, 10*time.Minute, "with-composer-offline … publish", func(ctx context.Context) (string, error) {
		return pipeline(t).WithComposerOffline(host.Directory(dir), host.Directory(dir)).Publish(ctx, "127.0.0.1:5000/refused", "abc1234")
	})
	if r.err == nil || !strings.Contains(r.stderr, "machine-local archives") {
		t.Fatalf("a backend from offline archives was published or the refusal is unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
	if strings.Contains(r.stderr, "composer install") || strings.Contains(r.stderr, "pnpm fetch") {
		t.Error("something was built before the refusal")
	}
}
