package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
)

// `emulator --seed` runs outside a checkout (no bitflow-frontend/apps.json
// or ci/environments above the working directory) with the built-in
// environment, and says so.
func TestEmulatorSeedsOutsideTheRepository(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncbuf.Buffer
	f, _, err := parseEmulatorFlags([]string{"--seed", "--quiet"}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		_, err := serveEmulator(ctx, f, nil, &logs, &logs, func(u string) { ready <- u })
		done <- err
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("seed outside the repository: %v\n%s", err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("not ready")
	}
	cancel()
	<-done
	if l := logs.String(); !strings.Contains(l, "seeding the topology of emulator.yaml (built in)") || !strings.Contains(l, "services 15") {
		t.Errorf("log:\n%s", l)
	}
}
