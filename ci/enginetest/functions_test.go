package enginetest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
)

func TestBuildFrontendRefusesUnknownApp(t *testing.T) {
	r := sdkCall(t, 10*time.Minute, "build-frontend no-such-portal", func(ctx context.Context) (string, error) {
		_, err := pipeline(t).BuildFrontend("no-such-portal").Sync(ctx)
		return "", err
	})
	if r.err == nil {
		t.Fatal("unknown app accepted")
	}
	for _, s := range []string{`unknown app "no-such-portal"`, "student", "super-non-teaching-manager"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("error lacks %q:\n%s", s, lastLines(r.stderr, 30))
		}
	}
}

func TestBuildFrontendOneApp(t *testing.T) {
	var entries []string
	mustSucceed(t, sdkCall(t, 30*time.Minute, "build-frontend student", func(ctx context.Context) (s string, err error) {
		entries, err = pipeline(t).BuildFrontend("student").Directory("/app/apps/student").Entries(ctx)
		return strings.Join(entries, "\n"), err
	}))
	if !slices.Contains(entries, "server.js") {
		t.Errorf("standalone server.js missing from the student image: %v", entries)
	}
}

func TestBuildBackendHasNoDevDependencies(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2")
	var laravel, phpunit bool
	r := sdkCall(t, 30*time.Minute, "build-backend", func(ctx context.Context) (s string, err error) {
		img := backendPipeline(t).BuildBackend()
		if laravel, err = img.Exists(ctx, "vendor/laravel", client.ContainerExistsOpts{ExpectedType: client.ExistsTypeDirectoryType}); err != nil {
			return "", err
		}
		phpunit, err = img.Exists(ctx, "vendor/phpunit")
		return fmt.Sprintf("vendor/laravel %v, vendor/phpunit %v", laravel, phpunit), err
	})
	skipIfPackagistUnreachable(t, "build-backend", r)
	mustSucceed(t, r)
	if !laravel || phpunit {
		t.Errorf("backend image: want vendor/laravel and no vendor/phpunit (production dependencies only), got %s", r.stdout)
	}
}

func TestTestFrontend(t *testing.T) {
	out := mustSucceed(t, sdkCall(t, 30*time.Minute, "test-frontend", func(ctx context.Context) (string, error) {
		return pipeline(t).TestFrontend(ctx)
	}))
	if !regexp.MustCompile(`Tests\s+\d+ passed`).MatchString(out) {
		t.Errorf("no vitest summary in output:\n%s", lastLines(out, 20))
	}
}

func TestTestBackend(t *testing.T) {
	requireImages(t, "php:8.3-cli", "postgres:16", "redis:7")
	r := sdkCall(t, 30*time.Minute, "test-backend", func(ctx context.Context) (string, error) {
		return backendPipeline(t).TestBackend(ctx)
	})
	skipIfPackagistUnreachable(t, "test-backend", r)
	out := mustSucceed(t, r)
	if !regexp.MustCompile(`(?i)tests?:\s+\d+ passed|OK \(\d+ tests?`).MatchString(out) {
		t.Errorf("no test summary in output:\n%s", lastLines(out, 20))
	}
}

func audit(t *testing.T, opts client.AuditOpts) result {
	t.Helper()
	return sdkCall(t, 20*time.Minute, fmt.Sprintf("audit %+v", opts), func(ctx context.Context) (string, error) {
		return pipeline(t).Audit(ctx, opts)
	})
}

func TestAuditUnreachableIsAFailureUnlessAllowed(t *testing.T) {
	r := audit(t, client.AuditOpts{})
	all := r.stdout + r.stderr
	if strings.Contains(all, "bitflow-core/composer.lock is not in the source") {
		t.Skip("bitflow-core/composer.lock is not committed (Packagist unreachable when it was written): composer audit cannot run, skipping")
	}
	if r.err == nil {
		if strings.Contains(all, "UNAVAILABLE") {
			t.Fatal("audit passed although an advisory database was unavailable")
		}
		t.Logf("both advisory databases reachable:\n%s", r.stdout)
		return
	}
	if !strings.Contains(all, "could not consult an advisory database") && !strings.Contains(all, "advisories at or above") {
		t.Fatalf("audit failed for another reason:\n%s", lastLines(all, 40))
	}
	if strings.Contains(all, "advisories at or above") {
		return // real findings: a legitimate failure
	}
	out := mustSucceed(t, audit(t, client.AuditOpts{AllowUnreachableAdvisories: true}))
	if !strings.Contains(out, "UNAVAILABLE:") {
		t.Errorf("downgraded audit must still show the warning:\n%s", out)
	}
}

func TestAuditRejectsBadThreshold(t *testing.T) {
	r := audit(t, client.AuditOpts{FailOn: "severe"})
	if r.err == nil || !strings.Contains(r.stderr, "want one of none, info, low, moderate, high, critical") {
		t.Fatalf("bad fail-on accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}

func TestLockBackend(t *testing.T) {
	requireImages(t, "php:8.3-cli", "composer:2")
	r := sdkCall(t, 30*time.Minute, "lock-backend", func(ctx context.Context) (string, error) {
		return backendPipeline(t).LockBackend().Contents(ctx)
	})
	skipIfPackagistUnreachable(t, "lock-backend", r)
	if out := mustSucceed(t, r); !strings.Contains(out, `"laravel/framework"`) {
		t.Errorf("no laravel/framework in the resolved lock:\n%s", lastLines(out, 20))
	}
}

func TestBuildAll(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	r := sdkCall(t, 60*time.Minute, "build", func(ctx context.Context) (string, error) {
		return backendPipeline(t).Build(ctx)
	})
	if onlyTheBackendFailed(r) {
		skipIfPackagistUnreachable(t, "build's backend image (the 14 portals built)", r)
	}
	out := mustSucceed(t, r)
	if !strings.Contains(out, "15 images built") {
		t.Errorf("want backend + 14 portals:\n%s", out)
	}
}

func TestCi(t *testing.T) {
	requireImages(t, "php:8.3-cli", "postgres:16", "redis:7", "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	var resolved bool
	var lock string
	r := sdkCall(t, 90*time.Minute, "ci", func(ctx context.Context) (string, error) {
		res := ciOf(backendPipeline(t), true)
		report, err := res.Report(ctx)
		if err != nil {
			return "", err
		}
		if resolved, err = res.LockResolved(ctx); err != nil {
			return "", err
		}
		lock, err = res.Lock().Contents(ctx)
		return report, err
	})
	all := r.stdout + r.stderr
	if strings.Contains(all, "composer.lock is missing and resolving it failed") {
		skipIfPackagistUnreachable(t, "ci (resolving the missing composer.lock)", r)
	}
	if !strings.Contains(all, "test-frontend") || !strings.Contains(all, "build") {
		t.Fatalf("no ci summary:\n%s", lastLines(all, 40))
	}
	if r.err != nil {
		if strings.Contains(all, "FAIL  test-backend") && strings.Contains(all, "repo.packagist.org") &&
			!strings.Contains(all, "FAIL  test-frontend") && !strings.Contains(all, "FAIL  build") && !strings.Contains(all, "FAIL  audit") {
			t.Skip("Packagist is unreachable from this engine's containers: test-backend cannot install; every other part of ci passed")
		}
		t.Fatalf("ci failed:\n%s", lastLines(all, 60))
	}
	if !strings.Contains(lock, `"laravel/framework"`) {
		t.Errorf("ci's lock (resolved: %v) has no laravel/framework:\n%s", resolved, lastLines(lock, 10))
	}
	// The lock line first, when there was no lock; every part passed (the
	// audits only with their advisory APIs unreachable said so); 15 smoke starts.
	first, _, _ := strings.Cut(r.stdout, "\n")
	if resolved && (!strings.HasPrefix(first, "!!! bitflow-core/composer.lock is MISSING") ||
		!strings.Contains(first, "dagger call ci lock export --path bitflow-core/composer.lock")) {
		t.Errorf("the report's first line must say the lock is missing and how to commit it: %q", first)
	}
	for _, part := range []string{"test-backend", "test-frontend", "audit", "build", "smoke"} {
		if !regexp.MustCompile(`(?m)^PASS  ` + part + `\s`).MatchString(r.stdout) {
			t.Errorf("%s did not pass:\n%s", part, lastLines(r.stdout, 60))
		}
	}
	if n := len(startedRow.FindAllString(r.stdout, -1)); n != 15 || !smokeWall.MatchString(r.stdout) {
		t.Errorf("want the table of 15 started images with the wall time, got %d rows:\n%s", n, lastLines(r.stdout, 40))
	}
	t.Logf("ci:\n%s", lastLines(r.stdout, 80))
}
