package awsemu

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// registerSTS answers STS (Query protocol): GetCallerIdentity, AssumeRole
// (a laptop profile's role_arn + source_profile) and AssumeRoleWithWebIdentity
// (the web identity token is not verified; its "sub" claim, if it decodes,
// becomes the session's subject).
func registerSTS(e *Emulator) {
	e.onQuery("sts", "GetCallerIdentity", func(url.Values) (any, error) {
		return callerIdentity{Arn: "arn:aws:iam::" + e.account + ":user/emulator", UserId: "AIDAEMULATOR" + strings.ToUpper(newID(4)), Account: e.account}, nil
	})
	e.onQuery("sts", "AssumeRole", func(form url.Values) (any, error) {
		role, session := form.Get("RoleArn"), form.Get("RoleSessionName")
		if !strings.HasPrefix(role, "arn:aws:iam::") || !strings.Contains(role, ":role/") {
			return nil, clientError("ValidationError", "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a role ARN", role)
		}
		creds, user := e.roleSession(role, session)
		return assumeRoleResult{Credentials: creds, AssumedRoleUser: user}, nil
	})
	e.onQuery("sts", "AssumeRoleWithWebIdentity", func(form url.Values) (any, error) {
		role, session, token := form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("WebIdentityToken")
		if !strings.HasPrefix(role, "arn:aws:iam::") || !strings.Contains(role, ":role/") {
			return nil, clientError("ValidationError", "1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a role ARN", role)
		}
		if session == "" || token == "" {
			return nil, clientError("ValidationError", "RoleSessionName and WebIdentityToken are required")
		}
		creds, user := e.roleSession(role, session)
		return webIdentityResult{
			Credentials:                 creds,
			AssumedRoleUser:             user,
			SubjectFromWebIdentityToken: jwtSubject(token),
			Audience:                    "sts.amazonaws.com",
			Provider:                    "token.actions.githubusercontent.com",
		}, nil
	})
}

// roleSession is a fresh hour-long session of role named session.
func (e *Emulator) roleSession(role, session string) (stsCredentials, assumedRoleUser) {
	roleName := role[strings.Index(role, ":role/")+len(":role/"):]
	return stsCredentials{AccessKeyId: "ASIAEMULATOR" + strings.ToUpper(newID(4)), SecretAccessKey: newID(20), SessionToken: newID(40),
			Expiration: e.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
		assumedRoleUser{
			Arn:           "arn:aws:sts::" + e.account + ":assumed-role/" + roleName + "/" + session,
			AssumedRoleId: "AROAEMULATOR" + strings.ToUpper(newID(4)) + ":" + session,
		}
}

// jwtSubject reads the "sub" claim of a JWT without verifying it.
func jwtSubject(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "unknown"
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "unknown"
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &claims) != nil || claims.Sub == "" {
		return "unknown"
	}
	return claims.Sub
}

type callerIdentity struct {
	Arn     string
	UserId  string
	Account string
}

type stsCredentials struct {
	AccessKeyId, SecretAccessKey, SessionToken string
	Expiration                                 string
}

type assumedRoleUser struct{ Arn, AssumedRoleId string }

type assumeRoleResult struct {
	Credentials     stsCredentials
	AssumedRoleUser assumedRoleUser
}

type webIdentityResult struct {
	Credentials                 stsCredentials
	AssumedRoleUser             assumedRoleUser
	SubjectFromWebIdentityToken string
	Audience                    string
	Provider                    string
}
