package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// Stage names of a rollback run.
const (
	StageReadManifest     = "read-manifest"
	StageRestoreOldColour = "restore-old-colour" // old colour scaled back up, stable and healthy
	StageRestoreNewColour = "restore-new-colour" // the failed colour back to its previous count
	StageRestoreServices  = "restore-services"   // other services back to their previous task definitions
	StageWaitServices     = "wait-services"
	StageChooseRelease    = "choose-release" // which release to undo (ledger)
	StageCheckLive        = "check-live"     // the release undone is still the live one
)

// RollbackOptions describe one rollback.
type RollbackOptions struct {
	// Env is the environment to roll back.
	Env *config.Environment
	// ManifestPath, if set, is a release manifest of the deploy to undo (it
	// may be one that died half-way, outcome in_progress). With a ledger it
	// must match the ledger's record of that release; without a ledger (no
	// state in the environment file) it is required.
	ManifestPath string
	// SHA, if set (and no ManifestPath), picks the newest deploy of that sha
	// (or sha prefix) in the ledger; "" undoes the newest deploy not undone yet.
	SHA string
	// Release, if set (and no ManifestPath or SHA), is the ID of the ledger
	// record to undo (what a refused rollback names as undoable next).
	Release string
	// Force rolls back even when a newer release than the one undone is
	// live (every override is printed and recorded).
	Force bool
	// Out receives progress lines (nil: discarded).
	Out io.Writer
	// AWS is the configuration every client is built from.
	AWS aws.Config
	// Reporters are told Start and Finish of the rollback run.
	Reporters []report.Reporter
	// OutputPath is where the rollback's own manifest is written (default:
	// ManifestPath with ".json" replaced by ".rollback.json", or
	// rollback-<env>.json).
	OutputPath string
	// Clock is what the rollback reads and waits on (default: the wall clock).
	Clock clock.Clock
	// State tunes the lock and says who starts the run.
	State State
}

// Rollback returns production to the release before the one it undoes:
// the newest deploy in the environment's ledger (or the one SHA or
// ManifestPath name). It takes the environment lock, then checks that every
// service still runs what that release put there (and the listener points
// where it left it) and refuses, naming the newer release, if not (unless
// Force). For blue/green and canary it scales the old colour back to its
// previous count and waits until it is stable and its targets healthy, only
// then points the listener (or rule) back at it, then returns the new colour
// to its previous count; for every other service (and rolling deploys) it
// restores the previous task-definition revision and waits until stable.
// Every step looks at the current state first, so it also undoes a deploy
// that died half-way, and running it twice is harmless. It returns the
// rollback's own manifest (also written to the ledger).
func Rollback(ctx context.Context, opts RollbackOptions) (*manifest.Manifest, error) {
	out := opts.OutputPath
	switch {
	case out == "" && opts.ManifestPath != "":
		out = strings.TrimSuffix(opts.ManifestPath, ".json") + ".rollback.json"
	case out == "" && opts.Env != nil:
		out = "rollback-" + opts.Env.Name + ".json"
	}
	run := newRun(Options{Env: opts.Env, Out: opts.Out, AWS: opts.AWS, ManifestPath: out, Clock: opts.Clock, State: opts.State})
	run.Manifest.Strategy = "rollback"
	defer run.closeState(ctx) // every exit path, a panic included, releases the lock
	var orig *manifest.Manifest
	err := run.reported(ctx, opts.Reporters, func() error {
		var err error
		orig, err = run.rollback(ctx, opts)
		return err
	})
	if err == nil && orig != nil {
		run.markUndone(ctx, orig)
	}
	return run.Manifest, err
}

// markUndone writes on the ledger's record of the release a rollback undid
// which rollback undid it and when ("releases" and the change-failure
// rate read it).
func (r *Run) markUndone(ctx context.Context, orig *manifest.Manifest) {
	if r.ledger == nil {
		return
	}
	rec := *orig
	at := r.Manifest.FinishedAt
	rec.UndoneBy, rec.UndoneAt = r.Manifest.ID, &at
	if err := r.ledger.Put(context.WithoutCancel(ctx), &rec); err != nil {
		r.Warn("marking %s as undone by %s: %v", orig.ID, r.Manifest.ID, err)
	}
}

// ErrRefused is wrapped by the error of a rollback that a check refused
// before it changed anything (outcome refused).
var ErrRefused = errors.New("rollback refused")

// refused is an ErrRefused error saying why.
func refused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

func (r *Run) rollback(ctx context.Context, opts RollbackOptions) (*manifest.Manifest, error) {
	var carried *manifest.Manifest
	if err := r.Stage(ctx, StageReadManifest, func(ctx context.Context) error {
		var err error
		carried, err = readCarried(opts)
		return err
	}); err != nil {
		return nil, err
	}
	if err := r.checkCredentials(ctx); err != nil {
		return nil, err
	}
	ctx, err := r.openState(ctx, "rollback")
	if err != nil {
		return nil, err
	}
	var orig *manifest.Manifest
	if err := r.Stage(ctx, StageChooseRelease, func(ctx context.Context) error {
		orig, err = r.chooseRelease(opts, carried)
		return err
	}); err != nil {
		return nil, err
	}
	r.connect()
	if err := r.Stage(ctx, StageCheckLive, func(ctx context.Context) error { return r.checkLive(ctx, orig, opts.Force) }); err != nil {
		return nil, err
	}
	colourServices := map[string]bool{}
	if orig.Traffic != nil {
		if err := r.rollbackColours(ctx, orig); err != nil {
			return nil, lockCause(ctx, err)
		}
		colourServices[r.Env.BlueGreen.Blue.Service] = true
		colourServices[r.Env.BlueGreen.Green.Service] = true
	}
	if err := r.restoreServices(ctx, orig, colourServices); err != nil {
		return nil, lockCause(ctx, err)
	}
	return orig, nil
}

// readCarried checks the environment and reads the hand-carried manifest,
// if one was given.
func readCarried(opts RollbackOptions) (*manifest.Manifest, error) {
	if opts.Env == nil {
		return nil, errors.New("rollback: no environment config given")
	}
	if err := opts.Env.Validate(); err != nil {
		return nil, err
	}
	if opts.ManifestPath == "" {
		if opts.Env.State == nil {
			return nil, fmt.Errorf("rollback: %s names no state location (ledger), so give the release manifest to undo (--manifest)", opts.Env.File)
		}
		return nil, nil
	}
	m, err := manifest.Read(opts.ManifestPath)
	if err != nil {
		return nil, fmt.Errorf("rollback: %s: %w", opts.ManifestPath, err)
	}
	if m.Environment != opts.Env.Name { // before any call: not even the lock
		return nil, fmt.Errorf("rollback: manifest %s is for environment %q, not %q (%s)", opts.ManifestPath, m.Environment, opts.Env.Name, opts.Env.File)
	}
	return m, nil
}

// chooseRelease picks the release to undo: from the ledger (the newest, the
// one of opts.SHA, or the carried manifest's, which must match the ledger's
// record), or the carried manifest when there is no ledger; then checks
// that it belongs to this environment and can be undone.
func (r *Run) chooseRelease(opts RollbackOptions, carried *manifest.Manifest) (*manifest.Manifest, error) {
	orig := carried
	source := opts.ManifestPath
	if r.ledger != nil {
		switch {
		case carried != nil:
			rec := r.history.ByID(carried.ID)
			if rec == nil {
				return nil, refused("manifest %s (release %s) is not in the ledger s3://%s/%s/releases/: refusing a release the ledger does not know", opts.ManifestPath, carried.ID, r.Env.State.Bucket, r.Env.State.Prefix)
			}
			if diff := ledger.Mismatch(carried, rec); len(diff) > 0 {
				return nil, refused("manifest %s does not match the ledger's record %s of release %s (differs in %s): refusing a manifest changed by hand", opts.ManifestPath, r.ledger.Where(rec), rec.ID, strings.Join(diff, ", "))
			}
			orig, source = rec, r.ledger.Where(rec)
		case opts.Release != "" && opts.SHA == "":
			rec := r.history.ByID(opts.Release)
			if rec == nil {
				return nil, refused("release %s is not in the ledger s3://%s/%s/releases/ (bitflow-deploy releases --env %s lists them)", opts.Release, r.Env.State.Bucket, r.Env.State.Prefix, r.Env.Name)
			}
			orig, source = rec, r.ledger.Where(rec)
		default:
			rec, err := r.history.ToUndo(opts.SHA)
			if err != nil {
				return nil, refused("%v", err)
			}
			orig, source = rec, r.ledger.Where(rec)
		}
	}
	var problems []string
	if orig.Environment != opts.Env.Name {
		problems = append(problems, fmt.Sprintf("release %s (%s) is for environment %q, not %q (%s)", orig.ID, source, orig.Environment, opts.Env.Name, opts.Env.File))
	}
	if orig.DryRun {
		problems = append(problems, fmt.Sprintf("release %s (%s) is a dry run: nothing was changed", orig.ID, source))
	}
	if orig.IsRollback() {
		problems = append(problems, fmt.Sprintf("release %s (%s) is a rollback: deploy the release you want instead", orig.ID, source))
	}
	if orig.Traffic != nil {
		bg := opts.Env.BlueGreen
		switch {
		case bg == nil:
			problems = append(problems, fmt.Sprintf("release %s moved traffic (%s) but %s has no blueGreen section", orig.ID, orig.Strategy, opts.Env.File))
		case orig.Traffic.ListenerArn != bg.ListenerArn:
			problems = append(problems, fmt.Sprintf("release %s switched listener %s, but %s names blueGreen.listenerArn %s", orig.ID, orig.Traffic.ListenerArn, opts.Env.File, bg.ListenerArn))
		case orig.Traffic.LiveColourBefore != "blue" && orig.Traffic.LiveColourBefore != "green":
			problems = append(problems, fmt.Sprintf("release %s: traffic.liveColourBefore %q is not blue or green", orig.ID, orig.Traffic.LiveColourBefore))
		}
	}
	if len(problems) > 0 {
		return nil, refused("%s", strings.Join(problems, "; "))
	}
	r.mu.Lock()
	r.Manifest.GitSHA = orig.GitSHA
	r.Manifest.ID = "rollback-" + orig.ID
	r.Manifest.Undoes = orig.ID
	r.mu.Unlock()
	r.renamed(context.Background())
	r.Printf("    undoing %s (%s, outcome %s, git %s) from %s", orig.ID, orig.Strategy, orig.Outcome, orig.GitSHA, source)
	return orig, nil
}

// changeOf returns a manifest's entry for a service, or nil.
func changeOf(m *manifest.Manifest, service string) *manifest.ServiceChange {
	for i := range m.Services {
		if m.Services[i].Service == service {
			return &m.Services[i]
		}
	}
	return nil
}
