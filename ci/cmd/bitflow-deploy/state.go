package main

// The verbs on the environment's deploy state in S3: lock status|release
// and releases (the ledger's history with the DORA summary), and the flags
// deploy and rollback share for the lock.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/deploy"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
)

// stateFlags registers --wait-for-lock and returns the lock options of a
// run; who starts it comes from the environment (CI run URL or user@host).
// The second result is the flag's value, for the verb's checks.
func (c *common) stateFlags(fs *flag.FlagSet) (func() deploy.State, *time.Duration) {
	wait := fs.Duration("wait-for-lock", 0, "wait this long for the environment lock held by another run (default: fail at once, naming the holder)")
	return func() deploy.State {
		owner, runURL := lock.Owner(c.getenv)
		return deploy.State{Owner: owner, RunURL: runURL, LockWait: *wait}
	}, wait
}

// stateSetup loads the environment, requires its state location and builds
// the AWS config.
func (c *common) stateSetup(ctx context.Context, verb string) (*config.Environment, *lock.Store, *ledger.Ledger, bool) {
	env, cfg, ok := c.setup(ctx, verb, func(env *config.Environment) error {
		if env != nil && env.State == nil {
			return fmt.Errorf("%s names no state location (state: {bucket, prefix})", env.File)
		}
		return nil
	})
	if !ok {
		return nil, nil, nil, false
	}
	client := awsx.S3(cfg)
	return env, &lock.Store{Client: client, Bucket: env.State.Bucket, Prefix: env.State.Prefix}, ledger.New(client, *env.State), true
}

// lockVerb is "lock status" and "lock release".
func (c *common) lockVerb(ctx context.Context, args []string) int {
	if len(args) == 0 || (args[0] != "status" && args[0] != "release") {
		fmt.Fprintln(c.errOut, "usage: bitflow-deploy lock status|release --env NAME")
		return exitUsage
	}
	sub := args[0]
	fs := newFlags("lock "+sub, c.errOut)
	c.register(fs)
	if err := parse(fs, args[1:]); err != nil {
		return exitUsage
	}
	env, store, _, ok := c.stateSetup(ctx, "lock "+sub)
	if !ok {
		return exitUsage
	}
	if sub == "release" {
		held, err := store.Release(ctx)
		switch {
		case err != nil:
			fmt.Fprintf(c.errOut, "bitflow-deploy: %v\n", err)
			return exitFailed
		case held == nil:
			fmt.Fprintf(c.out, "%s was not locked (%s)\n", env.Name, store.Where())
		default:
			fmt.Fprintf(c.out, "released the lock of %s held by %s\n", env.Name, held)
		}
		return exitOK
	}
	info, _, err := store.Status(ctx)
	switch {
	case err != nil:
		fmt.Fprintf(c.errOut, "bitflow-deploy: %v\n", err)
		return exitFailed
	case info == nil:
		fmt.Fprintf(c.out, "%s: unlocked (%s)\n", env.Name, store.Where())
	case time.Now().After(info.ExpiresAt):
		fmt.Fprintf(c.out, "%s: locked by %s — EXPIRED (its holder stopped renewing it; the next run takes it over)\n", env.Name, info)
	default:
		fmt.Fprintf(c.out, "%s: locked by %s\n", env.Name, info)
	}
	return exitOK
}

// releases lists the ledger's history and the DORA summary.
func (c *common) releases(ctx context.Context, args []string) int {
	fs := newFlags("releases", c.errOut)
	c.register(fs)
	asJSON := fs.Bool("json", false, "print the release records as JSON (oldest first)")
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	_, _, lg, ok := c.stateSetup(ctx, "releases")
	if !ok {
		return exitUsage
	}
	h, err := lg.List(ctx)
	if err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(c.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(h); err != nil {
			return exitFailed
		}
		return exitOK
	}
	h.Write(c.out)
	return exitOK
}
