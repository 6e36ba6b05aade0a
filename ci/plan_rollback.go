package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bitflow-lms/pipeline/deploy"
	relmanifest "github.com/bitflow-lms/pipeline/manifest"

	"dagger/bitflow/internal/dagger"
	"dagger/bitflow/release"
)

// Plan shows what `deploy` would do, changing nothing.
//
// The deploy brain runs with dry-run (validate the environment file and the release, check every
// image exists in ECR and resolve its digest, render the new task definitions
// and diff them against what each service runs now). Returns that report;
// fails when the release could not be deployed (missing image, bad config).
//
// Example: dagger call plan --environment production --sha $SHA --aws-access-key-id env:AWS_ACCESS_KEY_ID --aws-secret-access-key env:AWS_SECRET_ACCESS_KEY
// +cache="never"
func (m *Bitflow) Plan(ctx context.Context,
	// Environment name: reads environments/NAME.yaml.
	environment string,
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
	// +optional
	awsAccessKeyId *dagger.Secret,
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// +optional
	awsSessionToken *dagger.Secret,
	// OIDC web identity token (with --aws-role-arn).
	// +optional
	awsWebIdentityToken *dagger.Secret,
	// +optional
	awsRoleArn string,
	// Default: the environment's region.
	// +optional
	awsRegion string,
	// Alternative AWS endpoint (the in-repo emulator): tcp://localhost:4566.
	// +optional
	awsEndpoint *dagger.Service,
) (string, error) {
	aws := awsArgs{awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsWebIdentityToken, awsRoleArn, awsRegion, awsEndpoint}
	if _, err := aws.mode(); err != nil {
		return "", err
	}
	env, err := m.loadEnvironment(ctx, environment)
	if err != nil {
		return "", err
	}
	images, err := m.deployImages(ctx, env, apps, sha, previousSha)
	if err != nil {
		return "", err
	}
	cfg, cleanup, err := aws.config(ctx, env.Region)
	defer cleanup()
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	man, err := deploy.Deploy(ctx, deploy.Options{
		Env: env, GitSHA: sha, Images: images, Strategy: strategy, DryRun: true,
		Out: io.MultiWriter(os.Stderr, &out), AWS: cfg,
	})
	if err != nil {
		return "", fmt.Errorf("plan %s %s: %w\n%s", environment, sha, err, out.String())
	}
	fmt.Fprintf(&out, "\nplan: %s would deploy %s with strategy %s (%d images); nothing was changed\n",
		environment, sha, man.Strategy, len(man.Images))
	return out.String(), nil
}

// Rollback returns an environment to a previous release (from its manifest).
//
// Reads that release's manifest (--manifest, e.g. the file an earlier `deploy` returned)
// and redeploys exactly its images, pinned by digest, through the deploy
// brain (same stages: validate, check images, render, migrate, strategy).
// Returns the rollback's own release manifest; fails if the rollback failed.
//
// Example: dagger call rollback --environment production --manifest ./previous-manifest.json --aws-... export --path rollback.json
// +cache="never"
func (m *Bitflow) Rollback(ctx context.Context,
	// Environment name: reads environments/NAME.yaml.
	environment string,
	// Release manifest of the release to return to.
	manifest *dagger.File,
	// Override the environment's strategy for the rollback.
	// +optional
	strategy string,
	// +optional
	awsAccessKeyId *dagger.Secret,
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// +optional
	awsSessionToken *dagger.Secret,
	// +optional
	awsWebIdentityToken *dagger.Secret,
	// +optional
	awsRoleArn string,
	// +optional
	awsRegion string,
	// Alternative AWS endpoint (the in-repo emulator): tcp://localhost:4566.
	// +optional
	awsEndpoint *dagger.Service,
	// +optional
	githubToken *dagger.Secret,
	// +optional
	githubRepository string,
	// +optional
	slackWebhook *dagger.Secret,
	// +optional
	runUrl string,
) (*dagger.File, error) {
	body, err := manifest.Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("--manifest: %w", err)
	}
	prev, err := relmanifest.Parse([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("--manifest: %w", err)
	}
	if err := release.CheckRollbackTarget(prev, environment); err != nil {
		return nil, err
	}
	env, err := m.loadEnvironment(ctx, environment)
	if err != nil {
		return nil, err
	}
	aws := awsArgs{awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsWebIdentityToken, awsRoleArn, awsRegion, awsEndpoint}
	if _, err := aws.mode(); err != nil {
		return nil, err
	}
	reps, err := reporterArgs{githubToken, githubRepository, slackWebhook, runUrl}.reporters(ctx)
	if err != nil {
		return nil, err
	}
	cfg, cleanup, err := aws.config(ctx, env.Region)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "rollback %s to release %s (manifest %s)\n", environment, prev.GitSHA, prev.ID)
	man, err := deploy.Deploy(ctx, deploy.Options{
		Env: env, GitSHA: prev.GitSHA, Images: prev.Images, Strategy: strategy,
		Out: os.Stderr, AWS: cfg, Reporters: reps,
	})
	if err != nil {
		return nil, fmt.Errorf("rollback %s to %s: %w", environment, prev.GitSHA, err)
	}
	return manifestFile(man)
}
