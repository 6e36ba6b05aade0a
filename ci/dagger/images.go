package main

import (
	"context"
	"fmt"
	"os"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
)

// imageSpecs are the builds of a release: the backend, then every portal of
// bitflow-frontend/apps.json.
func (m *Bitflow) imageSpecs(ctx context.Context) ([]imagereuse.Spec, error) {
	list, err := m.frontendApps(ctx)
	if err != nil {
		return nil, err
	}
	args, err := m.backendBuildArgs()
	if err != nil {
		return nil, err
	}
	backendArgs := make([]imagereuse.BuildArg, len(args))
	for i, a := range args {
		backendArgs[i] = imagereuse.BuildArg{Name: a.Name, Value: a.Value}
	}
	out := []imagereuse.Spec{imagereuse.Backend(apps.Backend, backendArgs)}
	for _, a := range list {
		out = append(out, imagereuse.Frontend(a.Name, m.NodeImage, m.FrontendRuntimeImage))
	}
	return out, nil
}

// specContext is exactly the part of the source an image's build reads: the
// same files its input digest covers, so a change elsewhere neither changes
// the digest nor makes the engine re-read a context for this image. It is a
// directory + filter of the source (not a copy into a new directory): those
// two keep the source's content digest, so the engine keys the build's steps
// by content and an unchanged image stays one cache hit after a change
// elsewhere, instead of re-hashing every step.
func (m *Bitflow) specContext(s imagereuse.Spec) *dagger.Directory {
	return m.Source.Directory(s.Dir).Filter(dagger.DirectoryFilterOpts{Include: s.Include, Exclude: s.Exclude})
}

// specImage builds the image of s from its context.
func (m *Bitflow) specImage(s imagereuse.Spec) *dagger.Container {
	args := make([]dagger.BuildArg, len(s.BuildArgs))
	for i, a := range s.BuildArgs {
		args[i] = dagger.BuildArg{Name: a.Name, Value: a.Value}
	}
	ctx := m.specContext(s)
	if s.App == apps.Backend {
		ctx = m.backendContext(ctx)
	}
	return ctx.DockerBuild(dagger.DirectoryDockerBuildOpts{Dockerfile: s.Dockerfile, Target: s.Target, BuildArgs: args})
}

// inputDigest exports the image's context into this function's container
// and hashes it with imagereuse.InputDigest (plain Go, unit-tested).
func (m *Bitflow) inputDigest(ctx context.Context, s imagereuse.Spec) (string, error) {
	tmp, err := os.MkdirTemp("", "inputs-"+s.App+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if _, err := m.specContext(s).Export(ctx, tmp); err != nil {
		return "", fmt.Errorf("inputs of %s: %w", s.App, err)
	}
	return imagereuse.InputDigest(s, os.DirFS(tmp))
}
