package awsx

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

// TestWebIdentityAgainstEmulator assumes a role with an OIDC token file (as
// GitHub Actions does) through the emulator's STS, then calls STS with the
// session credentials.
func TestWebIdentityAgainstEmulator(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	srv := emutest.Start(t, awsemu.Options{})
	tok := filepath.Join(t.TempDir(), "token")
	// header.payload.signature with {"sub":"repo:bitflow-lms/pipeline:ref:refs/heads/main"}
	if err := os.WriteFile(tok, []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmJpdGZsb3ctbG1zL3BpcGVsaW5lOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.c2ln"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL,
		WebIdentity: &WebIdentity{RoleARN: "arn:aws:iam::123456789012:role/bitflow-deployer", TokenFile: tok}})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIAEMULATOR") || creds.SessionToken == "" {
		t.Errorf("credentials %q (session token set: %v)", creds.AccessKeyID, creds.SessionToken != "")
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != "123456789012" {
		t.Fatalf("%v %+v", err, id)
	}
	if srv.CountCalls("sts.AssumeRoleWithWebIdentity") != 1 {
		t.Errorf("AssumeRoleWithWebIdentity calls: %d", srv.CountCalls("sts.AssumeRoleWithWebIdentity"))
	}
}
