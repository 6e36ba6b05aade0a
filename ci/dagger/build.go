package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// builtImage is one image of a release, built (synced) in the engine.
type builtImage struct {
	App       string
	Container *dagger.Container
	Digest    string // content digest of the root filesystem
	Started   time.Time
	Took      time.Duration
}

// Builds all 15 images of a release (backend + 14 portals) concurrently.
//
// The backend comes from bitflow-core/Dockerfile, the portals from
// bitflow-frontend/apps/*/Dockerfile.
// Each build's context is exactly its inputs (bitflow-frontend's shared files
// plus apps/APP/ for a portal; bitflow-core without its tests for the
// backend), so touching one portal rebuilds only that image; the others are
// cache hits, though the engine re-hashes each one's steps after a change
// (publish skips unchanged images entirely: input-addressed reuse). The
// portals share one dependency stage (`pnpm fetch` from the lockfile).
// Every build runs to the end even if another fails; the error lists each
// failed image. Returns a table of app, root filesystem digest and build time.
//
// Example: dagger call build
func (m *Bitflow) Build(ctx context.Context) (string, error) {
	images, err := m.buildAll(ctx)
	if err != nil {
		return "", err
	}
	return imageTable(images), nil
}

// releaseImages is the backend plus every portal, not yet built, each from
// exactly its own inputs (imagereuse.Spec).
func (m *Bitflow) releaseImages(ctx context.Context) ([]builtImage, error) {
	specs, err := m.imageSpecs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]builtImage, len(specs))
	for i, s := range specs {
		out[i] = builtImage{App: s.App, Container: m.specImage(s)}
	}
	return out, nil
}

// buildAll builds the backend and every portal concurrently and waits for all
// of them; the error names every image that failed.
func (m *Bitflow) buildAll(ctx context.Context) ([]builtImage, error) {
	images, err := m.releaseImages(ctx)
	if err != nil {
		return nil, err
	}
	return syncAll(ctx, images)
}

// syncAll builds images concurrently and waits for all of them; the error
// names every image that failed.
func syncAll(ctx context.Context, images []builtImage) ([]builtImage, error) {
	errs := make([]error, len(images))
	var wg sync.WaitGroup
	for i := range images {
		wg.Add(1)
		go func(img *builtImage, slot *error) {
			defer wg.Done()
			img.Started = time.Now().UTC()
			ctr, err := img.Container.Sync(ctx)
			if err == nil {
				img.Digest, err = ctr.Rootfs().Digest(ctx)
			}
			img.Took = time.Since(img.Started)
			if err != nil {
				*slot = fmt.Errorf("build %s: %w", img.App, readableErr(err))
			}
		}(&images[i], &errs[i])
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		var failed []string
		for i, e := range errs {
			if e != nil {
				failed = append(failed, images[i].App)
			}
		}
		return nil, fmt.Errorf("%d of %d image builds failed (%s): %w", len(failed), len(images), strings.Join(failed, ", "), err)
	}
	return images, nil
}

func imageTable(images []builtImage) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "APP\tROOTFS DIGEST\tTIME")
	for _, img := range images {
		fmt.Fprintf(w, "%s\t%s\t%.1fs\n", img.App, img.Digest, img.Took.Seconds())
	}
	_ = w.Flush()
	fmt.Fprintf(&b, "%d images built\n", len(images))
	return b.String()
}
