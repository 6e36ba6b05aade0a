package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/deploy"
	"github.com/bitflow-lms/pipeline/ci/manifest"

	appsx "github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// Releases the images tagged --sha to this environment (ECS).
//
// Runs the deploy brain: validate, check every image in ECR (digests), render task
// definitions, run migrations with the new backend image, then the strategy
// (native-bluegreen, native-linear, native-canary run by ECS and gated by the
// toolkit; rolling; the client-driven bluegreen and canary; default from
// ci/environments/NAME.yaml). --wait-until STAGE stops watching native
// deployments once they reach that lifecycle stage (ECS carries on).
// Progress is streamed to the Dagger output; GitHub Deployments/statuses and
// Slack are told when with-github / with-slack were chained (their failures
// are warnings). AWS credentials come from with-aws.
//
// Returns the release manifest (JSON); export it: ... deploy ... export --path
// manifest.json. When the deploy fails or is rolled back the call fails (the
// manifest is printed in the error) unless --allow-failure is given: then the
// manifest is returned whatever the outcome and the caller must check its
// "outcome" field (CI: upload it, then `dagger call outcome --manifest ...`).
//
// With --apps only those apps move to --sha and the others stay at
// --previous-sha. --dry-run renders everything and changes nothing.
//
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN environment --name production deploy --sha $SHA export --path manifest.json
// +cache="never"
func (e *Environment) Deploy(ctx context.Context,
	// Git sha of the release (the image tag).
	sha string,
	// Override the environment's strategy: rolling, bluegreen or canary.
	// +optional
	strategy string,
	// Comma-separated apps to move to --sha (backend, student, ...); default all.
	// +optional
	apps string,
	// Tag the apps not in --apps stay at.
	// +optional
	previousSha string,
	// Render and validate only; change nothing.
	// +optional
	dryRun bool,
	// Return the release manifest even when the deploy fails; the caller must check its outcome.
	// +optional
	allowFailure bool,
	// Let pending migrations that drop, rename or tighten what the live
	// release uses run (the environment's migration guard refuses them otherwise).
	// +optional
	allowContract bool,
	// Native strategies: return once every service deployment reached this
	// lifecycle stage (e.g. PRODUCTION_TRAFFIC_SHIFT); ECS finishes or rolls
	// back on its own.
	// +optional
	waitUntil string,
) (*dagger.File, error) {
	if err := deploy.ValidateWaitUntil(waitUntil); err != nil {
		return nil, err
	}
	m := e.Pipeline
	var images []manifest.Image
	t, err := m.setup(ctx, e.Name, m.aws(), m.reporting(),
		func(env *config.Environment) (err error) {
			images, err = m.deployImages(ctx, env, apps, sha, previousSha)
			return err
		})
	defer t.Close()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "deploy-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	man, err := deploy.Deploy(ctx, deploy.Options{
		Env: t.Env, GitSHA: sha, Images: images, Strategy: strategy, DryRun: dryRun,
		Out: os.Stderr, AWS: t.AWS, Reporters: t.Reporters, ManifestPath: filepath.Join(tmp, "manifest.json"),
		State: e.Pipeline.runState(), AllowContract: allowContract, WaitUntil: waitUntil,
	})
	return finished(fmt.Sprintf("deploy %s %s", e.Name, sha), man, err, allowFailure, "manifest.json")
}

// deployImages turns --apps/--sha/--previous-sha into the images of the release.
func (m *Bitflow) deployImages(ctx context.Context, env *config.Environment, csv, sha, previousSHA string) ([]manifest.Image, error) {
	var selected []string
	if strings.TrimSpace(csv) != "" {
		list, err := m.frontendApps(ctx)
		if err != nil {
			return nil, err
		}
		if selected, err = appsx.Select(list, csv); err != nil {
			return nil, fmt.Errorf("--apps: %w", err)
		}
	}
	tags, err := release.DeployTags(env.AppsDeployed(), selected, sha, previousSHA)
	if err != nil {
		return nil, err
	}
	out := make([]manifest.Image, len(tags))
	for i, t := range tags {
		out[i] = manifest.Image{App: t.App, Repository: env.RepositoryURI(t.App), Tag: t.Tag}
	}
	return out, nil
}
