package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// emulatorFlags are the emulator verb's flags.
type emulatorFlags struct {
	addr          string
	allowRemote   bool
	region        string
	account       string
	seed          bool
	seedBlueGreen bool
	seedTag       string
	quiet         bool
	timing        awsemu.Timing
}

// emulator serves the in-repo AWS emulator (package awsemu: ECS, ECR,
// CloudWatch Logs, ELBv2, STS) on a free loopback port and logs
// "ready at http://…" once it is seeded and serving. Without a command it
// serves until SIGINT/SIGTERM; with one (after --) it runs the command with
// AWS_ENDPOINT_URL, AWS_REGION and emulator credentials pointing at itself,
// stops, and exits with the command's status.
func (c *common) emulator(ctx context.Context, args []string) int {
	f, command, err := parseEmulatorFlags(args, c.errOut)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(c.errOut, "bitflow-deploy emulator: %v\n", err)
		}
		return exitUsage
	}
	code, err := serveEmulator(ctx, f, command, c.out, c.errOut, nil)
	if err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy emulator: %v\n", err)
		return exitFailed
	}
	return code
}

func parseEmulatorFlags(args []string, stderr io.Writer) (*emulatorFlags, []string, error) {
	f := &emulatorFlags{}
	fs := newFlags("emulator", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: bitflow-deploy emulator [flags] [-- command [args...]]\n\n")
		fs.PrintDefaults()
	}
	d := awsemu.DefaultTiming
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address (port 0: a free port; loopback only unless --allow-non-loopback)")
	fs.BoolVar(&f.allowRemote, "allow-non-loopback", false, "allow listening on a non-loopback address (the emulator has no authentication)")
	fs.StringVar(&f.region, "region", "us-east-1", "emulated region")
	fs.StringVar(&f.account, "account", "123456789012", "emulated account id")
	fs.BoolVar(&f.seed, "seed", false, "create the Bitflow topology (cluster, ECR repositories and images, task definitions, services)")
	fs.BoolVar(&f.seedBlueGreen, "seed-bluegreen", false, "with --seed: also create the ALB and the blue/green backend services")
	fs.StringVar(&f.seedTag, "seed-tag", "seed", "with --seed: image tag of the seeded images (the --sha you will deploy, e.g. \"$(git rev-parse HEAD)\")")
	fs.BoolVar(&f.quiet, "quiet", false, "do not log each call")
	fs.DurationVar(&f.timing.TaskStart, "task-start", d.TaskStart, "time for a task to go from PROVISIONING to RUNNING")
	fs.DurationVar(&f.timing.TaskStop, "task-stop", d.TaskStop, "time a one-off task runs, and time to go from stopping to STOPPED")
	fs.DurationVar(&f.timing.Rollout, "rollout", d.Rollout, "time for a service deployment to reach COMPLETED")
	fs.DurationVar(&f.timing.TargetHealthy, "target-healthy", d.TargetHealthy, "time for an ELB target to turn healthy")
	fs.DurationVar(&f.timing.Draining, "draining", d.Draining, "ELB deregistration delay")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	command := fs.Args()
	if n := len(args) - len(command) - 1; len(command) > 0 && (n < 0 || args[n] != "--") {
		return nil, nil, fmt.Errorf("unexpected arguments %q: put a command to run after --", command)
	}
	for name, v := range map[string]time.Duration{"task-start": f.timing.TaskStart, "task-stop": f.timing.TaskStop,
		"rollout": f.timing.Rollout, "target-healthy": f.timing.TargetHealthy, "draining": f.timing.Draining} {
		if v <= 0 {
			return nil, nil, fmt.Errorf("--%s must be positive, got %v", name, v)
		}
	}
	if f.seedBlueGreen && !f.seed {
		return nil, nil, errors.New("--seed-bluegreen needs --seed")
	}
	if err := checkLoopback(f.addr, f.allowRemote); err != nil {
		return nil, nil, err
	}
	return f, command, nil
}

// checkLoopback refuses addresses other hosts could reach, unless allowed.
func checkLoopback(addr string, allow bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v", addr, err)
	}
	if allow {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address (the emulator has no authentication); pass --allow-non-loopback to serve it anyway", addr)
}

// serveEmulator seeds and serves the emulator, then runs command against it
// (returning its exit code) or serves until ctx is done. ready, if set, is
// told the URL once it serves (tests use it).
func serveEmulator(ctx context.Context, f *emulatorFlags, command []string, stdout, stderr io.Writer, ready func(url string)) (int, error) {
	logger := log.New(stderr, "bitflow-deploy emulator: ", log.LstdFlags|log.Lmicroseconds)
	opts := awsemu.Options{Region: f.region, AccountID: f.account, Timing: f.timing}
	if !f.quiet {
		opts.OnCall = func(call awsemu.Call) {
			status := "ok"
			if call.Error != "" {
				status = "error " + call.Error
			}
			logger.Printf("%s %s %s", call.Service, call.Action, status)
		}
	}
	emu := awsemu.New(opts)
	if f.seed {
		// Seed through a private loopback listener first, so that nobody
		// sees the public address before the topology is complete.
		private, err := awsemu.Serve("127.0.0.1:0", emu)
		if err != nil {
			return exitFailed, fmt.Errorf("listen for seeding: %w", err)
		}
		err = seedTopology(ctx, private, f, logger)
		_ = private.Close()
		if err != nil {
			return exitFailed, err
		}
	}
	srv, err := awsemu.Serve(f.addr, emu)
	if err != nil {
		return exitFailed, fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	defer srv.Close()
	logger.Printf("serving ECS, ECR, CloudWatch Logs, ELBv2, S3 and STS for account %s in %s", f.account, f.region)
	// Scripts wait for this line: the topology is complete from here on.
	logger.Printf("ready at %s", srv.URL)
	if ready != nil {
		ready(srv.URL)
	}
	if len(command) > 0 {
		return runAgainst(ctx, srv.URL, f.region, command, stdout, stderr)
	}
	<-ctx.Done()
	logger.Printf("shutting down")
	return exitOK, nil
}

// runAgainst runs command with the AWS environment pointed at the emulator
// (its own credentials: real ones never reach it) and returns its exit code.
func runAgainst(ctx context.Context, url, region string, command []string, stdout, stderr io.Writer) (int, error) {
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+url, "AWS_REGION="+region,
		"AWS_ACCESS_KEY_ID=AKIDEMULATOR", "AWS_SECRET_ACCESS_KEY=emulator-secret", "AWS_SESSION_TOKEN=", "AWS_PROFILE=")
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return exitOK, nil
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return exit.ExitCode(), nil
	case ctx.Err() != nil:
		return exitCancelled, nil
	}
	return exitFailed, fmt.Errorf("run %s: %w", command[0], err)
}

func seedTopology(ctx context.Context, srv *awsemu.Server, f *emulatorFlags, logger *log.Logger) error {
	env, from, err := seed.DefaultEnvironment()
	if err != nil {
		return err
	}
	logger.Printf("seeding the topology of %s", from)
	opts := seed.Options{ImageTag: f.seedTag, Env: env}
	var res *seed.Result
	if f.seedBlueGreen {
		var alb *seed.ALB
		res, alb, err = seed.BlueGreen(ctx, srv.AWSConfig(), seed.BlueGreenOptions{Options: opts})
		if err == nil {
			logger.Printf("seeded ALB %s (live %s, production listener %s)", alb.DNSName, alb.Live, alb.ProductionListenerArn)
		}
	} else {
		res, err = seed.Bitflow(ctx, srv.AWSConfig(), opts)
	}
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	logger.Printf("seeded cluster %s: %d repositories tagged %s, task definitions %d, services %d",
		res.ClusterArn, len(res.Repositories), res.ImageTag, len(res.TaskDefinitions), len(res.Services))
	return nil
}
