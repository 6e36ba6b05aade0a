package awsx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
)

// Credentials from a laptop: a shared-config profile read from the files
// given (keys, or a role assumed from a source profile), or the JSON a
// credential_process prints — what `aws configure export-credentials
// --profile NAME` prints after `aws sso login`. The second is how SSO and MFA
// profiles reach the deploy brain: only one role's temporary credentials
// leave the laptop, never the SSO token (which mints credentials for every
// account and role of its portal).

// exportHint is the way out for a profile this process cannot resolve alone.
func exportHint(profile string) string {
	return fmt.Sprintf("export its credentials instead: --aws-credentials-process cmd:\"aws configure export-credentials --profile %s\" (after `aws sso login --profile %s` for SSO)", profile, profile)
}

// checkProfile refuses, before any AWS call, a profile whose credentials
// need something only the user's machine has: an SSO token cache, a command
// to run, an MFA code. Source profiles of a role chain are checked too.
func checkProfile(ctx context.Context, o Options) error {
	sc, err := awsconfig.LoadSharedConfigProfile(ctx, o.Profile, func(lo *awsconfig.LoadSharedConfigOptions) {
		lo.ConfigFiles, lo.CredentialsFiles = o.configFiles(), o.credentialsFiles()
	})
	if err != nil {
		return fmt.Errorf("AWS profile %s: %w", o.Profile, err)
	}
	for p := &sc; p != nil; p = p.Source {
		var needs string
		switch {
		case p.SSOSession != nil || p.SSOStartURL != "":
			needs = "AWS SSO (its token cache stays on your machine)"
		case p.CredentialProcess != "":
			needs = "a credential_process command"
		case p.MFASerial != "":
			needs = "an MFA code"
		case p.WebIdentityTokenFile != "":
			needs = "a web identity token file"
		default:
			continue
		}
		return fmt.Errorf("AWS profile %s uses %s: %s", p.Profile, needs, exportHint(o.Profile))
	}
	return nil
}

// configFiles and credentialsFiles are the files a profile is read from:
// those given, else none (nil would make the SDK read ~/.aws, which in the
// Dagger module is not the user's).
func (o Options) configFiles() []string      { return fileList(o.ConfigFile) }
func (o Options) credentialsFiles() []string { return fileList(o.CredentialsFile) }

func fileList(path string) []string {
	if path == "" {
		return []string{}
	}
	return []string{path}
}

// processCredentials is the credential_process JSON
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html).
type processCredentials struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      *time.Time
}

// ParseProcessCredentials reads credential_process JSON (version 1) and
// refuses credentials that expired before now. Its errors never quote the
// input: it holds secrets.
func ParseProcessCredentials(b []byte, now time.Time) (aws.Credentials, error) {
	var p processCredentials
	if err := json.Unmarshal(b, &p); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return aws.Credentials{}, fmt.Errorf("exported AWS credentials are not credential_process JSON (syntax error at byte %d): export them with `aws configure export-credentials --profile NAME`", syn.Offset)
		}
		return aws.Credentials{}, errors.New("exported AWS credentials are not credential_process JSON (a field has the wrong type): export them with `aws configure export-credentials --profile NAME`")
	}
	var missing []string
	if p.Version != 1 {
		return aws.Credentials{}, fmt.Errorf("exported AWS credentials: Version %d, want 1 (credential_process JSON)", p.Version)
	}
	if p.AccessKeyID == "" {
		missing = append(missing, "AccessKeyId")
	}
	if p.SecretAccessKey == "" {
		missing = append(missing, "SecretAccessKey")
	}
	if len(missing) > 0 {
		return aws.Credentials{}, fmt.Errorf("exported AWS credentials lack %v", missing)
	}
	c := aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, SessionToken: p.SessionToken, Source: "credential_process JSON"}
	if p.Expiration != nil {
		if !p.Expiration.After(now) {
			return aws.Credentials{}, fmt.Errorf("exported AWS credentials expired at %s: export them again (`aws sso login` first for SSO)", p.Expiration.UTC().Format(time.RFC3339))
		}
		c.CanExpire, c.Expires = true, *p.Expiration
	}
	return c, nil
}

// exportedProvider hands out parsed process credentials and says clearly
// when they expire during a long run (they cannot be refreshed from here).
type exportedProvider struct{ creds aws.Credentials }

func (p exportedProvider) Retrieve(context.Context) (aws.Credentials, error) {
	if p.creds.CanExpire && !p.creds.Expires.After(time.Now()) {
		return aws.Credentials{}, fmt.Errorf("exported AWS credentials expired at %s during the run: export them again and re-run", p.creds.Expires.UTC().Format(time.RFC3339))
	}
	return p.creds, nil
}
