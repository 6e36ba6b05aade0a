package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestMain lets a test run the real main (signal handling included) in a
// child process: BITFLOW_DEPLOY_RUN_MAIN=1 go test binary -- args.
func TestMain(m *testing.M) {
	if os.Getenv("BITFLOW_DEPLOY_RUN_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"bitflow-deploy"}, os.Args[i+1:]...)
				break
			}
		}
		main()
	}
	os.Exit(m.Run())
}

// TestSIGINTReleasesTheLock sends SIGINT to a bitflow-deploy process while
// its deploy waits for the rollout: it exits 130, the lock is gone, and the
// ledger's record says cancelled.
func TestSIGINTReleasesTheLock(t *testing.T) {
	srv, env := seededRelease(t, awsemu.Options{Timing: awsemu.Timing{Rollout: time.Minute}})
	ctx, cfg := context.Background(), srv.AWSConfig()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "deploy", "--config", "../../environments/emulator.yaml",
		"--endpoint", srv.URL, "--sha", "abcdef1", "--manifest", t.TempDir()+"/m.json", "--no-report")
	cmd.Env = append(os.Environ(), "BITFLOW_DEPLOY_RUN_MAIN=1", "USER=sigint-test")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	store := &lock.Store{Client: awsx.S3(cfg), Bucket: env.State.Bucket, Prefix: env.State.Prefix}
	sc := bufio.NewScanner(stdout)
	var out strings.Builder
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "==> wait") {
			if held, _, _ := store.Status(ctx); held == nil || !strings.HasPrefix(held.Owner, "sigint-test@") {
				t.Errorf("lock during the wait: %+v", held)
			}
			_ = cmd.Process.Signal(syscall.SIGINT)
		}
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitCancelled {
		t.Fatalf("exit %v, want %d\n%s\n%s", err, exitCancelled, out.String(), stderr.String())
	}
	if held, _, err := store.Status(ctx); err != nil || held != nil {
		t.Fatalf("lock after SIGINT: %v %+v", err, held)
	}
	if n := srv.CountCalls("s3.DeleteObject"); n != 1 {
		t.Errorf("%d DeleteObject calls, want 1 (the lock's release)", n)
	}
	h, err := ledger.New(awsx.S3(cfg), *env.State).List(ctx)
	if err != nil || len(h) != 1 || h[0].Outcome != manifest.OutcomeCancelled {
		t.Fatalf("ledger after SIGINT: %v %+v", err, h)
	}
}
