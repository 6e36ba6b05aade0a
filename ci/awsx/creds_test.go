package awsx

import (
	"strings"
	"testing"
)

func TestAWSModes(t *testing.T) {
	ok := map[Mode]Given{
		ModeDefault:     {},
		ModeStatic:      {AccessKeyID: true, SecretAccessKey: true},
		ModeWebIdentity: {WebIdentityToken: true, RoleARN: "arn:aws:iam::123456789012:role/deploy"},
		ModeProfile:     {Profile: "bitflow"},
		ModeProcess:     {ProcessCredentials: true},
	}
	for want, f := range ok {
		if got, err := f.Mode(); err != nil || got != want {
			t.Errorf("%+v: %v %v", f, got, err)
		}
	}
	if got, err := (Given{AccessKeyID: true, SecretAccessKey: true, SessionToken: true}).Mode(); err != nil || got != ModeStatic {
		t.Errorf("session token: %v %v", got, err)
	}
	bad := map[string]struct {
		given Given
		says  string
	}{
		"both":          {Given{AccessKeyID: true, SecretAccessKey: true, WebIdentityToken: true, RoleARN: "r"}, "give one way of reaching AWS, not 2"},
		"profile+keys":  {Given{AccessKeyID: true, SecretAccessKey: true, Profile: "bitflow"}, "not 2: an access key id and secret access key (with an optional session token); a profile"},
		"three":         {Given{Profile: "bitflow", ProcessCredentials: true, WebIdentityToken: true, RoleARN: "r"}, "not 3"},
		"no secret":     {Given{AccessKeyID: true}, "secret access key"},
		"no access key": {Given{SecretAccessKey: true, SessionToken: true}, "access key id"},
		"no role":       {Given{WebIdentityToken: true}, "role ARN"},
		"no token":      {Given{RoleARN: "r"}, "web identity token"},
		"session alone": {Given{SessionToken: true}, "access key id"},
	}
	for name, c := range bad {
		if _, err := c.given.Mode(); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: accepted or unexplained: %v", name, err)
		}
	}
}

func TestRegistryModes(t *testing.T) {
	cases := []struct {
		aws   Mode
		user  string
		pass  bool
		want  RegistryMode
		error bool
	}{
		{ModeDefault, "", false, RegistryAnonymous, false},
		{ModeStatic, "", false, RegistryECR, false},
		{ModeWebIdentity, "", false, RegistryECR, false},
		{ModeDefault, "ci", true, RegistryPassword, false},
		{ModeDefault, "ci", false, 0, true},
		{ModeDefault, "", true, 0, true},
		{ModeStatic, "ci", true, 0, true},
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
