package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
)

// backendFunctions are the module's functions that build the backend, on the
// plain pipeline (*client.Query) or after with-composer-offline (*client.Bitflow).
type backendFunctions interface {
	TestBackend(ctx context.Context) (string, error)
	BuildBackend() *client.Container
	LockBackend() *client.File
	Build(ctx context.Context) (string, error)
	MigrateBackend(ctx context.Context) (string, error)
	ServeBackend() *client.Service
	Smoke(ctx context.Context) (string, error)
}

// backendPipeline is the pipeline whose backend builds install from this
// machine's Composer archives when it has them (with-composer-offline:
// BITFLOW_COMPOSER_ARCHIVES, default /opt/packagist-cache, holding files/;
// BITFLOW_PACKAGIST_REPO, default /work/shared/packagist/repo), else the
// plain pipeline (Packagist).
func backendPipeline(t *testing.T) backendFunctions {
	t.Helper()
	archives, repo, ok := offlineArchives()
	if !ok {
		return pipeline(t)
	}
	host := engine(t).Host()
	return pipeline(t).WithComposerOffline(host.Directory(archives), host.Directory(repo))
}

func offlineArchives() (archives, repo string, ok bool) {
	archives, set := os.LookupEnv("BITFLOW_COMPOSER_ARCHIVES")
	if !set {
		archives = "/opt/packagist-cache"
	}
	if repo = os.Getenv("BITFLOW_PACKAGIST_REPO"); repo == "" {
		repo = "/work/shared/packagist/repo"
	}
	if archives == "" {
		return "", "", false
	}
	if _, err := os.Stat(filepath.Join(archives, "files")); err != nil {
		return "", "", false
	}
	if _, err := os.Stat(filepath.Join(repo, "packages.json")); err != nil {
		return "", "", false
	}
	return archives, repo, true
}

// ciOf calls ci on either kind of pipeline.
func ciOf(p backendFunctions, allowUnreachable bool) *client.BitflowCiResult {
	switch p := p.(type) {
	case *client.Bitflow:
		return p.Ci(client.BitflowCiOpts{AllowUnreachableAdvisories: allowUnreachable})
	case *client.Query:
		return p.Ci(client.CiOpts{AllowUnreachableAdvisories: allowUnreachable})
	}
	panic(fmt.Sprintf("no ci on %T", p))
}

func TestMigrateBackend(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "postgres:16", "redis:7")
	r := sdkCall(t, 30*time.Minute, "migrate-backend", func(ctx context.Context) (string, error) {
		return backendPipeline(t).MigrateBackend(ctx)
	})
	skipIfPackagistUnreachable(t, "migrate-backend", r)
	out := mustSucceed(t, r)
	first, again, ok := strings.Cut(out, "--- again:")
	if !ok {
		t.Fatalf("no second run in the output:\n%s", out)
	}
	for _, m := range []string{"create_institutions_table", "create_students_table", "drop_roll_no_from_students"} {
		if !regexp.MustCompile(m + `.*DONE`).MatchString(first) {
			t.Errorf("first run did not apply %s:\n%s", m, first)
		}
	}
	if !strings.Contains(again, "Nothing to migrate") {
		t.Errorf("second run must find nothing to migrate:\n%s", again)
	}
	t.Logf("migrate-backend:\n%s", out)
}

// The backend image as a service (serve-backend: PostgreSQL and Redis bound,
// migrated, port 80 dropped) answers /health 200 through Apache on 8000,
// tunnelled to a free port of this machine; the image's user is not root.
func TestServeBackendHealthAsNonRoot(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "postgres:16", "redis:7")
	r := sdkCall(t, 30*time.Minute, "build-backend: id", func(ctx context.Context) (string, error) {
		return backendPipeline(t).BuildBackend().WithExec([]string{"id"}).Stdout(ctx)
	})
	skipIfPackagistUnreachable(t, "build-backend", r)
	id := mustSucceed(t, r)
	if !strings.Contains(id, "(www-data)") || strings.Contains(id, "uid=0(") {
		t.Errorf("the backend image must run as www-data, not root: %s", id)
	}
	t.Logf("build-backend's user: %s", strings.TrimSpace(id))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- backendPipeline(t).ServeBackend().Up(ctx, client.ServiceUpOpts{Ports: []client.PortForward{{Frontend: port, Backend: 8000}}})
	}()

	url := fmt.Sprintf("http://127.0.0.1:%d/health", port)
	var status int
	var body string
	for deadline := time.Now().Add(20 * time.Minute); time.Now().Before(deadline) && status != 200; time.Sleep(2 * time.Second) {
		select {
		case err := <-done:
			t.Fatalf("serve-backend stopped: %v\n%s", err, lastLines(session.log.String(), 40))
		default:
		}
		if resp, err := http.Get(url); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			status, body = resp.StatusCode, string(b)
		}
	}
	if status != 200 {
		t.Fatalf("/health never answered 200 (last %d %s)", status, body)
	}
	var health struct {
		Status string `json:"status"`
		Checks map[string]struct {
			Status string `json:"status"`
			Detail string `json:"detail"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		t.Fatalf("/health is not JSON: %v\n%s", err, body)
	}
	if health.Status != "ok" || health.Checks["database"].Detail != "pgsql" || health.Checks["redis"].Status != "ok" {
		t.Errorf("/health must be ok on PostgreSQL and Redis: %s", body)
	}
	t.Logf("GET /health through Apache on 8000: %d %s", status, body)
}

// Every image of the release starts and passes its own health check; the
// table names each and gives the wall time of the concurrent starts.
func TestSmokeStartsEveryImage(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "postgres:16", "redis:7", "node:26-bookworm-slim")
	r := sdkCall(t, 90*time.Minute, "smoke", func(ctx context.Context) (string, error) {
		return backendPipeline(t).Smoke(ctx)
	})
	if onlyTheBackendFailed(r) {
		skipIfPackagistUnreachable(t, "smoke's backend image (the 14 portals built)", r)
	}
	out := mustSucceed(t, r)
	if n := len(startedRow.FindAllString(out, -1)); n != 15 || !smokeWall.MatchString(out) {
		t.Fatalf("want 15 started images and the wall time, got %d:\n%s", n, out)
	}
	t.Logf("smoke:\n%s", out)
}

var (
	startedRow = regexp.MustCompile(`(?m)^[a-z-]+\s+ok\s+`)
	smokeWall  = regexp.MustCompile(`15 images started concurrently in [0-9.]+s \(wall time\)`)
)
