package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// lockPath is where the backend's lock file lives in the source.
const lockPath = "bitflow-core/composer.lock"

// Resolves bitflow-core/composer.json into a composer.lock.
//
// Runs `composer update --no-install` in bitflow-core/Dockerfile's `lock`
// target: the PHP environment of the test image (the runtime's extensions,
// Composer from --composer-image), so the platform requirements resolve as
// in production. Needs Packagist. Commit the result: tests, the audit and
// the image builds all install exactly the locked set.
//
// Example: dagger call lock-backend export --path bitflow-core/composer.lock
// +cache="never"
func (m *Bitflow) LockBackend() (*dagger.File, error) {
	core := m.Source.Directory("bitflow-core")
	lock, err := m.backendTarget("lock", core.Filter(dagger.DirectoryFilterOpts{
		Include: []string{"Dockerfile", "composer.json", "docker/php-extensions.sh", "docker/composer.sh"},
	}))
	if err != nil {
		return nil, err
	}
	return lock.File("/app/composer.lock"), nil
}

// hasBackendLock reports whether the source holds bitflow-core/composer.lock.
func (m *Bitflow) hasBackendLock(ctx context.Context) (bool, error) {
	entries, err := m.Source.Directory("bitflow-core").Entries(ctx)
	if err != nil {
		return false, fmt.Errorf("bitflow-core: %w", err)
	}
	return slices.Contains(entries, "composer.lock"), nil
}

// withBackendLock returns a copy of the pipeline whose source holds lock as
// bitflow-core/composer.lock.
func (m *Bitflow) withBackendLock(lock *dagger.File) *Bitflow {
	c := *m
	c.Source = m.Source.WithFile(lockPath, lock)
	return &c
}
