package main

import (
	"context"

	"github.com/bitflow-lms/pipeline/ci/deploy"
)

// rollback returns the environment to the release before a manifest
// (deploy.Rollback).
func (c *common) rollback(ctx context.Context, args []string) int {
	fs := newFlags("rollback", c.errOut)
	c.register(fs)
	manifestPath := fs.String("manifest", "", "release manifest of the deploy to undo (required)")
	output := fs.String("output", "", "where to write the rollback's own manifest (default <manifest>.rollback.json)")
	noReport := fs.Bool("no-report", false, "do not build reporters (GitHub, Slack, job summary)")
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, cfg, ok := c.setup(ctx, "rollback", "manifest", *manifestPath, " (the release manifest of the deploy to undo)")
	if !ok {
		return exitUsage
	}
	opts := deploy.RollbackOptions{Env: env, ManifestPath: *manifestPath, OutputPath: *output, Out: c.out, AWS: cfg}
	if !*noReport {
		opts.Reporters = c.reporters()
	}
	m, err := deploy.Rollback(ctx, opts)
	return exitFor(m, err, c)
}
