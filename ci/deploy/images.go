package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// checkImages verifies that every image the environment deploys exists in
// ECR by tag, records the digests, and rejects digests that differ from
// ones given in the options.
func (r *Run) checkImages(ctx context.Context, opts Options) error {
	given := map[string]manifest.Image{}
	for _, img := range opts.Images {
		given[img.App] = img
	}
	var refs []ecr.ImageRef
	for _, app := range r.Env.AppsDeployed() {
		tag := opts.GitSHA
		if g, ok := given[app]; ok {
			tag = g.Tag
		}
		refs = append(refs, ecr.ImageRef{App: app, Repository: r.Env.Repository(app), Tag: tag})
	}
	imgs, err := ecr.CheckRelease(ctx, r.ecr, r.Env.Registry, refs)
	if err != nil {
		return err
	}
	var mismatch []string
	for _, img := range imgs {
		if g, ok := given[img.App]; ok && g.Digest != "" && g.Digest != img.Digest {
			mismatch = append(mismatch, fmt.Sprintf("%s:%s is %s in ECR, not %s", img.Repository, img.Tag, img.Digest, g.Digest))
		}
		r.Images[img.App] = img
		r.Printf("    %s -> %s", img.App, img.Short())
	}
	if len(mismatch) > 0 {
		return fmt.Errorf("image digests differ from the release: %s", strings.Join(mismatch, "; "))
	}
	r.mu.Lock()
	r.Manifest.Images = imgs
	r.mu.Unlock()
	return nil
}
