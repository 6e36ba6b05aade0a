package readable

import (
	"fmt"
	"strings"
	"testing"
)

func TestExecFailureShowsTheCommandAndTheEndOfItsOutput(t *testing.T) {
	var out strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&out, "line %d\n", i)
	}
	got := ExecFailure([]string{"/bin/sh", "-c", "composer install --no-dev"}, 1, "ignored", out.String()).Error()
	for _, want := range []string{"`composer install --no-dev` exited with code 1:\n... (15 lines)\nline 16\n", "line 40"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "line 15\n") || strings.Contains(got, "ignored") {
		t.Errorf("more than the last 25 lines of stderr:\n%s", got)
	}
}

func TestExecFailureFallsBackToStdoutAndPlainArgv(t *testing.T) {
	got := ExecFailure([]string{"pnpm", "test"}, 2, "1 failed\n", " \n").Error()
	if got != "`pnpm test` exited with code 2:\n1 failed" {
		t.Errorf("got %q", got)
	}
}

func TestWithoutIDs(t *testing.T) {
	id := strings.Repeat("CrFGChV4eGgzOjdlYWNlYTAx", 40)
	msg := "failed to load container from converted ID: load Container@" + id +
		": load xxh3:7eacea01326d7e15: inputs: load xxh3:a6e8602a263a57f6: inputs: failed to content hash dockerfile copy: exit code: 255"
	want := "failed to load container from converted ID: load Container@…: failed to content hash dockerfile copy: exit code: 255"
	if got := WithoutIDs(msg); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if short := "image alpine@sha256:abc"; WithoutIDs(short) != short {
		t.Errorf("a short reference must stay: %q", WithoutIDs(short))
	}
}
