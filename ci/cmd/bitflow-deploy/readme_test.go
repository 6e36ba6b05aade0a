package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReadmeEmulatorExampleWorksAsPasted runs the README's emulator example,
// exactly as written, from the repository root: it starts a fresh emulator
// on a free port and plans the HEAD release against it.
func TestReadmeEmulatorExampleWorksAsPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the CLI twice with go run")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := readmeBlock(t, string(readme), "## Against the emulator")
	if !strings.Contains(script, "bitflow-deploy emulator") || !strings.Contains(script, " plan ") {
		t.Fatalf("the README's emulator example no longer starts the emulator and plans:\n%s", script)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (the example names $(git rev-parse HEAD)): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's emulator example failed: %v\n%s\n%s", err, script, out)
	}
	sha := strings.TrimSpace(string(head))
	for _, want := range []string{"ready at http://127.0.0.1:", "<== check-images succeeded", "Plan: emulator, release " + sha, "read-only: nothing was changed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if regexp.MustCompile(`ready at http://127\.0\.0\.1:4566\b`).Match(out) {
		t.Error("the emulator bound the fixed port 4566")
	}
}

// readmeBlock returns the first ```sh block after heading.
func readmeBlock(t *testing.T, readme, heading string) string {
	t.Helper()
	_, after, ok := strings.Cut(readme, "\n"+heading)
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	_, block, ok := strings.Cut(after, "```sh\n")
	if !ok {
		t.Fatalf("README.md's %q section has no ```sh block", heading)
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatalf("README.md's %q block is not closed", heading)
	}
	return block
}
