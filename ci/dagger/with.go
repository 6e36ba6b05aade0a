package main

import (
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// Declares how the pipeline reaches AWS, once, for everything chained after it.
//
// Returns a copy of the pipeline that publish (ECR login) and environment
// (plan, deploy, rollback, releases) use. Give either an OIDC web identity
// token with the role to assume (GitHub Actions), or static keys (with a
// session token for temporary credentials), or only --endpoint for the
// in-repo emulator. Secret values are read by the deploy brain in this
// process only: never put in a container's environment or an image layer.
//
// Example: dagger call with-aws --role-arn arn:aws:iam::123456789012:role/bitflow-deploy --web-identity-token env:TOKEN environment --name production plan --sha $SHA
func (m *Bitflow) WithAws(
	// IAM role to assume with --web-identity-token (GitHub OIDC).
	// +optional
	roleArn string,
	// OIDC web identity token, e.g. env:ACTIONS_ID_TOKEN (with --role-arn).
	// +optional
	webIdentityToken *dagger.Secret,
	// Access key id, e.g. env:AWS_ACCESS_KEY_ID (with --secret-access-key).
	// +optional
	accessKeyId *dagger.Secret,
	// Secret access key, e.g. env:AWS_SECRET_ACCESS_KEY.
	// +optional
	secretAccessKey *dagger.Secret,
	// Session token of temporary credentials, e.g. env:AWS_SESSION_TOKEN.
	// +optional
	sessionToken *dagger.Secret,
	// Region; default: the environment's region (deploy) or the registry host's (publish).
	// +optional
	region string,
	// Alternative AWS endpoint, a service speaking the AWS APIs (the in-repo emulator): tcp://localhost:4566.
	// +optional
	endpoint *dagger.Service,
) (*Bitflow, error) {
	c := *m
	c.AwsRoleArn, c.AwsWebIdentityToken = roleArn, webIdentityToken
	c.AwsAccessKeyID, c.AwsSecretAccessKey, c.AwsSessionToken = accessKeyId, secretAccessKey, sessionToken
	c.AwsRegion, c.AwsEndpoint = region, endpoint
	if _, err := c.aws().mode(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Reports deploys and rollbacks to GitHub: a Deployment and a commit status.
//
// Returns a copy of the pipeline whose deploy and rollback create a GitHub
// Deployment with its statuses and the commit status bitflow/deploy/ENV. A
// failure to report is a warning, never a failed deploy.
//
// Example: dagger call with-aws ... with-github --token env:GITHUB_TOKEN --repository owner/name environment --name production deploy --sha $SHA
func (m *Bitflow) WithGithub(
	// Token with deployments:write and statuses:write, e.g. env:GITHUB_TOKEN.
	token *dagger.Secret,
	// owner/name of the repository.
	repository string,
	// Link to the CI run, shown in the reports.
	// +optional
	runUrl string,
) *Bitflow {
	c := *m
	c.GithubToken, c.GithubRepository = token, repository
	if runUrl != "" {
		c.RunURL = runUrl
	}
	return &c
}

// Posts the start and the outcome of deploys and rollbacks to Slack.
//
// Returns a copy of the pipeline whose deploy and rollback post to the
// incoming webhook. A failure to post is a warning, never a failed deploy.
//
// Example: dagger call with-aws ... with-slack --webhook env:SLACK_WEBHOOK_URL environment --name production deploy --sha $SHA
func (m *Bitflow) WithSlack(
	// Incoming webhook URL, e.g. env:SLACK_WEBHOOK_URL.
	webhook *dagger.Secret,
	// Link to the CI run, shown in the messages.
	// +optional
	runUrl string,
) *Bitflow {
	c := *m
	c.SlackWebhook = webhook
	if runUrl != "" {
		c.RunURL = runUrl
	}
	return &c
}

// aws is the credentials declared by with-aws.
func (m *Bitflow) aws() awsArgs {
	return awsArgs{
		AccessKeyID: m.AwsAccessKeyID, SecretAccessKey: m.AwsSecretAccessKey, SessionToken: m.AwsSessionToken,
		WebIdentityToken: m.AwsWebIdentityToken, RoleARN: m.AwsRoleArn, Region: m.AwsRegion, Endpoint: m.AwsEndpoint,
		Profile: m.AwsProfile, ConfigFile: m.AwsConfig, Credentials: m.AwsCredentials, CredentialsProcess: m.AwsCredentialsProcess,
	}
}

// reporting is the reporters declared by with-github and with-slack.
func (m *Bitflow) reporting() *reporterArgs {
	return &reporterArgs{m.GithubToken, m.GithubRepository, m.SlackWebhook, m.RunURL}
}
