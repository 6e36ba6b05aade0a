package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitflow-lms/pipeline/config"
	"github.com/bitflow-lms/pipeline/deploy"
	"github.com/bitflow-lms/pipeline/manifest"
	"github.com/bitflow-lms/pipeline/report"

	appsx "dagger/bitflow/apps"
	"dagger/bitflow/internal/dagger"
	"dagger/bitflow/release"
)

// loadEnvironment reads environments/NAME.yaml from the source and validates it.
func (m *Bitflow) loadEnvironment(ctx context.Context, name string) (*config.Environment, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("--environment %q: give a name from environments/ (e.g. production)", name)
	}
	file := "environments/" + name + ".yaml"
	body, err := m.Source.File(file).Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("--environment %s: %s not found in the source: %w", name, file, err)
	}
	return config.Parse(file, []byte(body))
}

// reporterArgs are the reporting flags of deploy and rollback.
type reporterArgs struct {
	GitHubToken      *dagger.Secret
	GitHubRepository string
	SlackWebhook     *dagger.Secret
	RunURL           string
}

func (r reporterArgs) reporters(ctx context.Context) ([]report.Reporter, error) {
	cfg := report.Config{GitHubRepository: r.GitHubRepository, RunURL: r.RunURL}
	if r.GitHubToken != nil {
		tok, err := r.GitHubToken.Plaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("--github-token: %w", err)
		}
		cfg.GitHubToken = tok
	}
	if r.SlackWebhook != nil {
		hook, err := r.SlackWebhook.Plaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("--slack-webhook: %w", err)
		}
		cfg.SlackWebhookURL = hook
	}
	multi, err := report.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "warning: %v\n", err) // which reporters are off and why; never fatal
	}
	return []report.Reporter{multi}, nil
}

// manifestFile returns the manifest as a File named manifest.json.
func manifestFile(m *manifest.Manifest) (*dagger.File, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile("manifest.json", string(b)+"\n").File("manifest.json"), nil
}

// Deploy releases the images tagged --sha to an environment (ECS).
//
// Runs the deploy brain: validate, check every image in ECR (digests), render task
// definitions, run migrations with the new backend image, then the strategy
// (rolling, bluegreen or canary; default from environments/NAME.yaml).
// Progress is streamed to the Dagger output; GitHub Deployments/statuses and
// Slack are told when their flags are given (their failures are warnings).
//
// Returns the release manifest (JSON) whatever the outcome, when the run got
// that far; export it: ... deploy ... export --path manifest.json. The call
// fails when the deploy failed or was rolled back.
//
// With --apps only those apps move to --sha and the others stay at
// --previous-sha. --dry-run renders everything and changes nothing.
//
// Example: dagger call deploy --environment production --sha $SHA --aws-web-identity-token env:TOKEN --aws-role-arn $ROLE export --path manifest.json
// +cache="never"
func (m *Bitflow) Deploy(ctx context.Context,
	// Environment name: reads environments/NAME.yaml.
	environment string,
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
	// GitHub token for Deployments and commit statuses.
	// +optional
	githubToken *dagger.Secret,
	// owner/name of the repository for GitHub reporting.
	// +optional
	githubRepository string,
	// Slack incoming webhook URL.
	// +optional
	slackWebhook *dagger.Secret,
	// Link to the CI run, used in reports.
	// +optional
	runUrl string,
) (*dagger.File, error) {
	aws := awsArgs{awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsWebIdentityToken, awsRoleArn, awsRegion, awsEndpoint}
	if _, err := aws.mode(); err != nil {
		return nil, err
	}
	env, err := m.loadEnvironment(ctx, environment)
	if err != nil {
		return nil, err
	}
	images, err := m.deployImages(ctx, env, apps, sha, previousSha)
	if err != nil {
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
	tmp, err := os.MkdirTemp("", "deploy-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	man, derr := deploy.Deploy(ctx, deploy.Options{
		Env: env, GitSHA: sha, Images: images, Strategy: strategy, DryRun: dryRun,
		Out: os.Stderr, AWS: cfg, Reporters: reps, ManifestPath: filepath.Join(tmp, "manifest.json"),
	})
	if derr != nil {
		if man != nil {
			b, _ := json.MarshalIndent(man, "", "  ")
			return nil, fmt.Errorf("deploy %s %s: %w\nrelease manifest:\n%s", environment, sha, derr, b)
		}
		return nil, fmt.Errorf("deploy %s %s: %w", environment, sha, derr)
	}
	return manifestFile(man)
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
