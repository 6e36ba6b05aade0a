package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// The design card's words as the front door: `dagger call deploy --env
// staging`, `plan` and `rollback`. Each is one call into the chained API
// (with-aws … environment --name ENV deploy|plan|rollback); the --aws-*
// flags are the laptop's way of giving AWS credentials, with-aws chained
// before is CI's.

// localAWS are the --aws-* flags of deploy, plan and rollback.
type localAWS struct {
	Profile             string
	Config, Credentials *dagger.Secret
	CredentialsProcess  *dagger.Secret
	Region              string
	Endpoint            *dagger.Service
}

// open declares the local AWS flags (once: not also with-aws) and opens the
// environment, validating its file before any AWS call.
func (m *Bitflow) open(ctx context.Context, env string, local localAWS) (*Environment, error) {
	if env == "" {
		return nil, errors.New("--env: name the environment (a file of ci/environments/, e.g. staging); there is no default")
	}
	p := m
	given := awsArgs{Profile: local.Profile, ConfigFile: local.Config, Credentials: local.Credentials,
		CredentialsProcess: local.CredentialsProcess, Region: local.Region, Endpoint: local.Endpoint}
	if given.any() {
		if m.aws().any() {
			return nil, errors.New("AWS is declared twice: use either with-aws … before the function or its --aws-* flags, not both")
		}
		c := *m
		c.AwsProfile, c.AwsConfig, c.AwsCredentials = local.Profile, local.Config, local.Credentials
		c.AwsCredentialsProcess, c.AwsRegion, c.AwsEndpoint = local.CredentialsProcess, local.Region, local.Endpoint
		p = &c
	}
	if _, err := p.aws().mode(); err != nil {
		return nil, err
	}
	return p.Environment(ctx, env)
}

// releaseSHA is --sha, or the commit checked out: read from the source's
// .git/HEAD (and the ref it names, loose or packed), so that a source that
// is not a git checkout still works with --sha. A linked worktree (.git is a
// file pointing outside the source) has no readable HEAD: give --sha there.
func releaseSHA(ctx context.Context, sha string, gitDir *dagger.Directory) (string, error) {
	if sha != "" {
		return sha, nil
	}
	need := func(why string) (string, error) {
		return "", fmt.Errorf("--sha: give the release's git sha (%s, so there is no commit to default to)", why)
	}
	head, err := gitDir.File(".git/HEAD").Contents(ctx)
	if err != nil {
		return need("the source has no .git/HEAD: not a git checkout, or a linked worktree")
	}
	head = strings.TrimSpace(head)
	ref, symbolic := strings.CutPrefix(head, "ref: ")
	if !symbolic {
		return head, manifest.CheckSHA(head)
	}
	if loose, err := gitDir.File(".git/" + ref).Contents(ctx); err == nil {
		return strings.TrimSpace(loose), nil
	}
	packed, err := gitDir.File(".git/packed-refs").Contents(ctx)
	if err == nil {
		for _, line := range strings.Split(packed, "\n") {
			if commit, name, ok := strings.Cut(strings.TrimSpace(line), " "); ok && name == ref {
				return commit, nil
			}
		}
	}
	return need("HEAD names " + ref + ", which has no commit yet")
}

// Deploys a release to an environment: `dagger call deploy --env staging`.
//
// The front door of `with-aws … environment --name ENV deploy --sha SHA`: the
// same deploy brain, validation first, then images, migrations and the
// environment's strategy (see `environment --name ENV deploy --help`).
// --sha defaults to the commit checked out. AWS credentials: on a laptop, a
// profile with its files, or credentials exported by the AWS CLI (the way
// for SSO and MFA profiles: only the role's temporary credentials leave your
// machine); in CI, chain with-aws before. They are read by the deploy brain
// in the module's process only, never put in a container or an image layer.
//
// Examples:
//
//	dagger call deploy --env staging --aws-profile bitflow --aws-config file:$HOME/.aws/config --aws-credentials file:$HOME/.aws/credentials
//	dagger call deploy --env staging --aws-credentials-process cmd:"aws configure export-credentials --profile bitflow-sso"
//	dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN deploy --env production --sha $SHA export --path manifest.json
//
// +cache="never"
func (m *Bitflow) Deploy(ctx context.Context,
	// Environment to deploy to: ci/environments/ENV.yaml (required; no default).
	env string,
	// Git sha of the release (the image tag). Default: the commit checked out.
	// +optional
	sha string,
	// The checkout's git HEAD and refs, which --sha defaults to (only those files are read).
	// +defaultPath="/"
	// +ignore=["**", "!.git/HEAD", "!.git/refs/**", "!.git/packed-refs"]
	// +optional
	gitHead *dagger.Directory,
	// Override the environment's strategy (native-bluegreen, native-linear, native-canary, rolling, bluegreen, canary).
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
	// Let pending migrations that drop, rename or tighten what the live release uses run.
	// +optional
	allowContract bool,
	// Native strategies: return once every service deployment reached this lifecycle stage.
	// +optional
	waitUntil string,
	// AWS profile of your shared config (with --aws-config), e.g. bitflow.
	// +optional
	awsProfile string,
	// The profile's config file, e.g. file:$HOME/.aws/config.
	// +optional
	awsConfig *dagger.Secret,
	// The profile's credentials file, e.g. file:$HOME/.aws/credentials (when its keys are kept there).
	// +optional
	awsCredentials *dagger.Secret,
	// Credentials exported by the AWS CLI (SSO, MFA): cmd:"aws configure export-credentials --profile NAME".
	// +optional
	awsCredentialsProcess *dagger.Secret,
	// AWS region; default: the environment file's.
	// +optional
	awsRegion string,
	// Alternative AWS endpoint (the in-repo emulator as a service), e.g. tcp://localhost:4566.
	// +optional
	awsEndpoint *dagger.Service,
) (*dagger.File, error) {
	e, err := m.open(ctx, env, localAWS{awsProfile, awsConfig, awsCredentials, awsCredentialsProcess, awsRegion, awsEndpoint})
	if err != nil {
		return nil, err
	}
	if sha, err = releaseSHA(ctx, sha, gitHead); err != nil {
		return nil, err
	}
	return e.Deploy(ctx, sha, strategy, apps, previousSha, dryRun, allowFailure, allowContract, waitUntil)
}

// Shows what `deploy` would do to an environment, changing nothing: `dagger call plan --env staging`.
//
// The front door of `with-aws … environment --name ENV plan --sha SHA`:
// read-only AWS calls (see `environment --name ENV plan --help`). --sha
// defaults to the commit checked out; AWS credentials as for deploy.
//
// Examples:
//
//	dagger call plan --env staging --aws-profile bitflow --aws-config file:$HOME/.aws/config --aws-credentials file:$HOME/.aws/credentials
//	dagger call plan --env production --aws-credentials-process cmd:"aws configure export-credentials --profile bitflow-sso" --strategy native-canary
//
// +cache="never"
func (m *Bitflow) Plan(ctx context.Context,
	// Environment to plan for: ci/environments/ENV.yaml (required; no default).
	env string,
	// Git sha of the release (the image tag). Default: the commit checked out.
	// +optional
	sha string,
	// The checkout's git HEAD and refs, which --sha defaults to (only those files are read).
	// +defaultPath="/"
	// +ignore=["**", "!.git/HEAD", "!.git/refs/**", "!.git/packed-refs"]
	// +optional
	gitHead *dagger.Directory,
	// Override the environment's strategy.
	// +optional
	strategy string,
	// Comma-separated apps to move to --sha; default all.
	// +optional
	apps string,
	// Tag the apps not in --apps stay at.
	// +optional
	previousSha string,
	// Print the plan as JSON instead of text.
	// +optional
	jsonOutput bool,
	// AWS profile of your shared config (with --aws-config), e.g. bitflow.
	// +optional
	awsProfile string,
	// The profile's config file, e.g. file:$HOME/.aws/config.
	// +optional
	awsConfig *dagger.Secret,
	// The profile's credentials file, e.g. file:$HOME/.aws/credentials.
	// +optional
	awsCredentials *dagger.Secret,
	// Credentials exported by the AWS CLI (SSO, MFA): cmd:"aws configure export-credentials --profile NAME".
	// +optional
	awsCredentialsProcess *dagger.Secret,
	// AWS region; default: the environment file's.
	// +optional
	awsRegion string,
	// Alternative AWS endpoint (the in-repo emulator as a service).
	// +optional
	awsEndpoint *dagger.Service,
) (string, error) {
	e, err := m.open(ctx, env, localAWS{awsProfile, awsConfig, awsCredentials, awsCredentialsProcess, awsRegion, awsEndpoint})
	if err != nil {
		return "", err
	}
	if sha, err = releaseSHA(ctx, sha, gitHead); err != nil {
		return "", err
	}
	return e.Plan(ctx, sha, strategy, apps, previousSha, jsonOutput)
}

// Undoes a release of an environment: `dagger call rollback --env staging`.
//
// The front door of `with-aws … environment --name ENV rollback`: by default
// the newest deploy in the environment's ledger, or the newest of --sha (see
// `environment --name ENV rollback --help`). AWS credentials as for deploy.
//
// Examples:
//
//	dagger call rollback --env staging --aws-profile bitflow --aws-config file:$HOME/.aws/config --aws-credentials file:$HOME/.aws/credentials
//	dagger call rollback --env production --sha 4f2c9e1 --aws-credentials-process cmd:"aws configure export-credentials --profile bitflow-sso" export --path rollback.json
//
// +cache="never"
func (m *Bitflow) Rollback(ctx context.Context,
	// Environment to roll back: ci/environments/ENV.yaml (required; no default).
	env string,
	// Undo the newest deploy of this git sha (or sha prefix) instead of the newest deploy.
	// +optional
	sha string,
	// Release manifest of the deploy to undo; it must match the ledger's record.
	// +optional
	manifest *dagger.File,
	// Undo it even when a newer release is live (each override is printed).
	// +optional
	force bool,
	// Return the rollback's manifest even when the rollback fails; the caller must check its outcome.
	// +optional
	allowFailure bool,
	// AWS profile of your shared config (with --aws-config), e.g. bitflow.
	// +optional
	awsProfile string,
	// The profile's config file, e.g. file:$HOME/.aws/config.
	// +optional
	awsConfig *dagger.Secret,
	// The profile's credentials file, e.g. file:$HOME/.aws/credentials.
	// +optional
	awsCredentials *dagger.Secret,
	// Credentials exported by the AWS CLI (SSO, MFA): cmd:"aws configure export-credentials --profile NAME".
	// +optional
	awsCredentialsProcess *dagger.Secret,
	// AWS region; default: the environment file's.
	// +optional
	awsRegion string,
	// Alternative AWS endpoint (the in-repo emulator as a service).
	// +optional
	awsEndpoint *dagger.Service,
) (*dagger.File, error) {
	e, err := m.open(ctx, env, localAWS{awsProfile, awsConfig, awsCredentials, awsCredentialsProcess, awsRegion, awsEndpoint})
	if err != nil {
		return nil, err
	}
	return e.Rollback(ctx, manifest, allowFailure, sha, force)
}
