package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/manifest"

	"github.com/bitflow-lms/pipeline/ci/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// Publish builds all 15 images, then pushes them tagged with the git sha.
//
// Every image of a release (backend + 14 portals) goes to
// REGISTRY/PREFIX<app> with the immutable tag --sha; "latest" is
// pushed too only with --also-latest (and only after every sha tag is in).
// For ECR, chain with-aws first: its credentials get the registry login.
//
// All-or-nothing: every image is built first; if one build fails nothing is
// pushed. Registry login: with AWS credentials, an ECR token from the deploy
// brain (ecr.Login); with --registry-username/--registry-password, that login
// (any registry); with neither, anonymous (a local registry). Secrets are
// never written to an env var or an image layer.
//
// Returns one line per image: app, REPO:SHA and the digest-pinned REPO@sha256:...
//
// Example: dagger call publish --registry 127.0.0.1:5000/bitflow --sha $(git rev-parse HEAD)
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN publish --registry 123456789012.dkr.ecr.us-east-1.amazonaws.com --sha $SHA
// +cache="never"
func (m *Bitflow) Publish(ctx context.Context,
	// Registry host and optional path, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com.
	registry string,
	// Git commit sha: the immutable tag.
	sha string,
	// Repository of app X is REGISTRY/<prefix>X.
	// +optional
	// +default="bitflow-"
	repositoryPrefix string,
	// Also move the "latest" tag to this release.
	// +optional
	alsoLatest bool,
	// Registry user (with --registry-password) for a non-ECR registry.
	// +optional
	registryUsername string,
	// Registry password or token, e.g. env:REGISTRY_TOKEN.
	// +optional
	registryPassword *dagger.Secret,
) (string, error) {
	// 1. validate everything before building or pushing anything
	if err := manifest.CheckSHA(sha); err != nil {
		return "", fmt.Errorf("--sha: %w", err)
	}
	reg, err := release.ParseRegistry(registry)
	if err != nil {
		return "", err
	}
	aws := m.aws()
	awsMode, err := aws.mode()
	if err != nil {
		return "", err
	}
	regMode, err := awsx.Registry(awsMode, registryUsername, registryPassword != nil)
	if err != nil {
		return "", err
	}
	images, err := m.releaseImages(ctx)
	if err != nil {
		return "", err
	}
	repos := make([]string, len(images))
	for i, img := range images {
		if repos[i], err = reg.Repository(repositoryPrefix, img.App); err != nil {
			return "", err
		}
	}

	// 2. build all; stop here if any failed
	built, err := m.buildAll(ctx)
	if err != nil {
		return "", fmt.Errorf("nothing was pushed: %w", err)
	}

	// 3. log in
	auth, err := m.registryAuth(ctx, reg, regMode, aws, registryUsername, registryPassword)
	if err != nil {
		return "", fmt.Errorf("nothing was pushed: %w", err)
	}

	// 4. push the sha tag of every image, then (optionally) latest
	var published []release.Published
	for _, tag := range release.Tags(sha, alsoLatest) {
		out, err := pushAll(ctx, built, repos, tag, auth)
		if err != nil {
			return "", err
		}
		if tag == sha {
			published = out
		}
	}
	return release.Lines(published), nil
}

// registryAuth returns a function adding the login to a container (or none).
func (m *Bitflow) registryAuth(ctx context.Context, reg release.Registry, mode awsx.RegistryMode, aws awsArgs, user string, pass *dagger.Secret) (func(*dagger.Container) *dagger.Container, error) {
	switch mode {
	case awsx.RegistryPassword:
		return func(c *dagger.Container) *dagger.Container { return c.WithRegistryAuth(reg.Host, user, pass) }, nil
	case awsx.RegistryECR:
		cfg, cleanup, err := aws.config(ctx, release.ECRRegion(reg.Host))
		defer cleanup()
		if err != nil {
			return nil, err
		}
		login, err := ecr.Login(ctx, awsecr.NewFromConfig(cfg))
		if err != nil {
			return nil, err
		}
		if err := awsx.CheckECRHost(reg.Host, login.Host); err != nil {
			return nil, err
		}
		secret := dag.SetSecret("ecr-login-"+login.Host, login.Password)
		return func(c *dagger.Container) *dagger.Container {
			return c.WithRegistryAuth(reg.Host, login.Username, secret)
		}, nil
	}
	return func(c *dagger.Container) *dagger.Container { return c }, nil
}

func pushAll(ctx context.Context, built []builtImage, repos []string, tag string, auth func(*dagger.Container) *dagger.Container) ([]release.Published, error) {
	out := make([]release.Published, len(built))
	errs := make([]error, len(built))
	var wg sync.WaitGroup
	for i := range built {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ref, err := auth(built[i].Container).Publish(ctx, repos[i]+":"+tag)
			if err != nil {
				errs[i] = fmt.Errorf("push %s:%s: %w", repos[i], tag, err)
				return
			}
			out[i], errs[i] = release.ParsePushed(built[i].App, repos[i], tag, ref)
		}(i)
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
