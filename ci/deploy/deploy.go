package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// Stage names recorded in the manifest by the orchestrator (strategies add
// their own: rolling adds StageDeploy, StageWait and StageHealth).
const (
	StageValidate    = "validate"
	StageCheckImages = "check-images"
	StagePrepare     = "prepare"
	StageRender      = "render-task-definitions"
	StageGuard       = "migration-guard"
	StageMigrate     = "migrate"
	StageDeploy      = "deploy"
	StageWait        = "wait"
	StageHealth      = "health"
)

// reporterTimeout bounds each reporter's Finish (run on a fresh context).
const reporterTimeout = 30 * time.Second

// Deploy runs one release: validate, check-images, prepare, render
// task definitions, migrate, then the strategy's own stages. It returns the
// release manifest (also written to opts.ManifestPath after every stage) and
// the error that stopped it, if any. Nothing is changed in the account before
// validation and the image check have passed, and no service is updated
// unless migrations succeeded. Reporters' Start and Finish are always called
// (Finish on a fresh context even when ctx was cancelled); their errors are
// warnings.
func Deploy(ctx context.Context, opts Options) (*manifest.Manifest, error) {
	run := newRun(opts)
	defer run.closeState(ctx) // every exit path, a panic included, releases the lock
	err := run.reported(ctx, opts.Reporters, func() error { return run.execute(ctx, opts) })
	return run.Manifest, err
}

// reported runs body between the reporters' Start and Finish and records its
// outcome. Finish gets a fresh context (bounded by reporterTimeout) so that a
// cancelled run is still reported; reporter errors are only warnings.
func (r *Run) reported(ctx context.Context, reporters []report.Reporter, body func() error) error {
	m := r.Manifest
	for _, rep := range reporters {
		if err := rep.Start(ctx, m); err != nil {
			r.Warn("reporter %s Start: %v", rep.Name(), err)
		}
	}
	err := body()
	r.finish(ctx, err)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reporterTimeout)
	defer cancel()
	for _, rep := range reporters {
		if rerr := rep.Finish(fctx, m); rerr != nil {
			r.Warn("reporter %s Finish: %v", rep.Name(), rerr)
		}
	}
	return err
}

func newRun(opts Options) *Run {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	m := &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion, GitSHA: opts.GitSHA, DryRun: opts.DryRun,
		Outcome: manifest.OutcomeInProgress, StartedAt: clock.Or(opts.Clock).Now().UTC(), Images: []manifest.Image{}, Services: []manifest.ServiceChange{}, Stages: []manifest.Stage{},
	}
	if opts.Env != nil {
		m.Environment = opts.Env.Name
		m.Strategy = opts.Env.Strategy
		if len(opts.Env.Health.URLs) > 0 {
			m.EnvironmentURL = opts.Env.Health.URLs[0]
		}
	}
	if opts.Strategy != "" {
		m.Strategy = opts.Strategy
	}
	m.ID = fmt.Sprintf("%s-%s-%d", orUnknown(m.Environment), orUnknown(shortSHA(opts.GitSHA)), m.StartedAt.Unix())
	if opts.State.Owner == "" {
		opts.State.Owner, opts.State.RunURL = lock.Owner(os.Getenv)
	}
	m.StartedBy, m.RunURL, m.CommitTime = opts.State.Owner, opts.State.RunURL, opts.State.CommitTime
	return &Run{
		Env: opts.Env, cfg: opts.AWS, Manifest: m, Out: &syncWriter{w: out}, DryRun: opts.DryRun, WaitUntil: opts.WaitUntil, AllowContract: opts.AllowContract,
		Images: map[string]manifest.Image{}, manifestPath: opts.ManifestPath, onStage: opts.OnStage, clock: clock.Or(opts.Clock),
		state: opts.State,
	}
}

// execute runs the stages in order and stops at the first failure.
func (r *Run) execute(ctx context.Context, opts Options) error {
	var strat Strategy
	if err := r.Stage(ctx, StageValidate, func(ctx context.Context) error {
		var err error
		strat, err = r.validate(opts)
		return err
	}); err != nil {
		return err
	}
	if !r.DryRun {
		if err := r.checkCredentials(ctx); err != nil {
			return err
		}
		var err error
		if ctx, err = r.openState(ctx, "deploy"); err != nil {
			return err
		}
	}
	err := r.stages(ctx, opts, strat)
	return lockCause(ctx, err)
}

// stages runs the stages after validation and the lock.
func (r *Run) stages(ctx context.Context, opts Options, strat Strategy) error {
	r.connect()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{StageCheckImages, func(ctx context.Context) error { return r.checkImages(ctx, opts) }},
		{StagePrepare, func(ctx context.Context) error { return r.prepare(ctx, strat) }},
		{StageRender, r.render},
	}
	for _, s := range steps {
		if err := r.Stage(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	if r.DryRun {
		r.Skip(StageMigrate, "dry run")
		r.Skip(StageDeploy, "dry run")
		return nil
	}
	if r.Env.Migration.Disabled {
		r.Skip(StageMigrate, "migration.disabled is true in "+r.Env.File)
	} else if prev := r.history.Migrated(r.Manifest.GitSHA); prev != nil {
		r.Skip(StageMigrate, fmt.Sprintf("the migrations of %s already ran (exit 0) in release %s, per the ledger", r.Manifest.GitSHA, prev.ID))
	} else {
		if r.Env.Migration.Guard {
			if err := r.Stage(ctx, StageGuard, r.guardMigrations); err != nil {
				return err
			}
		}
		if err := r.Stage(ctx, StageMigrate, r.migrate); err != nil {
			return err
		}
	}
	return strat.Deploy(ctx, r)
}

// finish sets the outcome and final timestamps and saves the manifest.
func (r *Run) finish(ctx context.Context, err error) {
	r.mu.Lock()
	m := r.Manifest
	switch {
	case err == nil:
		m.Outcome = manifest.OutcomeSucceeded
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		m.Outcome = manifest.OutcomeCancelled
	case errors.Is(err, ErrRolledBack):
		m.Outcome = manifest.OutcomeRolledBack
	case errors.Is(err, ErrRefused):
		m.Outcome = manifest.OutcomeRefused
	default:
		m.Outcome = manifest.OutcomeFailed
	}
	if err != nil {
		m.FailureReason = scrub.Secrets(err.Error())
	}
	m.FinishedAt = r.now()
	r.mu.Unlock()
	kind := "deploy"
	if m.IsRollback() {
		kind = "rollback"
	}
	r.Printf("%s %s: %s (%s)", kind, m.ID, m.Outcome, m.FinishedAt.Sub(m.StartedAt).Round(time.Millisecond))
	r.Save()
}

// ErrRolledBack is wrapped by a strategy's error when it failed and returned
// traffic to the previous release by itself (outcome rolled_back).
var ErrRolledBack = errors.New("rolled back automatically")

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
