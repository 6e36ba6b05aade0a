package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/manifest"

	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// Pushes every image of a release tagged with the git sha, building only what is new.
//
// Every image of a release (backend + 14 portals) goes to
// REGISTRY/PREFIX<app> with the immutable tag --sha; "latest" is pushed too
// only with --also-latest (and only after every sha tag is in).
//
// Build once, and not at all when nothing changed: each image is addressed by
// a digest of exactly its build inputs (its filtered context, Dockerfile,
// target, build args and base image references) and also pushed as the tag
// in-<digest>. Before building, publish asks the registry for that tag (ECR
// BatchGetImage; any other registry through the engine); when it is there
// the image is retagged to --sha (ECR PutImage with the same manifest)
// instead of being built. The table says, per image, built or reused.
// --apps limits the run to some images (the workflow's build matrix).
// --format json prints the same as a publish record with each image's build
// and push (or retag) times: the input of summary --publish.
//
// All-or-nothing: every image that must be built is built first, then
// started as a service whose own health check must pass (the backend with
// PostgreSQL and Redis); if one build or start fails nothing is pushed. Registry login: with-aws earlier in the
// chain gives an ECR token (ecr.Login); --registry-username/--registry-password
// log into any registry; with neither, anonymous (a local registry). Secrets
// are never written to an env var or an image layer.
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
	// Comma-separated apps to publish (default all): one runner of the workflow's build matrix.
	// +optional
	apps string,
	// Output: table (people) or json (a publish record for summary --publish).
	// +optional
	// +default="table"
	format string,
) (string, error) {
	if err := imagereuse.CheckFormat(format); err != nil {
		return "", err
	}
	if err := manifest.CheckSHA(sha); err != nil {
		return "", fmt.Errorf("--sha: %w", err)
	}
	r, err := m.reuseSetup(ctx, registry, repositoryPrefix, registryUsername, registryPassword, apps)
	if err != nil {
		return "", err
	}
	if err := m.checkPublishable(r.specs); err != nil {
		return "", err
	}
	images, err := r.decide(ctx)
	if err != nil {
		return "", err
	}

	// build what is missing; stop here if any build failed
	var toBuild []builtImage
	for i, img := range images {
		if img.Action == imagereuse.Build {
			toBuild = append(toBuild, builtImage{App: img.App, Container: m.specImage(r.specs[i])})
		}
	}
	built, err := syncAll(ctx, toBuild)
	if err != nil {
		return "", fmt.Errorf("nothing was pushed: %w", err)
	}
	// every new image must start (its health check passing) before any push
	if len(built) > 0 {
		if table, err := m.smokeAll(ctx, built); err != nil {
			return "", fmt.Errorf("nothing was pushed:\n%s%w", table, err)
		}
	}
	byApp := map[string]builtImage{}
	for _, b := range built {
		byApp[b.App] = b
	}

	// push the new images under their input tag and the sha; retag the reused
	rec := &imagereuse.Record{SHA: sha, Images: make([]imagereuse.Published, len(images))}
	tags := release.Tags(sha, alsoLatest)
	errs := make([]error, len(images))
	var wg sync.WaitGroup
	for i := range images {
		wg.Add(1)
		go func(img *imagereuse.Image, p *imagereuse.Published) {
			defer wg.Done()
			push := imagereuse.Span{StartedAt: time.Now().UTC()}
			if img.Action == imagereuse.Build {
				b := byApp[img.App]
				p.Build = &imagereuse.Span{StartedAt: b.Started, FinishedAt: b.Started.Add(b.Took)}
				img.Digest, errs[i] = pushTags(ctx, r.auth(b.Container), img.App, img.Repository, append([]string{img.InputTag}, tags[0]))
			} else {
				errs[i] = r.retag(ctx, *img, tags[0])
			}
			push.FinishedAt = time.Now().UTC()
			p.Image, p.Push = *img, &push
		}(&images[i], &rec.Images[i])
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	if alsoLatest { // only once every sha tag is in
		for i := range images {
			if err := r.retag(ctx, images[i], "latest"); err != nil {
				return "", err
			}
		}
	}
	return rec.Render(format)
}

// Says which images of this commit must be built: JSON for the workflow's build matrix.
//
// Computes every image's input digest and asks the registry for its
// in-<digest> tag, like publish, but builds and pushes nothing. Prints
// {"app": [apps to build], "images": [{app, repository, inputTag, action, digest}]};
// an empty "app" list means every image can be reused.
//
// Example: dagger call with-aws ... plan-images --registry 123456789012.dkr.ecr.us-east-1.amazonaws.com
// +cache="never"
func (m *Bitflow) PlanImages(ctx context.Context,
	// Registry host and optional path.
	registry string,
	// Repository of app X is REGISTRY/<prefix>X.
	// +optional
	// +default="bitflow-"
	repositoryPrefix string,
	// Registry user (with --registry-password) for a non-ECR registry.
	// +optional
	registryUsername string,
	// Registry password or token, e.g. env:REGISTRY_TOKEN.
	// +optional
	registryPassword *dagger.Secret,
) (string, error) {
	r, err := m.reuseSetup(ctx, registry, repositoryPrefix, registryUsername, registryPassword, "")
	if err != nil {
		return "", err
	}
	images, err := r.decide(ctx)
	if err != nil {
		return "", err
	}
	js, err := imagereuse.Matrix(images)
	return string(js) + "\n", err
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

// pushTags publishes ctr under every tag of repository and returns the
// manifest digest (the same for every tag).
func pushTags(ctx context.Context, ctr *dagger.Container, app, repository string, tags []string) (string, error) {
	var digest string
	for _, tag := range tags {
		ref, err := ctr.Publish(ctx, repository+":"+tag)
		if err != nil {
			return "", fmt.Errorf("push %s:%s: %w", repository, tag, err)
		}
		p, err := release.ParsePushed(app, repository, tag, ref)
		if err != nil {
			return "", err
		}
		digest = p.Digest
	}
	return digest, nil
}
