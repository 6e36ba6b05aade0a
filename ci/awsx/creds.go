package awsx

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The credential rules, written once: Load applies them to its Options, and
// the Dagger module applies them to its with-aws and registry flags before it
// reads any secret. They look only at which credentials were given, never at
// a value.

// Given says which AWS credentials were given.
type Given struct {
	AccessKeyID, SecretAccessKey, SessionToken, WebIdentityToken bool
	RoleARN                                                      string
	// Profile names a shared-config profile (a laptop's ~/.aws/config).
	Profile string
	// ProcessCredentials: the JSON a credential_process prints, e.g.
	// `aws configure export-credentials --profile NAME` on a laptop.
	ProcessCredentials bool
}

// Mode is how AWS is authenticated.
type Mode int

// AWS credential modes.
const (
	ModeDefault     Mode = iota // none given: the SDK's default chain (or the emulator's keys)
	ModeStatic                  // access key id + secret access key (+ session token)
	ModeWebIdentity             // web identity token + role ARN (GitHub Actions OIDC)
	ModeProfile                 // a shared-config profile (keys, or a role assumed from a source profile)
	ModeProcess                 // credentials exported by the AWS CLI (SSO, MFA, ...) as credential_process JSON
)

// modeFlags are how each mode is asked for, for the one "give only one" error.
var modeFlags = []string{
	ModeStatic:      "an access key id and secret access key (with an optional session token)",
	ModeWebIdentity: "a web identity token with a role ARN",
	ModeProfile:     "a profile (with its config file)",
	ModeProcess:     "exported credentials (credential_process JSON)",
}

// Mode validates the combination and returns how to authenticate: at most
// one way of giving credentials, each complete.
func (g Given) Mode() (Mode, error) {
	static := g.AccessKeyID || g.SecretAccessKey || g.SessionToken
	web := g.WebIdentityToken || g.RoleARN != ""
	var asked []Mode
	for m, on := range map[Mode]bool{ModeStatic: static, ModeWebIdentity: web, ModeProfile: g.Profile != "", ModeProcess: g.ProcessCredentials} {
		if on {
			asked = append(asked, m)
		}
	}
	if len(asked) > 1 {
		slices.Sort(asked)
		names := make([]string, len(asked))
		for i, m := range asked {
			names[i] = modeFlags[m]
		}
		return 0, fmt.Errorf("give one way of reaching AWS, not %d: %s", len(asked), strings.Join(names, "; "))
	}
	switch {
	case static && !(g.AccessKeyID && g.SecretAccessKey):
		return 0, errors.New("static AWS credentials need both an access key id and a secret access key")
	case static:
		return ModeStatic, nil
	case web && !(g.WebIdentityToken && g.RoleARN != ""):
		return 0, errors.New("web identity needs both a web identity token and a role ARN")
	case web:
		return ModeWebIdentity, nil
	case g.Profile != "":
		return ModeProfile, nil
	case g.ProcessCredentials:
		return ModeProcess, nil
	}
	return ModeDefault, nil
}

// RegistryMode is how a registry push authenticates.
type RegistryMode int

// Registry auth modes.
const (
	RegistryAnonymous RegistryMode = iota // e.g. a local registry
	RegistryECR                           // ECR token obtained with the AWS credentials
	RegistryPassword                      // a username and a password
)

// Registry decides the registry auth from the AWS mode and whether a
// registry username and password were given.
func Registry(aws Mode, username string, password bool) (RegistryMode, error) {
	userpass := username != "" || password
	switch {
	case userpass && aws != ModeDefault:
		return 0, errors.New("give either AWS credentials (ECR login) or --registry-username/--registry-password, not both")
	case userpass && !(username != "" && password):
		return 0, errors.New("registry login needs both --registry-username and --registry-password")
	case userpass:
		return RegistryPassword, nil
	case aws != ModeDefault:
		return RegistryECR, nil
	}
	return RegistryAnonymous, nil
}

// CheckECRHost verifies that the registry being pushed to is the one the ECR
// token is for.
func CheckECRHost(registryHost, tokenHost string) error {
	if registryHost != tokenHost {
		return fmt.Errorf("--registry host %q is not the ECR registry %q these AWS credentials log into", registryHost, tokenHost)
	}
	return nil
}
