// Package enginetest runs the module's functions against a running engine:
// through the Go SDK (dagger.io/dagger, with the module's generated client in
// internal/dagger: typed arguments and results, see sdk_test.go), and through
// the `dagger` CLI for the words a user types (call --help, check -l). With no
// engine reachable every test skips with one line saying so; with one (see
// docs/dagger.md: dagger-native) they run.
package enginetest

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const skipLine = "no Dagger engine reachable (set _EXPERIMENTAL_DAGGER_RUNNER_HOST or start dagger-native): skipping engine test"

// repoRoot is the directory holding dagger.json.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "dagger.json")); err != nil {
		t.Fatalf("dagger.json not found at %s: %v", root, err)
	}
	return root
}

// daggerCLI returns the CLI path when an engine answers, else skips the test.
func daggerCLI(t *testing.T) string {
	t.Helper()
	host := os.Getenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST")
	if host == "" {
		t.Skip(skipLine)
	}
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "unix" {
		t.Skipf("%s (runner host %q is not a unix socket this test can probe)", skipLine, host)
	}
	c, err := net.DialTimeout("unix", u.Path, 2*time.Second)
	if err != nil {
		t.Skip(skipLine)
	}
	_ = c.Close()
	cli := os.Getenv("_EXPERIMENTAL_DAGGER_CLI_BIN")
	if cli == "" {
		if cli, err = exec.LookPath("dagger"); err != nil {
			t.Skipf("%s (no dagger CLI on PATH)", skipLine)
		}
	}
	return cli
}

// constructorArgs are extra module constructor flags from BITFLOW_DAGGER_ARGS
// (space-separated), e.g. "--frontend-runtime-image=mirror.example/node:26"
// to point the tests at a mirror.
func constructorArgs() []string {
	return strings.Fields(os.Getenv("BITFLOW_DAGGER_ARGS"))
}

type result struct {
	stdout, stderr string
	err            error
	took           time.Duration
}

// call runs `dagger call ARGS...` from the repository root.
func call(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	cli := daggerCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	argv := append([]string{"call", "--progress=plain"}, constructorArgs()...)
	cmd := exec.CommandContext(ctx, cli, append(argv, args...)...)
	cmd.Dir = repoRoot(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{out.String(), errb.String(), err, time.Since(start)}
	t.Logf("dagger call %s: %.1fs, err=%v", strings.Join(args, " "), r.took.Seconds(), err)
	return r
}

func mustSucceed(t *testing.T, r result) string {
	t.Helper()
	if r.err != nil {
		t.Fatalf("call failed: %v\nstdout:\n%s\nstderr (tail):\n%s", r.err, r.stdout, lastLines(r.stderr, 60))
	}
	return r.stdout
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// runDagger runs `dagger ARGS...` (not `call`) from the repository root and
// returns its combined output.
func runDagger(t *testing.T, cli string, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, append([]string{"--progress=plain"}, args...)...)
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
