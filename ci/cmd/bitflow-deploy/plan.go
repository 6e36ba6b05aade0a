package main

import (
	"context"

	"github.com/bitflow-lms/pipeline/ci/deploy"
)

// plan prints what a deploy would change (deploy.Plan): read-only.
func (c *common) plan(ctx context.Context, args []string) int {
	fs := newFlags("plan", c.errOut)
	c.register(fs)
	sha := fs.String("sha", "", "git sha of the release")
	strategy := fs.String("strategy", "", "override the environment's strategy")
	asJSON := fs.Bool("json", false, "print the plan as JSON instead of text")
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, cfg, ok := c.setup(ctx, "plan", checkSHA(*sha), checkStrategy(*strategy))
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
		if werr != nil {
			return exitFor(nil, werr, c)
		}
		if err != nil && p.Error != "" && ctx.Err() == nil {
			return exitFailed // the plan printed says why: not a third time
		}
	}
	return exitFor(nil, err, c)
}
