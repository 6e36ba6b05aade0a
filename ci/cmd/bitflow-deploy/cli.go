package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// Exit codes.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitCancelled = 130
)

const usage = `usage: bitflow-deploy <verb> [flags]

verbs:
  check     validate the environment file, then check every AWS resource it needs (--offline: list them)
  plan      show what a deploy would change, without changing anything
  deploy    deploy a release (--sha): check images, render task definitions, migrate, deploy, wait
  rollback  undo the newest release in the environment's ledger (or --sha, or --manifest)
  releases  the environment's release history (ledger) and delivery metrics
  lock      status|release: the environment's deploy lock
  summary   append a run's Markdown summary to $GITHUB_STEP_SUMMARY (or print it)
  outcome   print a run's outcome; exit 1 unless it succeeded
  emulator  serve the in-repo AWS emulator on a free loopback port (and run a command against it)

run "bitflow-deploy <verb> -h" for the flags of a verb.
`

// common are the flags every verb takes.
type common struct {
	env, configPath, endpoint, profile string
	verbose                            bool // deploy, rollback: per-service detail of a failure
	out, errOut                        io.Writer
	getenv                             func(string) string
	// clock is what deploy and rollback read and wait on (nil: the wall
	// clock; tests hand in the emulator's manual clock).
	clock clock.Clock
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.env, "env", "", "environment name: reads ci/environments/<name>.yaml")
	fs.StringVar(&c.configPath, "config", "", "environment file path (instead of --env)")
	fs.StringVar(&c.endpoint, "endpoint", "", "AWS endpoint override, e.g. the emulator's address (default $AWS_ENDPOINT_URL)")
	fs.StringVar(&c.profile, "profile", "", "AWS shared-config profile")
}

// load reads and validates the environment file.
func (c *common) load() (*config.Environment, error) {
	path := c.configPath
	switch {
	case path == "" && c.env == "":
		return nil, errors.New("name the environment: --env production (or --config path/to/env.yaml)")
	case path == "":
		if err := config.CheckName(c.env); err != nil {
			return nil, fmt.Errorf("--env: %w", err) // checked before it becomes a file name
		}
		path = environmentFile(c.env)
	}
	env, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if c.env != "" && env.Name != c.env {
		return nil, fmt.Errorf("%s: name is %q but --env says %q", path, env.Name, c.env)
	}
	return env, nil
}

// environmentFile is ci/environments/NAME.yaml of the repository the
// working directory is in (found by walking up, so the CLI works from the
// root and from ci/ alike), relative to the working directory.
func environmentFile(name string) string {
	rel := filepath.Join("ci", "environments", name+".yaml")
	wd, err := os.Getwd()
	if err != nil {
		return rel
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(filepath.Join(dir, "ci", "environments")); err == nil && fi.IsDir() {
			if r, err := filepath.Rel(wd, filepath.Join(dir, rel)); err == nil {
				return r
			}
			return filepath.Join(dir, rel)
		}
		if filepath.Dir(dir) == dir {
			return rel
		}
	}
}

// awsOptions are the AWS options for env (web identity from
// AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE is picked up by the SDK chain).
func (c *common) awsOptions(env *config.Environment) awsx.Options {
	return awsx.Options{Region: env.Region, Endpoint: c.endpoint, Profile: c.profile}
}

func run(ctx context.Context, args []string, out, errOut io.Writer, getenv func(string) string) int {
	return runOn(ctx, nil, args, out, errOut, getenv)
}

// runOn is run with deploy and rollback on clk (nil: the wall clock).
func runOn(ctx context.Context, clk clock.Clock, args []string, out, errOut io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(errOut, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	// Everything the CLI prints passes the scrubber, whatever printed it.
	sout, serr := scrub.NewWriter(out), scrub.NewWriter(errOut)
	defer serr.Flush()
	defer sout.Flush()
	c := &common{out: sout, errOut: serr, getenv: getenv, clock: clk}
	verb, rest := args[0], args[1:]
	switch verb {
	case "check":
		return c.check(ctx, rest)
	case "plan":
		return c.plan(ctx, rest)
	case "deploy":
		return c.deploy(ctx, rest)
	case "rollback":
		return c.rollback(ctx, rest)
	case "summary":
		return c.summary(rest)
	case "outcome":
		return c.outcome(rest)
	case "emulator":
		return c.emulator(ctx, rest)
	case "releases":
		return c.releases(ctx, rest)
	case "lock":
		return c.lockVerb(ctx, rest)
	default:
		fmt.Fprintf(errOut, "bitflow-deploy: unknown verb %q\n\n%s", verb, usage)
		return exitUsage
	}
}

func newFlags(verb string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("bitflow-deploy "+verb, flag.ContinueOnError)
	fs.SetOutput(errOut)
	return fs
}

// parse parses flags and rejects stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

// setup loads the environment, checks the whole command line (checks) and
// builds the AWS config: the steps every AWS-touching verb takes before its
// first call or write. A false ok means a usage error that has already been
// printed once.
func (c *common) setup(ctx context.Context, verb string, checks ...check) (*config.Environment, aws.Config, bool) {
	env, err := c.load()
	if c.refused(verb, env, err, checks...) {
		return nil, aws.Config{}, false
	}
	cfg, err := awsx.Load(ctx, c.awsOptions(env))
	if err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy %s: %v\n", verb, err)
		return nil, aws.Config{}, false
	}
	return env, cfg, true
}
