package main

// The plan and rollback verbs call the issue-3 engineer's deploy.Plan and
// deploy.Rollback (deploy/plan*.go, deploy/rollback*.go). Until those land,
// plan is a dry-run deploy (read-only: validate, check images, render and
// diff task definitions) and rollback says it is not in this build.

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
	m, err := deploy.Deploy(ctx, deploy.Options{Env: env, GitSHA: *sha, Strategy: *strategy, DryRun: true, Out: c.out, AWS: cfg})
	return exitFor(m, err, c)
}

func (c *common) rollback(ctx context.Context, args []string) int {
	fmt.Fprintln(c.errOut, "bitflow-deploy rollback: not in this build yet (deploy.Rollback lands with the blue/green work)")
	return exitUsage
}
