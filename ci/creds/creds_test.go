package creds

import (
	"strings"
	"testing"
)

func TestAWSModes(t *testing.T) {
	ok := map[AWSMode]AWSFlags{
		AWSNone:        {},
		AWSStatic:      {AccessKeyID: true, SecretAccessKey: true},
		AWSWebIdentity: {WebIdentityToken: true, RoleARN: "arn:aws:iam::123456789012:role/deploy"},
	}
	for want, f := range ok {
		if got, err := AWS(f); err != nil || got != want {
			t.Errorf("%+v: %v %v", f, got, err)
		}
	}
	if got, err := AWS(AWSFlags{AccessKeyID: true, SecretAccessKey: true, SessionToken: true}); err != nil || got != AWSStatic {
		t.Errorf("session token: %v %v", got, err)
	}
	bad := map[string]AWSFlags{
		"both":          {AccessKeyID: true, SecretAccessKey: true, WebIdentityToken: true, RoleARN: "r"},
		"--aws-secret":  {AccessKeyID: true},
		"--aws-access":  {SecretAccessKey: true, SessionToken: true},
		"--aws-role":    {WebIdentityToken: true},
		"--aws-web":     {RoleARN: "r"},
		"session alone": {SessionToken: true},
	}
	for name, f := range bad {
		if _, err := AWS(f); err == nil || !strings.Contains(err.Error(), "--aws-") {
			t.Errorf("%s: accepted or unnamed flags: %v", name, err)
		}
	}
}

func TestRegistryModes(t *testing.T) {
	cases := []struct {
		aws   AWSMode
		user  string
		pass  bool
		want  RegistryMode
		error bool
	}{
		{AWSNone, "", false, RegistryAnonymous, false},
		{AWSStatic, "", false, RegistryECR, false},
		{AWSWebIdentity, "", false, RegistryECR, false},
		{AWSNone, "ci", true, RegistryPassword, false},
		{AWSNone, "ci", false, 0, true},
		{AWSNone, "", true, 0, true},
		{AWSStatic, "ci", true, 0, true},
	}
	for _, c := range cases {
		got, err := Registry(c.aws, c.user, c.pass)
		if (err != nil) != c.error || (!c.error && got != c.want) {
			t.Errorf("%+v: got %v, %v", c, got, err)
		}
	}
}

func TestCheckECRHost(t *testing.T) {
	if err := CheckECRHost("1.dkr.ecr.us-east-1.amazonaws.com", "1.dkr.ecr.us-east-1.amazonaws.com"); err != nil {
		t.Error(err)
	}
	if err := CheckECRHost("reg.example", "1.dkr.ecr.us-east-1.amazonaws.com"); err == nil {
		t.Error("mismatch accepted")
	}
}
