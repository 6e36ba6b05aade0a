package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestKilledCanaryRunnerThenBareRollback is issue 21's item 5 through the
// CLI, on the emulator's own clock: release abcdef1 is live (rolling); a
// native-canary deploy of abcdef2 dies paused at its PAUSE hook (no call
// of it reaches AWS from then on, its lock is never released); the test
// moves the emulator's clock past the hook timeout and ECS rolls every
// service back by itself, no request made. A bare `rollback --env emulator`
// then takes over the dead run's expired lock and does not report success
// for doing nothing: it is refused, saying that ECS already reverted the
// release and when, what is live and what can be undone next; `releases`
// shows the dead run's record as abandoned, with the stage it died in.
func TestKilledCanaryRunnerThenBareRollback(t *testing.T) {
	t.Chdir("../../..") // --env emulator: ci/environments/emulator.yaml of the repository
	srv, clk := emutest.StartManual(t, awsemu.Options{})
	ctx := context.Background()
	if _, err := seed.Bitflow(ctx, srv.AWSConfig(), seed.Options{ImageTag: "1111111"}); err != nil {
		t.Fatal(err)
	}
	env, err := config.Load(filepath.Join("ci", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pushRelease(t, srv, env, "abcdef1")
	pushRelease(t, srv, env, "abcdef2")
	dir := t.TempDir()
	cli := func(ctx context.Context, out, errOut io.Writer, endpoint string, args ...string) int {
		return runOn(ctx, clk, append(args, "--env", "emulator", "--endpoint", endpoint), out, errOut, func(k string) string {
			return map[string]string{"USER": "alice"}[k]
		})
	}

	var out, errOut bytes.Buffer
	if code := cli(ctx, &out, &errOut, srv.URL, "deploy", "--sha", "abcdef1", "--no-report", "--manifest", filepath.Join(dir, "live.json")); code != exitOK {
		t.Fatalf("deploy abcdef1: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	live, err := manifest.Read(filepath.Join(dir, "live.json"))
	if err != nil {
		t.Fatal(err)
	}

	// The canary's runner reaches AWS through a switch, and dies on the
	// line that says it paused at the hook: its output blocks for ever and
	// every call it (its lock's heartbeat included) makes fails.
	sw := emutest.NewRunnerSwitch(t, srv.URL)
	dying := &dyingWriter{on: "paused at hook", die: func() { sw.Kill(nil) }, died: make(chan struct{}), stop: make(chan struct{})}
	t.Cleanup(func() { close(dying.stop) })
	rctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel) // after the test: let the dead runner's goroutine end
	go cli(rctx, dying, dying, sw.URL, "deploy", "--sha", "abcdef2", "--strategy", "native-canary", "--no-report", "--manifest", filepath.Join(dir, "canary.json"))
	wait := time.NewTimer(2 * time.Minute)
	select {
	case <-dying.died:
	case <-wait.C:
		t.Fatalf("the canary never paused at its hook:\n%s", dying.String())
	}
	calledBefore := len(srv.Calls())
	killedAt := clk.Now()

	// ECS alone: the hook times out (5m in emulator.yaml) and every service
	// deployment is rolled back, with no request reaching the emulator.
	ecsc := awsecs.NewFromConfig(srv.AWSConfig())
	for i := 0; i < 12*8; i++ {
		clk.Advance(5 * time.Second)
	}
	if after := srv.Calls()[calledBefore:]; len(after) != 0 {
		t.Fatalf("calls after the runner died: %+v", after)
	}
	var rolledBackAt time.Time
	for _, svc := range env.Services {
		sd := latestDeployment(t, ecsc, env.Cluster, svc.Name)
		if sd.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful || sd.Rollback == nil {
			t.Fatalf("%s: service deployment %s, want ROLLBACK_SUCCESSFUL by ECS", svc.Name, sd.Status)
		}
		rolledBackAt = aws.ToTime(sd.Rollback.StartedAt)
	}
	if !rolledBackAt.After(killedAt) || rolledBackAt.After(killedAt.Add(6*time.Minute)) {
		t.Errorf("ECS rolled back at %v, the runner died at %v (hook timeout 5m)", rolledBackAt, killedAt)
	}
	h, err := ledger.New(awsx.S3(srv.AWSConfig()), *env.State).List(ctx)
	if err != nil || len(h) != 2 || h[1].Outcome != manifest.OutcomeInProgress {
		t.Fatalf("ledger after the death: %v %+v", err, h)
	}
	dead := h[1]

	// A bare rollback: refused, naming what ECS did, what is live, and what
	// can be undone next; it changes nothing in ECS.
	srv.ResetCalls()
	out.Reset()
	errOut.Reset()
	code := cli(ctx, &out, &errOut, srv.URL, "rollback", "--no-report", "--output", filepath.Join(dir, "rollback.json"))
	if code != exitFailed {
		t.Errorf("bare rollback: exit %d, want %d (refused)\n%s\n%s", code, exitFailed, out.String(), errOut.String())
	}
	at := rolledBackAt.UTC().Format("15:04Z")
	for _, want := range []string{
		"nothing to undo: release " + dead.ID + " (native-canary, abandoned, git abcdef2",
		"all 15 services: rolled back by ECS at " + at,
		"timed out",
		"live: release " + live.ID + " (git abcdef1, rolling)",
		"can be undone with: bitflow-deploy rollback --env emulator --release " + live.ID,
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("the refusal lacks %q:\n%s", want, errOut.String())
		}
	}
	if strings.Count(errOut.String(), "nothing to undo") != 1 || strings.Contains(errOut.String(), "already runs") {
		t.Errorf("the refusal is said once, not per service:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "closed the record of "+dead.ID) || !strings.Contains(out.String(), "rollback rollback-"+dead.ID+": refused") {
		t.Errorf("the rollback's lines:\n%s", out.String())
	}
	t.Logf("the refusal:\n%s", errOut.String())
	for _, c := range srv.MutatingCalls() {
		if c.Service != "s3" {
			t.Errorf("a refused rollback changed the account: %s.%s", c.Service, c.Action)
		}
	}

	// releases: the dead run is abandoned (by the rollback that took over
	// its lock), the stage it died in says so; the live release stands.
	out.Reset()
	errOut.Reset()
	if code := cli(ctx, &out, &errOut, srv.URL, "releases"); code != exitOK {
		t.Fatalf("releases: exit %d\n%s", code, errOut.String())
	}
	rel := out.String()
	for _, want := range []string{
		"native-canary  abandoned    " + dead.ID,
		"abandoned: its lock (deploy by alice@",
		"wait abandoned (running when the run died; closed ",
		"live then: release " + live.ID + "; 0 of 15 services on its new revision",
		"change failure rate: 50% (1 of the finished deploys)",
	} {
		if !strings.Contains(rel, want) {
			t.Errorf("releases lacks %q:\n%s", want, rel)
		}
	}
	if strings.Contains(rel, " running ") || strings.Contains(rel, "in_progress") {
		t.Errorf("releases still shows something running:\n%s", rel)
	}
}

// latestDeployment is the newest service deployment of service.
func latestDeployment(t *testing.T, c *awsecs.Client, cluster, service string) ecstypes.ServiceDeployment {
	t.Helper()
	ctx := context.Background()
	l, err := c.ListServiceDeployments(ctx, &awsecs.ListServiceDeploymentsInput{Cluster: aws.String(cluster), Service: aws.String(service)})
	if err != nil || len(l.ServiceDeployments) == 0 {
		t.Fatalf("%s: service deployments: %v (%d)", service, err, len(l.ServiceDeployments))
	}
	var arns []string
	for _, s := range l.ServiceDeployments {
		arns = append(arns, aws.ToString(s.ServiceDeploymentArn))
	}
	d, err := c.DescribeServiceDeployments(ctx, &awsecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil || len(d.ServiceDeployments) == 0 {
		t.Fatalf("%s: describing %v: %v", service, arns, err)
	}
	latest := d.ServiceDeployments[0]
	for _, sd := range d.ServiceDeployments[1:] {
		if aws.ToTime(sd.CreatedAt).After(aws.ToTime(latest.CreatedAt)) {
			latest = sd
		}
	}
	return latest
}

// dyingWriter is a runner's output that kills it on the first line
// containing on: die is called, died closed, and that write (and every
// later one) blocks until stop, so the runner does nothing more.
type dyingWriter struct {
	on         string
	die        func()
	died, stop chan struct{}
	mu         sync.Mutex
	buf        bytes.Buffer
	dead       bool
}

func (w *dyingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if !w.dead {
		w.buf.Write(p)
		if strings.Contains(string(p), w.on) {
			w.dead = true
			w.die()
			close(w.died)
		}
	}
	dead := w.dead
	w.mu.Unlock()
	if dead {
		<-w.stop
	}
	return len(p), nil
}

func (w *dyingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
