package main

import (
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/release"
)

// parseBuildArgs turns KEY=VALUE strings into Dockerfile build args.
func parseBuildArgs(kv []string) ([]dagger.BuildArg, error) {
	pairs, err := release.ParseBuildArgs(kv)
	if err != nil {
		return nil, err
	}
	out := make([]dagger.BuildArg, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, dagger.BuildArg{Name: p[0], Value: p[1]})
	}
	return out, nil
}
