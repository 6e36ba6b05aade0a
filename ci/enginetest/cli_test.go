package enginetest

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The words a user types stay tested through the `dagger` CLI: the function
// list of `dagger call --help` and the checks of `dagger check -l`. Every
// other engine test calls the module through the Go SDK.

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
