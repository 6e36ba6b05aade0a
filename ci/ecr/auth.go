package ecr

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
)

// Credentials log a docker client into the registry. The password is a
// 12-hour token: String, GoString and Format never print it.
type Credentials struct {
	Host      string // e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com
	Username  string // always "AWS" for ECR
	Password  string
	ExpiresAt time.Time
}

// String shows host and user with the password redacted.
func (c Credentials) String() string {
	return fmt.Sprintf("ecr.Credentials{Host:%s Username:%s Password:[REDACTED] ExpiresAt:%s}",
		c.Host, c.Username, c.ExpiresAt.UTC().Format(time.RFC3339))
}

// GoString keeps %#v from printing the password.
func (c Credentials) GoString() string { return c.String() }

// Format makes every verb (%v, %+v, %s, %#v, %q) print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(c.String())) }

// MarshalJSON never writes the password.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"host":%q,"username":%q,"password":"[REDACTED]"}`, c.Host, c.Username), nil
}

// Login calls GetAuthorizationToken and decodes the token ("AWS:<password>",
// base64) into registry credentials.
func Login(ctx context.Context, api API) (Credentials, error) {
	out, err := api.GetAuthorizationToken(ctx, &awsecr.GetAuthorizationTokenInput{})
	if err != nil {
		return Credentials{}, fmt.Errorf("ecr GetAuthorizationToken: %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return Credentials{}, errors.New("ecr GetAuthorizationToken: no authorization data returned")
	}
	d := out.AuthorizationData[0]
	if d.AuthorizationToken == nil || d.ProxyEndpoint == nil {
		return Credentials{}, errors.New("ecr GetAuthorizationToken: token or proxy endpoint missing")
	}
	raw, err := base64.StdEncoding.DecodeString(*d.AuthorizationToken)
	if err != nil {
		return Credentials{}, errors.New("ecr GetAuthorizationToken: token is not base64") // never echo the token
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return Credentials{}, errors.New("ecr GetAuthorizationToken: token is not user:password")
	}
	host := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(*d.ProxyEndpoint, "https://"), "http://"), "/")
	c := Credentials{Host: host, Username: user, Password: pass}
	if d.ExpiresAt != nil {
		c.ExpiresAt = *d.ExpiresAt
	}
	return c, nil
}
