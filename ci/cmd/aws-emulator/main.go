// Command aws-emulator serves the in-repo AWS API emulator (package awsemu:
// ECS, ECR, CloudWatch Logs, ELBv2, STS) on a loopback address, so a deploy
// can be rehearsed without an AWS account:
//
//	aws-emulator --seed --seed-tag "$(git rev-parse --short HEAD)"
//	AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 \
//	  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws ecs list-services --cluster bitflow-cluster
//
// Faults are injected with POST /_emulator/faults (see awsemu.FaultRequest);
// GET /_emulator/calls lists the calls answered so far. Each call is logged
// (service, action, error code; never a request body). SIGINT or SIGTERM
// shuts the server down gracefully.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "aws-emulator:", err)
		os.Exit(1)
	}
}

// readyFunc is told the server's URL once it serves (tests use it).
type readyFunc func(url string)
