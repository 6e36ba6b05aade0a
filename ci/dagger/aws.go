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
	// A laptop's profile: its name and its shared config/credentials files.
	Profile                 string
	ConfigFile, Credentials *dagger.Secret
	// credential_process JSON, e.g. cmd:"aws configure export-credentials --profile NAME".
	CredentialsProcess *dagger.Secret
}

// given says which credentials the flags carry, for awsx's rules.
func (a awsArgs) given() awsx.Given {
	return awsx.Given{
		AccessKeyID:        a.AccessKeyID != nil,
		SecretAccessKey:    a.SecretAccessKey != nil,
		SessionToken:       a.SessionToken != nil,
		WebIdentityToken:   a.WebIdentityToken != nil,
		RoleARN:            a.RoleARN,
		Profile:            a.Profile,
		ProcessCredentials: a.CredentialsProcess != nil,
	}
}

// any says whether any AWS flag was given.
func (a awsArgs) any() bool {
	return a.given() != (awsx.Given{}) || a.Region != "" || a.Endpoint != nil || a.ConfigFile != nil || a.Credentials != nil
}

// mode applies the deploy brain's credential rules (awsx.Given) to the
// flags, and the module's own: a profile is read from the files given (the
// module has no ~/.aws of the user's), and those files need a profile.
func (a awsArgs) mode() (awsx.Mode, error) {
	mode, err := a.given().Mode()
	switch {
	case err != nil:
		return mode, err
	case mode == awsx.ModeProfile && a.ConfigFile == nil && a.Credentials == nil:
		return mode, fmt.Errorf("AWS profile %s: give its files too, e.g. --aws-config file:$HOME/.aws/config (and --aws-credentials file:$HOME/.aws/credentials for keys kept there)", a.Profile)
	case mode != awsx.ModeProfile && (a.ConfigFile != nil || a.Credentials != nil):
		return mode, fmt.Errorf("--aws-config and --aws-credentials are a profile's files: name the profile with --aws-profile")
	}
	return mode, nil
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
		path, err := secretFile(ctx, a.WebIdentityToken, "--aws-web-identity-token")
		cleanup = removeAll([]string{path})
		if err != nil {
			return aws.Config{}, cleanup, err
		}
		opts.WebIdentity = &awsx.WebIdentity{RoleARN: a.RoleARN, TokenFile: path}
	case awsx.ModeProfile:
		opts.Profile = a.Profile
		var files []string
		for _, f := range []struct {
			flag   string
			secret *dagger.Secret
			path   *string
		}{{"--aws-config", a.ConfigFile, &opts.ConfigFile}, {"--aws-credentials", a.Credentials, &opts.CredentialsFile}} {
			if f.secret == nil {
				continue
			}
			path, err := secretFile(ctx, f.secret, f.flag)
			if path != "" {
				files = append(files, path)
			}
			if err != nil {
				cleanup = removeAll(files)
				return aws.Config{}, cleanup, err
			}
			*f.path = path
		}
		cleanup = removeAll(files)
	case awsx.ModeProcess:
		body, err := a.CredentialsProcess.Plaintext(ctx)
		if err != nil {
			return aws.Config{}, cleanup, fmt.Errorf("--aws-credentials-process: %w", err)
		}
		opts.ProcessCredentials = []byte(body)
	case awsx.ModeDefault:
		if a.Endpoint == nil {
			return aws.Config{}, cleanup, fmt.Errorf("no AWS credentials: give a profile (--aws-profile NAME --aws-config file:$HOME/.aws/config), exported credentials (--aws-credentials-process cmd:\"aws configure export-credentials --profile NAME\"), or chain with-aws --access-key-id/--secret-access-key or --web-identity-token/--role-arn (or --endpoint for the emulator)")
		}
	}
	cfg, err = awsx.Load(ctx, opts)
	return cfg, cleanup, err
}

// secretFile writes a secret to a 0600 temp file for the AWS SDK, which
// reads profiles and web identity tokens from files; the caller removes it
// (removeAll), also when an error is returned with the path.
func secretFile(ctx context.Context, s *dagger.Secret, flag string) (string, error) {
	body, err := s.Plaintext(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	f, err := os.CreateTemp("", "aws-secret-*")
	if err != nil {
		return "", err
	}
	_, werr := f.WriteString(body)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return f.Name(), werr
}

// removeAll removes the files secretFile wrote.
func removeAll(paths []string) func() {
	return func() {
		for _, p := range paths {
			if p != "" {
				_ = os.Remove(p)
			}
		}
	}
}
