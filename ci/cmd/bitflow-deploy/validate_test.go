package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

// TestBadCommandLinesActOnNothing gives every AWS-touching verb one bad
// flag (or environment) at a time, from an empty working directory and
// against an emulator: each must exit 2 with one message naming the flag,
// write no file, and make no AWS call.
func TestBadCommandLinesActOnNothing(t *testing.T) {
	cfg, err := filepath.Abs("../../environments/emulator.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := emutest.Start(t, awsemu.Options{})
	dir := t.TempDir()
	t.Chdir(dir)
	env := []string{"--config", cfg, "--endpoint", srv.URL}
	missing := filepath.Join(dir, "no-such-dir")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"deploy", "--sha", "not-a-sha!"}, `--sha: git sha "not-a-sha!"`},
		{[]string{"deploy", "--sha", "../x"}, `--sha: git sha "../x"`},
		{[]string{"deploy", "--sha", "ABCDEF1"}, "lower-case hex"},
		{[]string{"deploy"}, "--sha is required"},
		{[]string{"deploy", "--sha", "abcdef1", "--strategy", "yolo"}, `strategy override "yolo"`},
		{[]string{"deploy", "--sha", "abcdef1", "--commit-time", "yesterday"}, "--commit-time"},
		{[]string{"deploy", "--sha", "abcdef1", "--wait-until", "BAKE"}, "--wait-until"},
		{[]string{"deploy", "--sha", "abcdef1", "--manifest", filepath.Join(missing, "m.json")}, "--manifest"},
		{[]string{"deploy", "--sha", "abcdef1", "--manifest", dir}, "is a directory"},
		{[]string{"deploy", "--sha", "abcdef1", "--wait-for-lock", "-1s"}, "--wait-for-lock"},
		{[]string{"plan", "--sha", "not-a-sha!"}, "--sha"},
		{[]string{"plan", "--sha", "abcdef1", "--strategy", "yolo"}, "yolo"},
		{[]string{"rollback", "--sha", "../x"}, `git sha "../x"`},
		{[]string{"rollback", "--manifest", filepath.Join(dir, "nope.json")}, "--manifest"},
		{[]string{"rollback", "--output", filepath.Join(missing, "r.json")}, "--output"},
		{[]string{"releases", "--endpoint", "ftp://x"}, "--endpoint"},
		{[]string{"lock", "status", "--endpoint", "127.0.0.1:1"}, "--endpoint"},
		{[]string{"lock", "release", "--endpoint", "not a url"}, "--endpoint"},
	} {
		args := append(tc.args[:len(tc.args):len(tc.args)], env...)
		if tc.args[0] == "lock" || tc.args[0] == "releases" {
			args = append(tc.args[:len(tc.args):len(tc.args)], "--config", cfg) // their own --endpoint
		}
		expectRefused(t, srv, dir, args, tc.says)
	}
	// --env is checked before it names a file; check reads no AWS either.
	for _, verb := range [][]string{{"deploy", "--sha", "abcdef1"}, {"plan", "--sha", "abcdef1"}, {"rollback"}, {"releases"}, {"lock", "status"}, {"check"}} {
		args := append(verb[:len(verb):len(verb)], "--env", "../../x", "--endpoint", srv.URL)
		expectRefused(t, srv, dir, args, `--env: environment name "../../x"`)
	}
	// All problems of one command line are said in one message.
	code, _, errOut := runCLI(t, context.Background(), append([]string{"deploy", "--sha", "nope", "--strategy", "yolo", "--commit-time", "x"}, env...)...)
	if code != exitUsage || !strings.Contains(errOut, "3 problems with the command line") {
		t.Errorf("three bad flags: exit %d\n%s", code, errOut)
	}
	// The counter does count: a good command line calls AWS.
	if code, _, errOut := runCLI(t, context.Background(), append([]string{"plan", "--sha", "abcdef1"}, env...)...); len(srv.Calls()) == 0 {
		t.Errorf("plan with good flags made no call (exit %d): the checks above prove nothing\n%s", code, errOut)
	}
}

// expectRefused runs args and checks: exit 2, one message saying says, no
// file in dir, no AWS call.
func expectRefused(t *testing.T, srv *awsemu.Server, dir string, args []string, says string) {
	t.Helper()
	srv.ResetCalls()
	code, out, errOut := runCLI(t, context.Background(), args...)
	if code != exitUsage || !strings.Contains(errOut, says) || strings.Count(errOut, "bitflow-deploy ") != 1 {
		t.Errorf("%s: exit %d (want %d), want one message saying %q\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, exitUsage, says, out, errOut)
	}
	if calls := srv.Calls(); len(calls) > 0 {
		t.Errorf("%s: %d AWS calls before refusing, first %s.%s", strings.Join(args, " "), len(calls), calls[0].Service, calls[0].Action)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("%s: wrote %s", strings.Join(args, " "), e.Name())
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
