package main

// The plan and rollback verbs: thin calls into deploy.Plan and deploy.Rollback.

import (
	"context"

	"github.com/bitflow-lms/pipeline/ci/deploy"
)

func (c *common) plan(ctx context.Context, args []string) int {
	fs := newFlags("plan", c.errOut)
	c.register(fs)
	sha := fs.String("sha", "", "git sha of the release")
	strategy := fs.String("strategy", "", "override the environment's strategy")
	asJSON := fs.Bool("json", false, "print the plan as JSON instead of text")
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, cfg, ok := c.setup(ctx, "plan", "sha", *sha, "")
	if !ok {
		return exitUsage
	}
	// Progress goes to stderr so stdout carries only the plan.
	p, err := deploy.Plan(ctx, deploy.Options{Env: env, GitSHA: *sha, Strategy: *strategy, Out: c.errOut, AWS: cfg})
	if p != nil {
		var werr error
		if *asJSON {
			werr = p.WriteJSON(c.out)
		} else {
			werr = p.WriteText(c.out)
		}
		if werr != nil && err == nil {
			err = werr
		}
	}
	return exitFor(nil, err, c)
}

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
