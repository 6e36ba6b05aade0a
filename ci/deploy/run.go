package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/scrub"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// Run is the state of one deploy, shared by the orchestrator and the strategy.
type Run struct {
	Env      *config.Environment
	Manifest *manifest.Manifest
	// Out receives progress lines; safe for concurrent use.
	Out io.Writer
	// Targets are the services that get new task definitions.
	Targets []*Target
	// Images maps app -> release image (digest-pinned once checked).
	Images map[string]manifest.Image
	DryRun bool
	// WaitUntil, for native strategies, stops following the deployments once
	// they reach this lifecycle stage ("" = until they finish).
	WaitUntil string
	// AllowContract lets the migration guard's contract steps through.
	AllowContract bool

	// The AWS API the strategies use, built by connect from cfg.
	cfg  aws.Config
	ecs  ecs.API
	ecr  ecr.API
	logs ecs.LogsAPI
	elb  traffic.ELBAPI
	// The native strategies' APIs: service deployments, target groups, metrics.
	necs ecs.DeploymentsAPI
	nelb nativeELBAPI
	cw   traffic.MetricsAPI

	mu           sync.Mutex
	manifestPath string
	onStage      func(manifest.Stage)
	clock        clock.Clock
	warnings     []string

	// The environment's state (state.go): ledger and lock, nil without a
	// state location or before the lock stage; history is the ledger as
	// read when the lock was taken.
	state       State
	ledger      *ledger.Ledger
	ledgerKey   string
	lock        *lock.Lock
	history     ledger.History
	cancelState context.CancelCauseFunc
	// abandoned are the dead runs' records this run closed (state_abandon.go).
	abandoned []*manifest.Manifest
}

// Target is one service a release updates.
type Target struct {
	Role       string // backend | frontend
	Service    string // the ECS service to update
	Source     string // the service whose current task definition is the base (== Service unless a strategy changes it)
	Containers []config.Container
	// Current is Source as described, set before rendering.
	Current *ecstypes.Service
	// Live is Service itself as described (its own task definition and
	// counts, which differ from Current's when Source is another service).
	Live *ecstypes.Service
	// OldTaskDefinition is Current's task definition, set at render.
	OldTaskDefinition *ecs.TaskDefinition
	// NewTaskDefinitionArn is the registered revision ("" in a dry run).
	NewTaskDefinitionArn string
	// Diff is the unified diff old -> new.
	Diff string
	// DeploymentDiff is the diff of the service's deployment configuration
	// and load balancers, now against after the release ("" = no change;
	// e.g. a switch from a native strategy back to ROLLING).
	DeploymentDiff string
}

// Printf writes one progress line.
func (r *Run) Printf(format string, args ...any) {
	fmt.Fprintf(r.Out, format+"\n", args...)
}

// Warn records and prints a warning (e.g. a reporter that failed).
func (r *Run) Warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.warnings = append(r.warnings, msg)
	r.mu.Unlock()
	r.Printf("warning: %s", msg)
}

// Stage runs fn as a named stage: it is recorded in the manifest with its
// timing and outcome (succeeded, failed, or cancelled when the context
// ended it), the manifest is saved, and progress lines mark its start and end.
// The first failing stage becomes the manifest's FailedStage.
func (r *Run) Stage(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	idx := r.startStage(name)
	r.Printf("==> %s", name)
	err := fn(ctx)
	st := r.endStage(ctx, idx, err)
	if err != nil {
		// The error itself is said once, by whoever reports the run's end
		// (the CLI, the Dagger function); the manifest's stage keeps it.
		r.Printf("<== %s %s after %s", name, st.Status, st.Duration().Round(time.Millisecond))
	} else {
		r.Printf("<== %s succeeded in %s", name, st.Duration().Round(time.Millisecond))
	}
	return err
}

// Skip records a stage that was deliberately not run, with the reason.
func (r *Run) Skip(name, reason string) {
	r.mu.Lock()
	now := r.now()
	st := manifest.Stage{Name: name, Status: manifest.StageSkipped, StartedAt: now, FinishedAt: now, Error: reason}
	r.Manifest.Stages = append(r.Manifest.Stages, st)
	r.mu.Unlock()
	r.Printf("--- %s skipped: %s", name, reason)
	r.notify(st)
	r.Save()
}

func (r *Run) startStage(name string) int {
	r.mu.Lock()
	st := manifest.Stage{Name: name, Status: manifest.StageRunning, StartedAt: r.now()}
	r.Manifest.Stages = append(r.Manifest.Stages, st)
	idx := len(r.Manifest.Stages) - 1
	r.mu.Unlock()
	r.notify(st)
	r.Save()
	return idx
}

func (r *Run) endStage(ctx context.Context, idx int, err error) manifest.Stage {
	r.mu.Lock()
	st := &r.Manifest.Stages[idx]
	st.FinishedAt = r.now()
	switch {
	case err == nil:
		st.Status = manifest.StageSucceeded
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		st.Status = manifest.StageCancelled
		st.Error = scrub.Secrets(err.Error())
	default:
		st.Status = manifest.StageFailed
		st.Error = scrub.Secrets(err.Error())
	}
	if err != nil && r.Manifest.FailedStage == "" {
		r.Manifest.FailedStage = st.Name
	}
	out := *st
	r.mu.Unlock()
	r.notify(out)
	r.Save()
	return out
}

func (r *Run) notify(st manifest.Stage) {
	if r.onStage != nil {
		r.onStage(st)
	}
}

// Save writes the manifest to the ledger (once the lock stage opened it) and
// to the manifest path, if any (a failure to write is a warning: the deploy
// itself goes on).
func (r *Run) Save() {
	r.saveLedger()
	if r.manifestPath == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.Manifest.Write(r.manifestPath); err != nil {
		r.warnings = append(r.warnings, "writing the manifest: "+err.Error())
		fmt.Fprintf(r.Out, "warning: writing the manifest %s: %v\n", r.manifestPath, err)
	}
}

// connect builds the AWS clients of the run from its aws.Config; deploy and
// rollback call it once their inputs are validated.
func (r *Run) connect() {
	ecsClient := awsecs.NewFromConfig(r.cfg)
	elbClient := elasticloadbalancingv2.NewFromConfig(r.cfg)
	r.ecs, r.necs = ecsClient, ecsClient
	r.ecr = awsecr.NewFromConfig(r.cfg)
	r.logs = cloudwatchlogs.NewFromConfig(r.cfg)
	r.elb, r.nelb = elbClient, elbClient
	r.cw = cloudwatch.NewFromConfig(r.cfg)
}

// now is the run's clock in UTC, for manifest timestamps.
func (r *Run) now() time.Time { return r.clock.Now().UTC() }

// Target returns the target for a service name, or nil.
func (r *Run) Target(service string) *Target {
	for _, t := range r.Targets {
		if t.Service == service {
			return t
		}
	}
	return nil
}

// syncWriter serialises writes from concurrent goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
