// Package awsx builds the aws.Config every deploy-brain client uses: region,
// credentials (default chain, static keys, session token, web identity for
// OIDC in CI), an optional BaseEndpoint override (the in-repo emulator), and
// the SDK's standard retryer tuned for throttling, over sdktransport's HTTP
// client.
package awsx

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/bitflow-lms/pipeline/ci/internal/sdktransport"
)

// Retry defaults: ECS and ECR throttle per account and action; a deploy that
// waits 30 minutes must ride out bursts rather than fail on them.
const (
	DefaultMaxAttempts = 10
	DefaultMaxBackoff  = 20 * time.Second
	DefaultCallTimeout = 30 * time.Second
)

// Options select how to reach AWS. Zero values use the SDK's default chain.
type Options struct {
	// Region overrides AWS_REGION / the profile's region.
	Region string
	// Profile selects a shared-config profile. With ConfigFile or
	// CredentialsFile it is read from those files only (local.go).
	Profile string
	// ConfigFile and CredentialsFile are the profile's shared config and
	// credentials files (e.g. copies of ~/.aws/config, ~/.aws/credentials).
	ConfigFile, CredentialsFile string
	// ProcessCredentials is credential_process JSON, e.g. the output of
	// `aws configure export-credentials --profile NAME` (local.go).
	ProcessCredentials []byte
	// Endpoint, if set, sends every client to this base URL (e.g. the
	// emulator at http://127.0.0.1:4566). Without credentials given, static
	// emulator credentials are used so no real ones are looked up.
	Endpoint string
	// Static credentials (AccessKeyID + SecretAccessKey, optional SessionToken).
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// WebIdentity assumes RoleARN with the OIDC token in TokenFile (GitHub
	// Actions OIDC); the SDK also does this itself from
	// AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE.
	WebIdentity *WebIdentity
	// MaxAttempts and MaxBackoff tune the standard retryer (defaults above).
	MaxAttempts int
	MaxBackoff  time.Duration
	// CallTimeout bounds each HTTP attempt of every AWS call (default
	// DefaultCallTimeout): an endpoint that never answers fails the attempt,
	// and the retryer decides, instead of the call hanging until the run's
	// context ends.
	CallTimeout time.Duration
}

// WebIdentity names a role to assume with a web identity token file.
type WebIdentity struct {
	RoleARN     string
	TokenFile   string
	SessionName string // default "bitflow-deploy"
}

// Load builds an aws.Config from opts.
func Load(ctx context.Context, opts Options) (aws.Config, error) {
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return aws.Config{}, fmt.Errorf("endpoint %q is not an absolute URL (e.g. http://127.0.0.1:4566)", opts.Endpoint)
		}
	}
	mode, err := opts.given().Mode()
	if err != nil {
		return aws.Config{}, err
	}
	var lo []func(*awsconfig.LoadOptions) error
	if opts.Region != "" {
		lo = append(lo, awsconfig.WithRegion(opts.Region))
	}
	if opts.Endpoint != "" {
		// Here too, not only on the result: a profile's role is assumed with
		// the STS client built while the configuration loads.
		lo = append(lo, awsconfig.WithBaseEndpoint(opts.Endpoint))
	}
	if opts.Profile != "" {
		lo = append(lo, awsconfig.WithSharedConfigProfile(opts.Profile))
		if opts.ConfigFile != "" || opts.CredentialsFile != "" {
			if err := checkProfile(ctx, opts); err != nil {
				return aws.Config{}, err
			}
			lo = append(lo, awsconfig.WithSharedConfigFiles(opts.configFiles()), awsconfig.WithSharedCredentialsFiles(opts.credentialsFiles()))
		}
	}
	switch {
	case mode == ModeProcess:
		creds, err := ParseProcessCredentials(opts.ProcessCredentials, time.Now())
		if err != nil {
			return aws.Config{}, err
		}
		lo = append(lo, awsconfig.WithCredentialsProvider(exportedProvider{creds}))
	case mode == ModeStatic:
		lo = append(lo, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, opts.SessionToken)))
	case mode == ModeDefault && opts.Endpoint != "":
		lo = append(lo, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator-secret", "")))
	}
	lo = append(lo, awsconfig.WithRetryer(func() aws.Retryer { return NewRetryer(opts.MaxAttempts, opts.MaxBackoff) }))
	cfg, err := awsconfig.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	cfg.HTTPClient = sdktransport.Wrap(WithCallTimeout(cfg.HTTPClient, opts.CallTimeout))
	if opts.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(opts.Endpoint)
	}
	if wi := opts.WebIdentity; mode == ModeWebIdentity {
		name := wi.SessionName
		if name == "" {
			name = "bitflow-deploy"
		}
		prov := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg), wi.RoleARN,
			stscreds.IdentityTokenFile(wi.TokenFile), func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = name })
		cfg.Credentials = aws.NewCredentialsCache(prov)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set it in the environment file or AWS_REGION")
	}
	return cfg, nil
}

// given says which credentials opts carries, for the rules in creds.go.
func (o Options) given() Given {
	g := Given{AccessKeyID: o.AccessKeyID != "", SecretAccessKey: o.SecretAccessKey != "", SessionToken: o.SessionToken != "",
		Profile: o.Profile, ProcessCredentials: len(o.ProcessCredentials) > 0}
	if wi := o.WebIdentity; wi != nil {
		g.WebIdentityToken, g.RoleARN = wi.TokenFile != "", wi.RoleARN
	}
	return g
}

// NewRetryer is the SDK's standard retryer (exponential backoff with jitter;
// throttling errors back off from 1 s) with more attempts than the default 3
// and no client-side retry quota, so a long deploy is not failed by a
// throttling burst exhausting the token bucket. maxAttempts/maxBackoff <= 0
// take DefaultMaxAttempts/DefaultMaxBackoff.
func NewRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// WithRetryer returns cfg using NewRetryer (for configs built elsewhere,
// e.g. the emulator's AWSConfig in tests).
func WithRetryer(cfg aws.Config, maxAttempts int, maxBackoff time.Duration) aws.Config {
	cfg.Retryer = func() aws.Retryer { return NewRetryer(maxAttempts, maxBackoff) }
	return cfg
}

// WithCallTimeout bounds each attempt of the SDK's HTTP client (the default
// *awshttp.BuildableClient; other clients are returned as they are) to d
// (<= 0: DefaultCallTimeout).
func WithCallTimeout(c aws.HTTPClient, d time.Duration) aws.HTTPClient {
	if d <= 0 {
		d = DefaultCallTimeout
	}
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	if bc, ok := c.(*awshttp.BuildableClient); ok {
		return bc.WithTimeout(d)
	}
	return c
}
