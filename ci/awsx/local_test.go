package awsx

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

// laptopFiles writes a ~/.aws/config and ~/.aws/credentials as a laptop has
// them: a role profile assumed from a key profile, a key profile, an SSO
// profile and a role chained from it.
func laptopFiles(t *testing.T) (config, credentials string) {
	t.Helper()
	dir := t.TempDir()
	config, credentials = filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	write(t, config, `[profile bitflow]
role_arn = arn:aws:iam::123456789012:role/bitflow-deployer
source_profile = base
region = eu-west-1

[profile keys]
aws_access_key_id = AKIAPROFILEKEYS0001
aws_secret_access_key = profile-secret-not-to-leak

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Deployer

[profile via-sso]
role_arn = arn:aws:iam::123456789012:role/bitflow-deployer
source_profile = sso

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`)
	write(t, credentials, `[base]
aws_access_key_id = AKIABASEPROFILE0001
aws_secret_access_key = base-secret-not-to-leak
`)
	return config, credentials
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// noHostAWS keeps the machine's own AWS settings out of the test.
func noHostAWS(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("HOME", t.TempDir())
}

// TestProfileFromFilesAgainstEmulator assumes the profile's role with the
// source profile's keys through the emulator's STS, reading only the files
// given (not ~/.aws), as the Dagger module does with --aws-config.
func TestProfileFromFilesAgainstEmulator(t *testing.T) {
	noHostAWS(t)
	srv := emutest.Start(t, awsemu.Options{})
	config, credentials := laptopFiles(t)
	ctx := context.Background()
	cfg, err := Load(ctx, Options{Region: "us-east-1", Endpoint: srv.URL, Profile: "bitflow", ConfigFile: config, CredentialsFile: credentials})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIAEMULATOR") || creds.SessionToken == "" {
		t.Errorf("credentials %q: not the assumed role's session", creds.AccessKeyID)
	}
	if n := srv.CountCalls("sts.AssumeRole"); n != 1 {
		t.Errorf("AssumeRole calls: %d, want 1", n)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	// A profile with keys of its own needs no STS call.
	cfg, err = Load(ctx, Options{Region: "us-east-1", Endpoint: srv.URL, Profile: "keys", ConfigFile: config})
	if err != nil {
		t.Fatal(err)
	}
	if creds, err := cfg.Credentials.Retrieve(ctx); err != nil || creds.AccessKeyID != "AKIAPROFILEKEYS0001" {
		t.Errorf("keys profile: %q %v", creds.AccessKeyID, err)
	}
}

// TestProfileNeedingTheLaptopIsRefusedFirst: an SSO profile (or a role
// chained from one) cannot be resolved away from the user's machine; Load
// says how to export its credentials, before any AWS call.
func TestProfileNeedingTheLaptopIsRefusedFirst(t *testing.T) {
	noHostAWS(t)
	srv := emutest.Start(t, awsemu.Options{})
	config, credentials := laptopFiles(t)
	for _, profile := range []string{"sso", "via-sso"} {
		_, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL, Profile: profile, ConfigFile: config, CredentialsFile: credentials})
		if err == nil {
			t.Fatalf("%s: accepted", profile)
		}
		for _, want := range []string{"uses AWS SSO", `aws configure export-credentials --profile ` + profile} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", profile, err, want)
			}
		}
	}
	_, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL, Profile: "nope", ConfigFile: config})
	if err == nil || !strings.Contains(err.Error(), "AWS profile nope") {
		t.Errorf("unknown profile: %v", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d AWS calls before the refusal", n)
	}
}

// TestExportedCredentials reads `aws configure export-credentials` output.
func TestExportedCredentials(t *testing.T) {
	noHostAWS(t)
	srv := emutest.Start(t, awsemu.Options{})
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	good := `{"Version": 1, "AccessKeyId": "ASIAEXPORTED0001", "SecretAccessKey": "exported-secret-not-to-leak", "SessionToken": "tok", "Expiration": "` + future + `"}`
	cfg, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL, ProcessCredentials: []byte(good)})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "ASIAEXPORTED0001" || !creds.CanExpire {
		t.Fatalf("%+v %v", creds.AccessKeyID, err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"expired":     `{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "exported-secret-not-to-leak", "Expiration": "2020-01-01T00:00:00Z"}`,
		"not json":    `AccessKeyId=A SecretAccessKey=exported-secret-not-to-leak`,
		"version":     `{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "exported-secret-not-to-leak"}`,
		"no secret":   `{"Version": 1, "AccessKeyId": "A"}`,
		"wrong types": `{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": ["exported-secret-not-to-leak"]}`,
	}
	for name, body := range bad {
		_, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL, ProcessCredentials: []byte(body)})
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "exported-secret-not-to-leak") {
			t.Errorf("%s: the error quotes the secret: %v", name, err)
		}
	}
}
