package main

import (
	"errors"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
)

// composerOfflineDir is where the backend's build context carries the
// archives; bitflow-core/docker/composer.sh looks for it there.
const composerOfflineDir = ".composer-offline"

// Installs the backend's Composer packages from machine-local archives instead of Packagist.
//
// For machines that cannot reach Packagist (never real CI, where this is not
// called and nothing changes): every backend build (lock-backend,
// test-backend, build-backend, build, ci) gets --archives (a
// Composer cache directory: files/VENDOR/NAME/<sha1 of the dist URL>.zip) and
// --metadata (a static Composer repository: packages.json and p2/) in its
// build context as .composer-offline/; bitflow-core/docker/composer.sh then
// runs Composer with Packagist off and those as its repository and cache.
// The archives are made on each machine and never committed
// (bitflow-core/README.md). A lock resolved this way pins old versions: test
// with it, never commit it; publish refuses a backend image built from them.
//
// Example: dagger call with-composer-offline --archives /opt/packagist-cache --metadata /work/shared/packagist/repo ci
func (m *Bitflow) WithComposerOffline(
	// Composer cache directory holding files/ (the package archives).
	archives *dagger.Directory,
	// Static Composer repository: packages.json and p2/VENDOR/NAME.json.
	metadata *dagger.Directory,
) *Bitflow {
	c := *m
	c.ComposerOffline = dag.Directory().
		WithDirectory("files", archives.Directory("files")).
		WithDirectory("repo", metadata)
	return &c
}

// backendContext adds the machine-local Composer archives to a build context
// of bitflow-core when with-composer-offline gave them; otherwise ctx as is.
func (m *Bitflow) backendContext(ctx *dagger.Directory) *dagger.Directory {
	if m.ComposerOffline == nil {
		return ctx
	}
	return ctx.WithDirectory(composerOfflineDir, m.ComposerOffline)
}

// checkPublishable refuses to publish a backend image built from the
// machine-local archives: it pins old versions with known advisories, and its
// input tag (which does not cover the archives) would be reused by real CI.
func (m *Bitflow) checkPublishable(specs []imagereuse.Spec) error {
	if m.ComposerOffline == nil {
		return nil
	}
	for _, s := range specs {
		if s.App == apps.Backend {
			return errors.New("publish: the backend image would be built from with-composer-offline's machine-local archives (old versions, for tests only): publish it without with-composer-offline, or publish only the portals (--apps)")
		}
	}
	return nil
}
