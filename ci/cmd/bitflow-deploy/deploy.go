package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/deploy"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// deploy runs one release through deploy.Deploy and writes its manifest.
func (c *common) deploy(ctx context.Context, args []string) int {
	fs := newFlags("deploy", c.errOut)
	c.register(fs)
	sha := fs.String("sha", "", "git sha of the release (every image is tagged with it)")
	strategy := fs.String("strategy", "", "override the environment's strategy: rolling | bluegreen | canary | native-bluegreen | native-linear | native-canary")
	waitUntil := fs.String("wait-until", "", "native strategies: stop watching once every service deployment reached this lifecycle stage (e.g. BAKE_TIME); ECS finishes alone")
	manifestPath := fs.String("manifest", "", "write the release manifest (JSON) here; default release-<env>-<sha>.json")
	dryRun := fs.Bool("dry-run", false, "stop after rendering task definitions (no change)")
	allowContract := fs.Bool("allow-contract", false, "let pending migrations that drop, rename or tighten what the live release uses run (migration.guard)")
	noReport := fs.Bool("no-report", false, "do not build reporters (GitHub, Slack, job summary)")
	commitTime := fs.String("commit-time", "", "when --sha was committed (RFC 3339), for the lead time in releases")
	c.verboseFlag(fs)
	state, lockWait := c.stateFlags(fs)
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	env, cfg, ok := c.setup(ctx, "deploy", checkSHA(*sha), checkStrategy(*strategy), checkErr(deploy.ValidateWaitUntil(*waitUntil)),
		checkCommitTime(*commitTime), checkOutput("--manifest", *manifestPath), checkNotNegative("--wait-for-lock", *lockWait))
	if !ok {
		return exitUsage
	}
	st := state()
	if *commitTime != "" {
		t, _ := time.Parse(time.RFC3339, *commitTime) // checked by setup
		st.CommitTime = &t
	}
	path := *manifestPath
	if path == "" {
		path = fmt.Sprintf("release-%s-%s.json", env.Name, *sha) // both checked: a name and a hex sha
	}
	opts := deploy.Options{Env: env, GitSHA: *sha, Strategy: *strategy, DryRun: *dryRun, Out: c.out, AWS: cfg, ManifestPath: path, WaitUntil: *waitUntil, State: st, AllowContract: *allowContract, Clock: c.clock}
	if !*noReport {
		opts.Reporters = c.reporters()
	}
	m, err := deploy.Deploy(ctx, opts)
	fmt.Fprintf(c.out, "release manifest: %s\n", path)
	return exitFor(m, err, c)
}

// verboseFlag registers --verbose: a failure of several services prints
// each service's own reason after the grouped error.
func (c *common) verboseFlag(fs *flag.FlagSet) {
	fs.BoolVar(&c.verbose, "verbose", false, "after a failure, also print each service's own reason (the error groups identical ones)")
}

// exitFor maps a run's outcome to the exit status, printing the failure.
func exitFor(m *manifest.Manifest, err error, c *common) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(c.errOut, "bitflow-deploy: %s\n", scrub.Secrets(err.Error()))
	if detail := deploy.Detail(err); detail != "" {
		if c.verbose {
			fmt.Fprintf(c.errOut, "per service:\n    %s\n", scrub.Secrets(strings.ReplaceAll(detail, "\n", "\n    ")))
		} else {
			fmt.Fprintln(c.errOut, "(per service: --verbose, or services[].rollout.reason in the manifest)")
		}
	}
	if (m != nil && m.Outcome == manifest.OutcomeCancelled) || errors.Is(err, context.Canceled) {
		return exitCancelled
	}
	return exitFailed
}

// reporters builds GitHub, Slack and job-summary reporters from the
// environment variables (missing ones switch a reporter off; problems are
// warnings on stderr).
func (c *common) reporters() []report.Reporter {
	rc := report.ConfigFromEnv(c.getenv)
	rc.Logger = slog.New(slog.NewTextHandler(c.errOut, nil))
	return report.Reporters(rc)
}
