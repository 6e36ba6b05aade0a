package enginetest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
)

func TestHelpListsEveryFunction(t *testing.T) {
	out := mustSucceed(t, call(t, 10*time.Minute, "--help"))
	for _, fn := range []string{"test-backend", "test-frontend", "audit", "build-backend", "build-frontend", "build", "publish", "ci", "lock-backend", "with-aws", "with-github", "with-slack", "environment"} {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(fn) + `\s`).MatchString(out) {
			t.Errorf("dagger call --help does not list %s:\n%s", fn, out)
		}
	}
	env := mustSucceed(t, call(t, 10*time.Minute, "environment", "--name", "production", "--help"))
	for _, fn := range []string{"plan", "deploy", "rollback", "check", "releases"} {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(fn) + `\s`).MatchString(env) {
			t.Errorf("dagger call environment --help does not list %s:\n%s", fn, env)
		}
	}
}

func TestCheckListsTheChecks(t *testing.T) {
	cli := daggerCLI(t)
	out, err := runDagger(t, cli, 10*time.Minute, "check", "-l")
	if err != nil {
		t.Fatalf("dagger check -l: %v\n%s", err, out)
	}
	for _, c := range []string{"test-backend", "test-frontend", "audit"} {
		if !strings.Contains(out, c) {
			t.Errorf("dagger check -l does not list %s:\n%s", c, out)
		}
	}
}

func TestBuildFrontendRefusesUnknownApp(t *testing.T) {
	r := call(t, 10*time.Minute, "build-frontend", "--app", "no-such-portal")
	if r.err == nil {
		t.Fatal("unknown app accepted")
	}
	all := r.stdout + r.stderr
	for _, s := range []string{`unknown app "no-such-portal"`, "student", "super-non-teaching-manager"} {
		if !strings.Contains(all, s) {
			t.Errorf("error output lacks %q:\n%s", s, lastLines(all, 30))
		}
	}
}

func TestBuildFrontendOneApp(t *testing.T) {
	out := mustSucceed(t, call(t, 30*time.Minute, "build-frontend", "--app", "student", "directory", "--path", "/app/apps/student", "entries"))
	if !strings.Contains(out, "server.js") {
		t.Errorf("standalone server.js missing from the student image:\n%s", out)
	}
}

func TestBuildBackendHasNoDevDependencies(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2")
	r := call(t, 30*time.Minute, "build-backend", "with-exec", "--args", "sh,-c,test -d vendor/laravel && ! test -e vendor/phpunit && echo prod-vendor-ok", "stdout")
	skipIfPackagistUnreachable(t, "build-backend", r)
	out := mustSucceed(t, r)
	if !strings.Contains(out, "prod-vendor-ok") {
		t.Errorf("backend image check: %s", out)
	}
}

func TestTestFrontend(t *testing.T) {
	out := mustSucceed(t, call(t, 30*time.Minute, "test-frontend"))
	if !regexp.MustCompile(`Tests\s+\d+ passed`).MatchString(out) {
		t.Errorf("no vitest summary in output:\n%s", lastLines(out, 20))
	}
}

func TestTestBackend(t *testing.T) {
	requireImages(t, "php:8.3-cli", "postgres:16", "redis:7")
	r := call(t, 30*time.Minute, "test-backend")
	skipIfPackagistUnreachable(t, "test-backend", r)
	out := mustSucceed(t, r)
	if !regexp.MustCompile(`(?i)tests?:\s+\d+ passed|OK \(\d+ tests?`).MatchString(out) {
		t.Errorf("no test summary in output:\n%s", lastLines(out, 20))
	}
}

func TestAuditUnreachableIsAFailureUnlessAllowed(t *testing.T) {
	r := call(t, 20*time.Minute, "audit")
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
	out := mustSucceed(t, call(t, 20*time.Minute, "audit", "--allow-unreachable-advisories"))
	if !strings.Contains(out, "UNAVAILABLE:") {
		t.Errorf("downgraded audit must still show the warning:\n%s", out)
	}
}

func TestLockBackend(t *testing.T) {
	requireImages(t, "php:8.3-cli", "composer:2")
	r := call(t, 30*time.Minute, "lock-backend", "contents")
	skipIfPackagistUnreachable(t, "lock-backend", r)
	if out := mustSucceed(t, r); !strings.Contains(out, `"laravel/framework"`) {
		t.Errorf("no laravel/framework in the resolved lock:\n%s", lastLines(out, 20))
	}
}

func TestAuditRejectsBadThreshold(t *testing.T) {
	r := call(t, 10*time.Minute, "audit", "--fail-on", "severe")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, "want one of none, info, low, moderate, high, critical") {
		t.Fatalf("bad --fail-on accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 20))
	}
}

func TestBuildAll(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	r := call(t, 60*time.Minute, "build")
	if onlyTheBackendFailed(r) {
		skipIfPackagistUnreachable(t, "build's backend image (the 14 portals built)", r)
	}
	out := mustSucceed(t, r)
	if !strings.Contains(out, "15 images built") {
		t.Errorf("want backend + 14 portals:\n%s", out)
	}
}

func TestPublishToLocalRegistry(t *testing.T) {
	requireImages(t, "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	sha := fmt.Sprintf("%07x", time.Now().Unix()&0xfffffff)
	args := []string{"publish", "--registry", "127.0.0.1:5000/enginetest"}
	want := 15
	r := call(t, 60*time.Minute, append(args, "--sha", sha)...)
	if onlyTheBackendFailed(r) && strings.Contains(r.stdout+r.stderr, "repo.packagist.org") {
		// The backend needs Packagist; the reuse path is the same for the portals.
		t.Logf("Packagist is unreachable from this engine's containers: the backend cannot build, publishing the 14 portals")
		args = append(args, "--apps", strings.Join(portals(t), ","))
		want = 14
		r = call(t, 60*time.Minute, append(args, "--sha", sha)...)
	}
	out := mustSucceed(t, r)
	row := regexp.MustCompile(`(?m)^([a-z-]+)\s+(built|reused)\s+in-[0-9a-f]{32}\s+sha256:[0-9a-f]{64}$`)
	if n := len(row.FindAllString(out, -1)); n != want {
		t.Fatalf("want %d image rows (app, built|reused, input tag, digest), got %d:\n%s", want, n, out)
	}
	// Published again with nothing changed: every image is reused, none
	// built; the JSON record says so with each retag's time.
	again := mustSucceed(t, call(t, 30*time.Minute, append(args, "--sha", sha+"1", "--format", "json")...))
	rec, err := imagereuse.ParseRecord([]byte(again))
	if err != nil {
		t.Fatalf("publish --format json: %v\n%s", err, again)
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
	for _, args := range [][]string{
		{"publish", "--registry", "127.0.0.1:5000/x", "--sha", "not-a-sha"},
		{"publish", "--registry", "https://reg.example", "--sha", "abc1234"},
		{"publish", "--registry", "127.0.0.1:5000/x", "--sha", "abc1234", "--registry-username", "ci"},
		{"publish", "--registry", "127.0.0.1:5000/x", "--sha", "abc1234", "--format", "yaml"},
	} {
		r := call(t, 10*time.Minute, args...)
		if r.err == nil {
			t.Errorf("%v accepted", args)
		}
		if args[len(args)-1] == "yaml" && !strings.Contains(r.stdout+r.stderr, "want one of table, json") {
			t.Errorf("%v: the error does not name the valid formats:\n%s", args, lastLines(r.stderr, 20))
		}
		if strings.Contains(r.stderr, "build-backend") || strings.Contains(r.stderr, "pnpm fetch") {
			t.Errorf("%v: something was built before validation failed", args)
		}
	}
}

func TestCi(t *testing.T) {
	requireImages(t, "php:8.3-cli", "postgres:16", "redis:7", "php:8.3-apache", "composer:2", "node:26-bookworm-slim")
	r := call(t, 90*time.Minute, "ci", "--allow-unreachable-advisories", "report")
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
}
