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
)

// RollbackOptions describe one rollback.
type RollbackOptions struct {
	// Env is the environment the release manifest belongs to.
	Env *config.Environment
	// ManifestPath is the release manifest of the deploy to undo (it may be
	// one that died half-way, outcome in_progress).
	ManifestPath string
	// Out receives progress lines (nil: discarded).
	Out io.Writer
	// AWS is the configuration every client is built from.
	AWS aws.Config
	// Reporters are told Start and Finish of the rollback run.
	Reporters []report.Reporter
	// OutputPath is where the rollback's own manifest is written (default:
	// ManifestPath with ".json" replaced by ".rollback.json").
	OutputPath string
	// Clock is what the rollback reads and waits on (default: the wall clock).
	Clock clock.Clock
}

// Rollback returns production to the release before the one a manifest
// describes. For blue/green and canary it scales the old colour back to its
// previous count and waits until it is stable and its targets healthy, only
// then points the listener (or rule) back at it, then returns the new colour
// to its previous count; for every other service (and rolling deploys) it
// restores the previous task-definition revision and waits until stable.
// Every step looks at the current state first, so it also undoes a deploy
// that died half-way, and running it twice is harmless. It returns the
// rollback's own manifest.
func Rollback(ctx context.Context, opts RollbackOptions) (*manifest.Manifest, error) {
	out := opts.OutputPath
	if out == "" && opts.ManifestPath != "" {
		out = strings.TrimSuffix(opts.ManifestPath, ".json") + ".rollback.json"
	}
	run := newRun(Options{Env: opts.Env, Out: opts.Out, AWS: opts.AWS, ManifestPath: out, Clock: opts.Clock})
	run.Manifest.Strategy = "rollback"
	err := run.reported(ctx, opts.Reporters, func() error { return run.rollback(ctx, opts) })
	return run.Manifest, err
}

func (r *Run) rollback(ctx context.Context, opts RollbackOptions) error {
	var orig *manifest.Manifest
	if err := r.Stage(ctx, StageReadManifest, func(ctx context.Context) error {
		var err error
		orig, err = r.readReleaseManifest(opts)
		return err
	}); err != nil {
		return err
	}
	r.connect()
	colourServices := map[string]bool{}
	if orig.Traffic != nil {
		if err := r.rollbackColours(ctx, orig); err != nil {
			return err
		}
		colourServices[r.Env.BlueGreen.Blue.Service] = true
		colourServices[r.Env.BlueGreen.Green.Service] = true
	}
	return r.restoreServices(ctx, orig, colourServices)
}

// readReleaseManifest loads the manifest to undo and checks that it belongs
// to this environment and describes something that can be undone.
func (r *Run) readReleaseManifest(opts RollbackOptions) (*manifest.Manifest, error) {
	if opts.Env == nil {
		return nil, errors.New("rollback: no environment config given")
	}
	if err := opts.Env.Validate(); err != nil {
		return nil, err
	}
	if opts.ManifestPath == "" {
		return nil, errors.New("rollback: no release manifest path given")
	}
	orig, err := manifest.Read(opts.ManifestPath)
	if err != nil {
		return nil, fmt.Errorf("rollback: %s: %w", opts.ManifestPath, err)
	}
	var problems []string
	if orig.Environment != opts.Env.Name {
		problems = append(problems, fmt.Sprintf("manifest %s is for environment %q, not %q (%s)", opts.ManifestPath, orig.Environment, opts.Env.Name, opts.Env.File))
	}
	if orig.DryRun {
		problems = append(problems, fmt.Sprintf("manifest %s is a dry run: nothing was changed", opts.ManifestPath))
	}
	if orig.Traffic != nil {
		bg := opts.Env.BlueGreen
		switch {
		case bg == nil:
			problems = append(problems, fmt.Sprintf("manifest %s moved traffic (%s) but %s has no blueGreen section", opts.ManifestPath, orig.Strategy, opts.Env.File))
		case orig.Traffic.ListenerArn != bg.ListenerArn:
			problems = append(problems, fmt.Sprintf("manifest %s switched listener %s, but %s names blueGreen.listenerArn %s", opts.ManifestPath, orig.Traffic.ListenerArn, opts.Env.File, bg.ListenerArn))
		case orig.Traffic.LiveColourBefore != "blue" && orig.Traffic.LiveColourBefore != "green":
			problems = append(problems, fmt.Sprintf("manifest %s: traffic.liveColourBefore %q is not blue or green", opts.ManifestPath, orig.Traffic.LiveColourBefore))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	r.mu.Lock()
	r.Manifest.GitSHA = orig.GitSHA
	r.Manifest.ID = "rollback-" + orig.ID
	r.mu.Unlock()
	r.Printf("    undoing %s (%s, outcome %s, git %s)", orig.ID, orig.Strategy, orig.Outcome, orig.GitSHA)
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
