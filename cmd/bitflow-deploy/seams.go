package main

// The plan and rollback verbs call deploy.Plan and deploy.Rollback
// (deploy/plan*.go, deploy/rollback*.go, built with the blue/green work).

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/awsx"
	"github.com/bitflow-lms/pipeline/deploy"
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
	env, err := c.load()
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitUsage
	}
	if *sha == "" {
		fmt.Fprintln(c.errOut, "plan: --sha is required")
		return exitUsage
	}
	cfg, err := awsx.Load(ctx, c.awsOptions(env))
	if err != nil {
		fmt.Fprintln(c.errOut, err)
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
	env, err := c.load()
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitUsage
	}
	if *manifestPath == "" {
		fmt.Fprintln(c.errOut, "rollback: --manifest is required (the release manifest of the deploy to undo)")
		return exitUsage
	}
	cfg, err := awsx.Load(ctx, c.awsOptions(env))
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitUsage
	}
	opts := deploy.RollbackOptions{Env: env, ManifestPath: *manifestPath, OutputPath: *output, Out: c.out, AWS: cfg}
	if !*noReport {
		opts.Reporters = c.reporters()
	}
	m, err := deploy.Rollback(ctx, opts)
	return exitFor(m, err, c)
}
