package main

import (
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// composerOfflineDir is where the backend's build context carries the
// archives; bitflow-core/docker/composer.sh looks for it there.
const composerOfflineDir = ".composer-offline"

// Installs the backend's Composer packages from machine-local archives instead of Packagist.
//
// For machines that cannot reach Packagist (never real CI, where this is not
// called and nothing changes): every backend build (lock-backend,
// test-backend, build-backend, build, ci, publish) gets --archives (a
// Composer cache directory: files/VENDOR/NAME/<sha1 of the dist URL>.zip) and
// --metadata (a static Composer repository: packages.json and p2/) in its
// build context as .composer-offline/; bitflow-core/docker/composer.sh then
// runs Composer with Packagist off and those as its repository and cache.
// The archives are made on each machine and never committed
// (bitflow-core/README.md). A lock resolved this way pins old versions: test
// with it, never commit it.
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
