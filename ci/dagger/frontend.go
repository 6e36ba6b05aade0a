package main

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
)

// frontendManifests are the files `pnpm install` reads: the install layer is
// reused until one of them changes.
var frontendManifests = []string{
	"package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc",
	"apps/*/package.json", "packages/*/package.json",
}

// Runs the frontend tests (pnpm test over the monorepo).
//
// Node 26 LTS (--node-image), the pnpm
// version pinned by package.json's "packageManager", `pnpm install
// --frozen-lockfile` with the "bitflow-pnpm-store" cache volume, then
// `pnpm test`. Returns the test output; fails when any test fails or the
// lockfile is out of date.
//
// Example: dagger call test-frontend
// +check
func (m *Bitflow) TestFrontend(ctx context.Context) (string, error) {
	ctr, err := m.frontendDeps(ctx)
	if err != nil {
		return "", err
	}
	out, err := ctr.WithExec([]string{"pnpm", "test"}).Stdout(ctx)
	if err != nil {
		return "", fmt.Errorf("test-frontend: %w", readableErr(err))
	}
	return out, nil
}

// frontendDeps is bitflow-frontend with its workspace dependencies installed.
func (m *Bitflow) frontendDeps(ctx context.Context) (*dagger.Container, error) {
	fe := m.Source.Directory("bitflow-frontend")
	base, err := m.pnpmBase(ctx)
	if err != nil {
		return nil, err
	}
	manifests := fe.Filter(dagger.DirectoryFilterOpts{Include: frontendManifests})
	return base.
		WithDirectory("/src", manifests).
		WithExec([]string{"pnpm", "install", "--frozen-lockfile"}).
		WithDirectory("/src", fe), nil
}

// pnpmBase is the Node image with the pinned pnpm and the store cache volume.
func (m *Bitflow) pnpmBase(ctx context.Context) (*dagger.Container, error) {
	pkg, err := m.Source.File("bitflow-frontend/package.json").Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("bitflow-frontend/package.json: %w", err)
	}
	version, err := apps.PnpmVersion([]byte(pkg))
	if err != nil {
		return nil, fmt.Errorf("bitflow-frontend/%w", err)
	}
	return dag.Container().From(m.NodeImage).
		WithEnvVariable("CI", "true").
		WithEnvVariable("NO_COLOR", "1").
		WithEnvVariable("NEXT_TELEMETRY_DISABLED", "1").
		WithEnvVariable("npm_config_cache", "/cache/npm").
		WithMountedCache("/cache/npm", dag.CacheVolume("bitflow-npm")).
		WithExec([]string{"npm", "install", "--global", "--no-fund", "--no-audit", "--loglevel=error", "pnpm@" + version}).
		WithEnvVariable("npm_config_store_dir", "/cache/pnpm-store").
		WithMountedCache("/cache/pnpm-store", dag.CacheVolume("bitflow-pnpm-store")).
		WithWorkdir("/src"), nil
}

// frontendApps reads the portal list from bitflow-frontend/apps.json.
func (m *Bitflow) frontendApps(ctx context.Context) ([]apps.App, error) {
	js, err := m.Source.File("bitflow-frontend/apps.json").Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("bitflow-frontend/apps.json: %w", err)
	}
	return apps.Parse([]byte(js))
}

// Builds the image of one portal (--app NAME).
//
// Built from bitflow-frontend/apps/APP/Dockerfile (context: bitflow-frontend/'s
// shared files and apps/APP/ only), with
// NODE_IMAGE and RUNTIME_IMAGE from the constructor. The dependency stage of
// the 14 Dockerfiles is identical, so builds share it. An unknown --app is
// refused with the list of valid ones (read from bitflow-frontend/apps.json).
//
// Example: dagger call build-frontend --app student export --path student.tar
func (m *Bitflow) BuildFrontend(ctx context.Context,
	// Portal name, e.g. student (see bitflow-frontend/apps.json).
	app string,
) (*dagger.Container, error) {
	list, err := m.frontendApps(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := apps.Find(list, app); err != nil {
		return nil, fmt.Errorf("build-frontend --app: %w", err)
	}
	return m.frontendImage(app), nil
}

func (m *Bitflow) frontendImage(app string) *dagger.Container {
	return m.specImage(imagereuse.Frontend(app, m.NodeImage, m.FrontendRuntimeImage))
}
