package main

import (
	"context"
	"fmt"
	"strings"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/inventory"
	"github.com/bitflow-lms/pipeline/ci/ledger"
)

// Environment is one deploy target (ci/environments/NAME.yaml) with the
// credentials and reporters chained before it: plan, deploy, rollback,
// check and releases act on it.
type Environment struct {
	// Name of the environment: ci/environments/NAME.yaml.
	Name string
	// The pipeline this environment was opened from (its source, AWS and reporters).
	// +private
	Pipeline *Bitflow
}

// Opens a deploy environment by name; chain plan, deploy, rollback, check or releases.
//
// Reads and validates ci/environments/NAME.yaml from the source now, so a
// typo fails here with the file's problems listed, before any AWS call. AWS
// credentials come from with-aws earlier in the chain, the reporters from
// with-github and with-slack.
//
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN environment --name production plan --sha $SHA
func (m *Bitflow) Environment(ctx context.Context,
	// Environment name: reads ci/environments/NAME.yaml (e.g. production, staging).
	name string,
) (*Environment, error) {
	if _, err := m.loadEnvironment(ctx, name); err != nil {
		return nil, err
	}
	return &Environment{Name: name, Pipeline: m}, nil
}

// Validates the environment file, then checks every AWS resource it needs.
//
// Prints the environment as the deploy brain reads it (defaults applied),
// then one line per AWS resource it needs (ECR repositories, cluster, the 15
// services and their task-definition families, migration family, target
// groups, load balancer, listener and rules, log groups, task roles, state
// bucket): ok, MISSING or WRONG with the reason, from read-only calls. Fails
// when one is missing or misconfigured, or when the account is still the
// committed placeholder (against AWS). Without with-aws it only lists them.
// Same logic as bitflow-deploy check (ci/inventory).
//
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN environment --name production check
// +cache="never"
func (e *Environment) Check(ctx context.Context) (string, error) {
	a := e.Pipeline.aws()
	if mode, err := a.mode(); err == nil && mode == awsx.ModeDefault && a.Endpoint == nil {
		env, err := e.Pipeline.loadEnvironment(ctx, e.Name)
		if err != nil {
			return "", err
		}
		return env.Describe() + inventory.List(env), nil
	}
	t, err := e.Pipeline.setup(ctx, e.Name, a, nil, nil)
	defer t.Close()
	if err != nil {
		return "", err
	}
	report, err := inventory.Check(ctx, t.AWS, t.Env)
	if err != nil {
		return "", err
	}
	text := t.Env.Describe() + report.Text()
	if err := report.Err(a.Endpoint == nil); err != nil {
		return "", fmt.Errorf("%s%w", text, err)
	}
	return text, nil
}

// Lists the environment's releases: the ledger's history, then the registry's.
//
// First the release ledger in the environment's state bucket (the same as
// bitflow-deploy releases): each deploy and rollback, newest first, with who
// started it, its strategy, outcome, stage timings and what it replaced,
// then the delivery summary (deployment frequency, lead time, change-failure
// rate, time to restore). Then every app's ECR repository (read-only
// DescribeImages): per image tag, when the backend image was pushed and how
// many of the environment's apps have that tag (deployable when all do).
// Read-only. Needs with-aws.
//
// Example: dagger call with-aws --role-arn $ROLE --web-identity-token env:TOKEN environment --name production releases
// +cache="never"
func (e *Environment) Releases(ctx context.Context,
	// Show at most this many releases.
	// +optional
	// +default=20
	limit int,
) (string, error) {
	t, err := e.Pipeline.setup(ctx, e.Name, e.Pipeline.aws(), nil, nil)
	defer t.Close()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if t.Env.State == nil {
		fmt.Fprintf(&b, "ledger: %s names no state location (state: {bucket, prefix})\n\n", t.Env.File)
	} else {
		h, err := ledger.New(awsx.S3(t.AWS), *t.Env.State).List(ctx)
		if err != nil {
			return "", fmt.Errorf("ledger of %s: %w", e.Name, err)
		}
		if limit > 0 && len(h) > limit {
			h = h[len(h)-limit:]
		}
		fmt.Fprintf(&b, "Ledger (s3://%s/%s):\n", t.Env.State.Bucket, t.Env.State.Prefix)
		h.Write(&b)
		b.WriteString("\nRegistry:\n")
	}
	apps := t.Env.AppsDeployed()
	repos := make([]string, len(apps))
	for i, a := range apps {
		repos[i] = t.Env.Repository(a)
	}
	list, err := ecr.Releases(ctx, awsecr.NewFromConfig(t.AWS), repos)
	if err != nil {
		return "", fmt.Errorf("releases of %s: %w", e.Name, err)
	}
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	ecr.WriteReleases(&b, list, len(repos))
	return b.String(), nil
}
