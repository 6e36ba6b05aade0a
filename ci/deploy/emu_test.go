package deploy

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

const (
	oldSHA = "1111111"
	newSHA = "2222222"
)

// testMaxBackoff caps the SDK retryer's wall-clock backoff: throttling is
// still retried, in milliseconds.
const testMaxBackoff = 100 * time.Millisecond

// fixture is a seeded emulator (the default Bitflow topology on oldSHA, the
// newSHA release pushed to ECR), the emulator environment file, and a
// goroutine-safe progress buffer.
type fixture struct {
	srv     *awsemu.Server
	clock   *awsemu.ManualClock // shared with the emulator: the deploy's waits move it
	cfg     aws.Config
	env     *config.Environment
	out     *syncBuf
	digests map[string]string // repository -> digest of newSHA
	rep     *fakeReporter
	dir     string
}

func newFixture(t *testing.T, timing awsemu.Timing) *fixture {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{Timing: timing})
	cfg := awsx.WithRetryer(srv.AWSConfig(), 0, testMaxBackoff)
	ctx := context.Background()
	if _, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: oldSHA}); err != nil {
		t.Fatal(err)
	}
	env, err := config.Load(filepath.Join("..", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env.Timeouts.Poll = config.D(200 * time.Millisecond)
	env.Timeouts.Deploy = config.D(20 * time.Second)
	env.Timeouts.Migration = config.D(20 * time.Second)
	f := &fixture{srv: srv, clock: clk, cfg: cfg, env: env, out: &syncBuf{}, digests: map[string]string{}, rep: &fakeReporter{}, dir: t.TempDir()}
	client := awsecr.NewFromConfig(cfg)
	for _, app := range env.AppsDeployed() {
		repo := env.Repository(app)
		d, err := seed.PushImage(ctx, client, repo, newSHA)
		if err != nil {
			t.Fatal(err)
		}
		f.digests[repo] = d
	}
	srv.ResetCalls()
	return f
}

func (f *fixture) options() Options {
	return Options{Env: f.env, GitSHA: newSHA, Out: f.out, AWS: f.cfg, Reporters: []report.Reporter{f.rep},
		ManifestPath: filepath.Join(f.dir, "manifest.json"), Clock: f.clock}
}

// mutating lists the mutating calls the emulator answered as "service.Action",
// except the deploy-state writes (lock and ledger objects in S3): the calls
// that change what runs.
func (f *fixture) mutating() []string {
	var out []string
	for _, c := range f.srv.MutatingCalls() {
		if c.Service != "s3" {
			out = append(out, c.Service+"."+c.Action)
		}
	}
	return out
}

// stateCalls lists the S3 calls (lock and ledger) as "s3.Action".
func (f *fixture) stateCalls() []string {
	var out []string
	for _, c := range f.srv.Calls() {
		if c.Service == "s3" {
			out = append(out, c.Service+"."+c.Action)
		}
	}
	return out
}

func (f *fixture) called(action string) bool {
	for _, c := range f.mutating() {
		if c == action {
			return true
		}
	}
	return false
}

// fakeReporter records what the orchestrator told it, and fails on purpose
// to show that a reporter error is only a warning.
type fakeReporter struct {
	mu                  sync.Mutex
	started, finished   int
	finishCtxErr        error
	finishOutcome       manifest.Outcome
	startOutcome        manifest.Outcome
	failStart, failFini bool
}

func (r *fakeReporter) Name() string { return "fake" }

func (r *fakeReporter) Start(ctx context.Context, m *manifest.Manifest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started++
	r.startOutcome = m.Outcome
	if r.failStart {
		return context.DeadlineExceeded
	}
	return nil
}

func (r *fakeReporter) Finish(ctx context.Context, m *manifest.Manifest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	r.finishCtxErr = ctx.Err()
	r.finishOutcome = m.Outcome
	return nil
}

// syncBuf is a goroutine-safe progress sink.
type syncBuf = syncbuf.Buffer
