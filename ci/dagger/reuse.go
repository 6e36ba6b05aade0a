package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"

	appsx "github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// reuser is what publish and plan-images share: the images, their
// repositories and the registry, reached through ECR's API or the engine.
type reuser struct {
	m     *Bitflow
	specs []imagereuse.Spec
	repos []string
	auth  func(*dagger.Container) *dagger.Container
	ecr   *awsecr.Client // nil: not ECR, ask the registry through the engine
}

// reuseSetup validates the registry flags, selects the images (apps csv,
// default all) and logs in, before anything is built.
func (m *Bitflow) reuseSetup(ctx context.Context, registry, prefix, user string, pass *dagger.Secret, apps string) (*reuser, error) {
	reg, err := release.ParseRegistry(registry)
	if err != nil {
		return nil, err
	}
	aws := m.aws()
	awsMode, err := aws.mode()
	if err != nil {
		return nil, err
	}
	regMode, err := awsx.Registry(awsMode, user, pass != nil)
	if err != nil {
		return nil, err
	}
	specs, err := m.imageSpecs(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(apps) != "" {
		list, err := m.frontendApps(ctx)
		if err != nil {
			return nil, err
		}
		selected, err := appsx.Select(list, apps)
		if err != nil {
			return nil, fmt.Errorf("--apps: %w", err)
		}
		var keep []imagereuse.Spec
		for _, s := range specs {
			for _, a := range selected {
				if s.App == a {
					keep = append(keep, s)
				}
			}
		}
		specs = keep
	}
	r := &reuser{m: m, specs: specs, repos: make([]string, len(specs))}
	for i, s := range specs {
		if r.repos[i], err = reg.Repository(prefix, s.App); err != nil {
			return nil, err
		}
	}
	if r.auth, err = m.registryAuth(ctx, reg, regMode, aws, user, pass); err != nil {
		return nil, err
	}
	if regMode == awsx.RegistryECR {
		cfg, cleanup, err := aws.config(ctx, release.ECRRegion(reg.Host))
		cleanup() // the ECR client below has its credentials already
		if err != nil {
			return nil, err
		}
		r.ecr = awsecr.NewFromConfig(cfg)
	}
	return r, nil
}

// decide computes every image's input tag and asks the registry for it.
func (r *reuser) decide(ctx context.Context) ([]imagereuse.Image, error) {
	images := make([]imagereuse.Image, len(r.specs))
	errs := make([]error, len(r.specs))
	var wg sync.WaitGroup
	for i, s := range r.specs {
		wg.Add(1)
		go func(i int, s imagereuse.Spec) {
			defer wg.Done()
			d, err := r.m.inputDigest(ctx, s)
			images[i] = imagereuse.Image{App: s.App, Repository: r.repos[i], InputTag: imagereuse.Tag(d)}
			errs[i] = err
		}(i, s)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return imagereuse.Decide(images, func(repo, tag string) (string, bool, error) { return r.find(ctx, repo, tag) })
}

// find looks an image up by tag: ECR BatchGetImage, or a pull of its
// manifest through the engine (any failure there counts as absent: the
// image is then built, never wrongly reused).
func (r *reuser) find(ctx context.Context, repository, tag string) (string, bool, error) {
	if r.ecr != nil {
		img, ok, err := imagereuse.ECRFind(ctx, r.ecr, ecrRepoName(repository), tag)
		return img.Digest, ok, err
	}
	ref := repository + ":" + tag
	ctr, err := r.auth(dag.Container()).From(ref).Sync(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "reuse: %s not found (%v): building\n", ref, firstLine(err))
		return "", false, nil
	}
	// the pulled image's own content-addressed name: REPO@sha256:...
	name, err := ctr.ImageRef(ctx)
	if err != nil {
		return "", false, err
	}
	_, digest, _ := strings.Cut(name, "@")
	return digest, true, nil
}

// retag gives a found image the release tag: ECR PutImage of the same
// manifest, or a re-publish of the pulled image through the engine (its
// layers are already in the registry: only the manifest is written).
func (r *reuser) retag(ctx context.Context, img imagereuse.Image, tag string) error {
	if r.ecr != nil {
		found, ok, err := imagereuse.ECRFind(ctx, r.ecr, ecrRepoName(img.Repository), img.InputTag)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("retag %s: %s:%s disappeared", img.App, img.Repository, img.InputTag)
		}
		return imagereuse.ECRRetag(ctx, r.ecr, ecrRepoName(img.Repository), found, tag)
	}
	_, err := r.auth(dag.Container()).From(img.Repository+"@"+img.Digest).Publish(ctx, img.Repository+":"+tag)
	if err != nil {
		return fmt.Errorf("retag %s:%s: %w", img.Repository, tag, err)
	}
	return nil
}

// ecrRepoName is the repository name ECR's API wants: the reference without its host.
func ecrRepoName(repository string) string {
	_, name, _ := strings.Cut(repository, "/")
	return name
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
