package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/bitflow-lms/pipeline/ci/deploy"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// rollback returns the environment to the release before a manifest
// (deploy.Rollback).
func (c *common) rollback(ctx context.Context, args []string) int {
	fs := newFlags("rollback", c.errOut)
	c.register(fs)
	manifestPath := fs.String("manifest", "", "release manifest of the deploy to undo (checked against the ledger); default: the newest release in the ledger")
	sha := fs.String("sha", "", "undo the newest deploy of this sha (or sha prefix) in the ledger")
	release := fs.String("release", "", "undo this release of the ledger, by its ID (bitflow-deploy releases lists them)")
	force := fs.Bool("force", false, "undo it even if a newer release is live (each override is printed)")
	output := fs.String("output", "", "where to write the rollback's own manifest (default <manifest>.rollback.json, or rollback-<env>.json)")
	noReport := fs.Bool("no-report", false, "do not build reporters (GitHub, Slack, job summary)")
	c.verboseFlag(fs)
	state, lockWait := c.stateFlags(fs)
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	checkPrefix := checkErr(nil)
	if *sha != "" {
		checkPrefix = checkErr(manifest.CheckSHAPrefix(*sha))
	}
	out := *output
	if out == "" && *manifestPath != "" {
		out = *manifestPath // the default output is written beside it
	}
	env, cfg, ok := c.setup(ctx, "rollback", checkPrefix, checkInput("--manifest", *manifestPath),
		checkOutput("--output", out), checkNotNegative("--wait-for-lock", *lockWait), checkRelease(*release))
	if !ok {
		return exitUsage
	}
	opts := deploy.RollbackOptions{Env: env, ManifestPath: *manifestPath, SHA: *sha, Release: *release, Force: *force, OutputPath: *output, Out: c.out, AWS: cfg, State: state(), Clock: c.clock}
	if !*noReport {
		opts.Reporters = c.reporters()
	}
	m, err := deploy.Rollback(ctx, opts)
	return exitFor(m, err, c)
}

// releaseID is the shape of a ledger record's ID (<env>-<sha>-<unix>,
// rollback-<id>).
var releaseID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$`)

// checkRelease refuses a --release that cannot be a ledger record's ID.
func checkRelease(id string) check {
	if id == "" || releaseID.MatchString(id) {
		return checkErr(nil)
	}
	return checkErr(fmt.Errorf("--release %q is not a release ID (letters, digits, '.', '_' and '-'; bitflow-deploy releases lists them)", id))
}
