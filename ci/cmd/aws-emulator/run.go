package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// config is the parsed command line.
type config struct {
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

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("aws-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := awsemu.DefaultTiming
	fs.StringVar(&c.addr, "addr", "127.0.0.1:4566", "listen address (loopback only unless --allow-non-loopback)")
	fs.BoolVar(&c.allowRemote, "allow-non-loopback", false, "allow listening on a non-loopback address (the emulator has no authentication)")
	fs.StringVar(&c.region, "region", "us-east-1", "emulated region")
	fs.StringVar(&c.account, "account", "123456789012", "emulated account id")
	fs.BoolVar(&c.seed, "seed", false, "create the Bitflow topology (cluster, ECR repositories and images, task definitions, services)")
	fs.BoolVar(&c.seedBlueGreen, "seed-bluegreen", false, "with --seed: also create the ALB and the blue/green backend services")
	fs.StringVar(&c.seedTag, "seed-tag", "seed", "with --seed: image tag (commit sha) of the seeded images")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log each call")
	fs.DurationVar(&c.timing.TaskStart, "task-start", d.TaskStart, "time for a task to go from PROVISIONING to RUNNING")
	fs.DurationVar(&c.timing.TaskStop, "task-stop", d.TaskStop, "time a one-off task runs, and time to go from stopping to STOPPED")
	fs.DurationVar(&c.timing.Rollout, "rollout", d.Rollout, "time for a service deployment to reach COMPLETED")
	fs.DurationVar(&c.timing.TargetHealthy, "target-healthy", d.TargetHealthy, "time for an ELB target to turn healthy")
	fs.DurationVar(&c.timing.Draining, "draining", d.Draining, "ELB deregistration delay")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for name, v := range map[string]time.Duration{"task-start": c.timing.TaskStart, "task-stop": c.timing.TaskStop,
		"rollout": c.timing.Rollout, "target-healthy": c.timing.TargetHealthy, "draining": c.timing.Draining} {
		if v <= 0 {
			return nil, fmt.Errorf("--%s must be positive, got %v", name, v)
		}
	}
	if c.seedBlueGreen && !c.seed {
		return nil, errors.New("--seed-bluegreen needs --seed")
	}
	if err := checkLoopback(c.addr, c.allowRemote); err != nil {
		return nil, err
	}
	return c, nil
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

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stderr io.Writer, ready readyFunc) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "aws-emulator: ", log.LstdFlags|log.Lmicroseconds)
	opts := awsemu.Options{Region: c.region, AccountID: c.account, Timing: c.timing}
	if !c.quiet {
		opts.OnCall = func(call awsemu.Call) {
			status := "ok"
			if call.Error != "" {
				status = "error " + call.Error
			}
			logger.Printf("%s %s %s", call.Service, call.Action, status)
		}
	}
	emu := awsemu.New(opts)
	if c.seed {
		// Seed through a private loopback listener first, so that nobody
		// sees the public address before the topology is complete.
		private, err := awsemu.Serve("127.0.0.1:0", emu)
		if err != nil {
			return fmt.Errorf("listen for seeding: %w", err)
		}
		err = seedTopology(ctx, private, c, logger)
		_ = private.Close()
		if err != nil {
			return err
		}
	}
	srv, err := awsemu.Serve(c.addr, emu)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	logger.Printf("serving ECS, ECR, CloudWatch Logs, ELBv2 and STS for account %s in %s at %s", c.account, c.region, srv.URL)
	// Scripts wait for this line: the topology is complete from here on.
	logger.Printf("ready at %s", srv.URL)
	if ready != nil {
		ready(srv.URL)
	}
	<-ctx.Done()
	logger.Printf("shutting down")
	if err := srv.Close(); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func seedTopology(ctx context.Context, srv *awsemu.Server, c *config, logger *log.Logger) error {
	opts := seed.Options{ImageTag: c.seedTag}
	var res *seed.Result
	var err error
	if c.seedBlueGreen {
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
