package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/inventory"
)

// check validates the environment file, then lists every AWS resource it
// needs and checks each with read-only calls (--offline: only list them).
// It fails when a resource is missing or misconfigured, and, against AWS
// (no --endpoint), when the account is still the committed placeholder.
func (c *common) check(ctx context.Context, args []string) int {
	fs := newFlags("check", c.errOut)
	c.register(fs)
	offline := fs.Bool("offline", false, "list the resources the environment needs without calling AWS")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: bitflow-deploy check --env NAME [--endpoint URL] [--offline]")
		flag.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, err := c.load()
	if c.refused("check", env, err) {
		return exitUsage
	}
	fmt.Fprint(c.out, env.Describe())
	fmt.Fprintf(c.out, "  worst case of a deploy (every timeout used; credentials must outlive it): %s\n", env.WorstCase(0))
	if *offline {
		fmt.Fprint(c.out, inventory.List(env))
		return exitOK
	}
	cfg, err := awsx.Load(ctx, c.awsOptions(env))
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitFailed
	}
	report, err := inventory.Check(ctx, cfg, env)
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitFailed
	}
	fmt.Fprint(c.out, report.Text())
	if err := report.Err(c.endpoint == ""); err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitFailed
	}
	return exitOK
}
