// Package creds decides, from which credential flags were given, how the
// pipeline authenticates: to AWS (static keys, optionally with a session
// token, or an OIDC web-identity token plus a role) and to a container
// registry (ECR token from AWS, or username/password, or none). It sees only
// whether a flag is set, never a secret's value.
package creds

import (
	"errors"
	"fmt"
)

// AWSMode is how AWS credentials were given.
type AWSMode int

// AWS credential modes.
const (
	AWSNone        AWSMode = iota // no AWS flag given
	AWSStatic                     // access key + secret key (+ session token)
	AWSWebIdentity                // web identity token + role ARN (GitHub OIDC)
)

// AWSFlags says which AWS flags are set.
type AWSFlags struct {
	AccessKeyID, SecretAccessKey, SessionToken, WebIdentityToken bool
	RoleARN                                                      string
}

// AWS validates the combination and returns the mode.
func AWS(f AWSFlags) (AWSMode, error) {
	static := f.AccessKeyID || f.SecretAccessKey || f.SessionToken
	web := f.WebIdentityToken || f.RoleARN != ""
	switch {
	case static && web:
		return 0, errors.New("give either --aws-access-key-id/--aws-secret-access-key[/--aws-session-token] or --aws-web-identity-token with --aws-role-arn, not both")
	case static && !(f.AccessKeyID && f.SecretAccessKey):
		return 0, errors.New("static AWS credentials need both --aws-access-key-id and --aws-secret-access-key")
	case static:
		return AWSStatic, nil
	case web && !(f.WebIdentityToken && f.RoleARN != ""):
		return 0, errors.New("web identity needs both --aws-web-identity-token and --aws-role-arn")
	case web:
		return AWSWebIdentity, nil
	}
	return AWSNone, nil
}

// RegistryMode is how the registry push authenticates.
type RegistryMode int

// Registry auth modes.
const (
	RegistryAnonymous RegistryMode = iota // e.g. a local registry
	RegistryECR                           // ECR token obtained with the AWS credentials
	RegistryPassword                      // --registry-username + --registry-password
)

// Registry decides the registry auth from the AWS mode and the
// username/password flags.
func Registry(aws AWSMode, username string, password bool) (RegistryMode, error) {
	userpass := username != "" || password
	switch {
	case userpass && aws != AWSNone:
		return 0, errors.New("give either AWS credentials (ECR login) or --registry-username/--registry-password, not both")
	case userpass && !(username != "" && password):
		return 0, errors.New("registry login needs both --registry-username and --registry-password")
	case userpass:
		return RegistryPassword, nil
	case aws != AWSNone:
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
