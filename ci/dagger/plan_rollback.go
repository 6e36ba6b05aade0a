package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/deploy"
	"github.com/bitflow-lms/pipeline/ci/manifest"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// Shows what `deploy` would do to this environment, changing nothing.
//
// Runs the deploy brain's plan, which makes read-only AWS calls only: it validates the
// environment file and the release, checks every image exists in ECR,
// reads the live colour from the listener (bluegreen, canary), renders the
// new task definitions without registering them and diffs them against what
// each service runs now. Prints the task-definition diffs, which colour would
// go live and the listener changes, the migration command and what a
// rollback would restore; --json-output prints the same as JSON. Fails (printing
// the plan as far as it got) when the release could not be deployed.
//
// Example: dagger call with-aws --access-key-id env:AWS_ACCESS_KEY_ID --secret-access-key env:AWS_SECRET_ACCESS_KEY environment --name production plan --sha $SHA
// +cache="never"
func (e *Environment) Plan(ctx context.Context,
	// Git sha of the release (the image tag).
	sha string,
	// Override the environment's strategy: rolling, bluegreen or canary.
	// +optional
	strategy string,
	// Comma-separated apps to move to --sha; default all.
	// +optional
	apps string,
	// Tag the apps not in --apps stay at.
	// +optional
	previousSha string,
	// Print the plan as JSON instead of text (named so because the generated bindings reserve "json").
	// +optional
	jsonOutput bool,
) (string, error) {
	m, environment := e.Pipeline, e.Name
	var images []manifest.Image
	t, err := m.setup(ctx, environment, m.aws(), nil,
		func(env *config.Environment) (err error) {
			images, err = m.deployImages(ctx, env, apps, sha, previousSha)
			return err
		})
	defer t.Close()
	if err != nil {
		return "", err
	}
	p, err := deploy.Plan(ctx, deploy.Options{
		Env: t.Env, GitSHA: sha, Images: images, Strategy: strategy, Out: os.Stderr, AWS: t.AWS,
	})
	var out bytes.Buffer
	if p != nil {
		var werr error
		if jsonOutput {
			werr = p.WriteJSON(&out)
		} else {
			werr = p.WriteText(&out)
		}
		if werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return "", fmt.Errorf("plan %s %s: %w\n%s", environment, sha, err, out.String())
	}
	return out.String(), nil
}

// Undoes a release of this environment: by default the newest in its ledger.
//
// The release to undo comes from the environment's ledger (S3): the newest
// deploy, or the newest deploy of --sha; --manifest is still accepted and
// checked against the ledger's record (a tampered one is refused). It may
// describe a deploy that failed or died half-way. Before changing anything
// it checks that each service still runs what that release put there, and
// refuses when a newer release is live (--force overrides, saying what).
// Native releases are redeployed at their previous revision through the
// same ECS strategy; for client-driven blue/green and canary the old colour
// is scaled back up, stable and healthy before the listener is pointed back
// at it; every other service goes back to its previous task-definition
// revision and is waited on until stable. The environment's lock is held
// throughout. Each step looks at the current state first, so running it twice is
// harmless. Reporters come from with-github / with-slack.
//
// Returns the rollback's own release manifest (JSON). The call fails when
// the rollback fails unless --allow-failure is given (then check the
// manifest's outcome).
//
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN environment --name production rollback export --path rollback-manifest.json
// +cache="never"
func (e *Environment) Rollback(ctx context.Context,
	// Release manifest of the deploy to undo; it must match the ledger's record. Default: the newest deploy in the environment's ledger (state: in its file).
	// +optional
	manifest *dagger.File,
	// Return the rollback's manifest even when the rollback fails; the caller must check its outcome.
	// +optional
	allowFailure bool,
	// Undo the newest deploy of this git sha (or sha prefix) in the ledger instead of the newest deploy.
	// +optional
	sha string,
	// Undo it even when a newer release is live (each override is printed).
	// +optional
	force bool,
) (*dagger.File, error) {
	var body string
	if manifest != nil {
		var err error
		if body, err = manifest.Contents(ctx); err != nil {
			return nil, fmt.Errorf("--manifest: %w", err)
		}
	}
	m, environment := e.Pipeline, e.Name
	t, err := m.setup(ctx, environment, m.aws(), m.reporting(), func(*config.Environment) error {
		if manifest == nil {
			return nil
		}
		return checkUndo([]byte(body), environment)
	})
	defer t.Close()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "rollback-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	in := ""
	if manifest != nil {
		in = filepath.Join(tmp, "manifest.json")
		if err := os.WriteFile(in, []byte(body), 0o600); err != nil {
			return nil, err
		}
	}
	man, err := deploy.Rollback(ctx, deploy.RollbackOptions{
		Env: t.Env, ManifestPath: in, SHA: sha, Force: force, OutputPath: filepath.Join(tmp, "rollback-manifest.json"),
		Out: os.Stderr, AWS: t.AWS, Reporters: t.Reporters, State: m.runState(),
	})
	return finished("rollback "+environment, man, err, allowFailure, "rollback-manifest.json")
}

// runState says who starts a deploy or rollback for the lock and the ledger:
// the CI run (with-github --run-url) or, outside CI, the engine's user@host.
func (m *Bitflow) runState() deploy.State {
	if m.RunURL != "" {
		return deploy.State{Owner: m.RunURL, RunURL: m.RunURL}
	}
	return deploy.State{}
}

// checkUndo parses the --manifest body and refuses one rollback cannot undo.
func checkUndo(body []byte, environment string) error {
	prev, err := manifest.Parse(body)
	if err != nil {
		return fmt.Errorf("--manifest: %w", err)
	}
	return release.CheckUndoTarget(prev, environment)
}
