package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// awsArgs are the AWS flags shared by publish, plan, deploy and rollback.
type awsArgs struct {
	AccessKeyID      *dagger.Secret
	SecretAccessKey  *dagger.Secret
	SessionToken     *dagger.Secret
	WebIdentityToken *dagger.Secret
	RoleARN          string
	Region           string
	Endpoint         *dagger.Service // e.g. the in-repo AWS emulator: --aws-endpoint tcp://localhost:4566
}

// mode applies the deploy brain's credential rules (awsx.Given) to the flags.
func (a awsArgs) mode() (awsx.Mode, error) {
	return awsx.Given{
		AccessKeyID:      a.AccessKeyID != nil,
		SecretAccessKey:  a.SecretAccessKey != nil,
		SessionToken:     a.SessionToken != nil,
		WebIdentityToken: a.WebIdentityToken != nil,
		RoleARN:          a.RoleARN,
	}.Mode()
}

// config builds the aws.Config through the deploy brain's awsx.Load. Secret
// values are read in this process only (never put in a container env or a
// layer); the web identity token goes to a 0600 temp file removed by cleanup.
func (a awsArgs) config(ctx context.Context, defaultRegion string) (cfg aws.Config, cleanup func(), err error) {
	cleanup = func() {}
	mode, err := a.mode()
	if err != nil {
		return aws.Config{}, cleanup, err
	}
	opts := awsx.Options{Region: a.Region}
	if opts.Region == "" {
		opts.Region = defaultRegion
	}
	if a.Endpoint != nil {
		svc, err := a.Endpoint.Start(ctx)
		if err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-endpoint: %w", err)
		}
		ep, err := svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
		if err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-endpoint: %w", err)
		}
		opts.Endpoint = ep
	}
	switch mode {
	case awsx.ModeStatic:
		if opts.AccessKeyID, err = a.AccessKeyID.Plaintext(ctx); err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-access-key-id: %w", err)
		}
		if opts.SecretAccessKey, err = a.SecretAccessKey.Plaintext(ctx); err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-secret-access-key: %w", err)
		}
		if a.SessionToken != nil {
			if opts.SessionToken, err = a.SessionToken.Plaintext(ctx); err != nil {
				return aws.Config{}, cleanup, fmt.Errorf("--aws-session-token: %w", err)
			}
		}
	case awsx.ModeWebIdentity:
		token, err := a.WebIdentityToken.Plaintext(ctx)
		if err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-web-identity-token: %w", err)
		}
		f, err := os.CreateTemp("", "web-identity-*")
		if err != nil {
			return aws.Config{}, cleanup, err
		}
		cleanup = func() { _ = os.Remove(f.Name()) }
		if _, err := f.WriteString(token); err != nil {
			_ = f.Close()
			return aws.Config{}, cleanup, err
		}
		if err := f.Close(); err != nil {
			return aws.Config{}, cleanup, err
		}
		opts.WebIdentity = &awsx.WebIdentity{RoleARN: a.RoleARN, TokenFile: f.Name()}
	case awsx.ModeDefault:
		if a.Endpoint == nil {
			return aws.Config{}, cleanup, fmt.Errorf("no AWS credentials: chain with-aws --access-key-id/--secret-access-key or --web-identity-token/--role-arn (or --endpoint for the emulator)")
		}
	}
	cfg, err = awsx.Load(ctx, opts)
	return cfg, cleanup, err
}
