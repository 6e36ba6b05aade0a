// Bitflow LMS pipeline: test, audit, build, publish and deploy the Laravel API
// (bitflow-core) and the 14 Next.js portals (bitflow-frontend) with one
// `dagger call` surface, the same on a laptop and in CI.
//
// Start with `dagger call ci`: backend and frontend tests, dependency audits
// and every image build, concurrently, with no cloud account (`dagger check`
// runs the tests and audits alone). Then declare the AWS credentials once and
// chain: `dagger call with-aws --role-arn ARN --web-identity-token env:TOKEN
// publish --registry HOST --sha SHA`, then `... environment --name production
// plan --sha SHA`, `... deploy --sha SHA` or `... rollback --manifest FILE`.
// `with-github` and `with-slack` add the reporters of deploy and rollback.
//
// Every base image is a constructor flag (--php-image, --node-image, ...) so a
// registry mirror can be used; pin them by digest for reproducible builds.
package main

import (
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// Bitflow is the pipeline of the Bitflow LMS repository.
type Bitflow struct {
	// Source is the repository (the directory holding dagger.json).
	// +private
	Source *dagger.Directory
	// PhpImage runs Composer and PHPUnit.
	// +private
	PhpImage string
	// NodeImage runs pnpm and builds the portals (Dockerfile build arg NODE_IMAGE).
	// +private
	NodeImage string
	// FrontendRuntimeImage is the portals' runtime base (Dockerfile build arg RUNTIME_IMAGE).
	// +private
	FrontendRuntimeImage string
	// PostgresImage is the database service of test-backend.
	// +private
	PostgresImage string
	// RedisImage is the cache/queue service of test-backend.
	// +private
	RedisImage string
	// BackendRuntimeImage is the backend image's base (Dockerfile build arg PHP_IMAGE).
	// +private
	BackendRuntimeImage string
	// ComposerImage installs the backend's production dependencies (build arg COMPOSER_IMAGE).
	// +private
	ComposerImage string
	// BackendBuildArgs are extra KEY=VALUE build args for bitflow-core/Dockerfile.
	// +private
	BackendBuildArgs []string
	// ComposerOffline holds machine-local Composer archives and metadata, set by
	// with-composer-offline (never in real CI): see backend_offline.go.
	// +private
	ComposerOffline *dagger.Directory

	// AWS credentials and endpoint, set once by with-aws.
	// +private
	AwsAccessKeyID *dagger.Secret
	// +private
	AwsSecretAccessKey *dagger.Secret
	// +private
	AwsSessionToken *dagger.Secret
	// +private
	AwsWebIdentityToken *dagger.Secret
	// +private
	AwsRoleArn string
	// +private
	AwsRegion string
	// +private
	AwsEndpoint *dagger.Service
	// A laptop's AWS profile and its files, or exported credentials: set by
	// the --aws-* flags of deploy, plan and rollback (front_door.go).
	// +private
	AwsProfile string
	// +private
	AwsConfig *dagger.Secret
	// +private
	AwsCredentials *dagger.Secret
	// +private
	AwsCredentialsProcess *dagger.Secret

	// Reporters of deploy and rollback, set by with-github and with-slack.
	// +private
	GithubToken *dagger.Secret
	// +private
	GithubRepository string
	// +private
	RunURL string
	// +private
	SlackWebhook *dagger.Secret
}

// New configures the pipeline. All flags are optional.
func New(
	// The repository to work on. Defaults to the directory holding dagger.json;
	// dependency and build outputs are never uploaded.
	// +defaultPath="/"
	// +ignore=["**/node_modules", "**/vendor", "**/.next", "**/dist", "**/out", "**/coverage", "**/*.tsbuildinfo", "**/.pnpm-store", ".git", ".dagger-cache", "bin", "bitflow-core/storage/logs/*.log", "bitflow-core/.env", "**/.env", "**/.env.*"]
	// +optional
	source *dagger.Directory,
	// PHP 8.3 CLI image: the base of bitflow-core/Dockerfile's test stage
	// (build arg PHP_CLI_IMAGE; the stage adds the extensions and Composer).
	// +optional
	// +default="php:8.3-cli"
	phpImage string,
	// Node.js 26 LTS image (tests, pnpm audit, portal builds: build arg NODE_IMAGE;
	// bitflow-frontend/.node-version names the exact version CI tests with).
	// +optional
	// +default="node:26-bookworm-slim"
	nodeImage string,
	// Runtime base of the portal images (build arg RUNTIME_IMAGE).
	// +optional
	// +default="node:26-bookworm-slim"
	frontendRuntimeImage string,
	// PostgreSQL 16 image started as a service by test-backend.
	// +optional
	// +default="postgres:16"
	postgresImage string,
	// Redis 7 image started as a service by test-backend.
	// +optional
	// +default="redis:7"
	redisImage string,
	// Base of the backend image: PHP 8.3 with Apache (build arg PHP_IMAGE).
	// +optional
	// +default="php:8.3-apache"
	backendRuntimeImage string,
	// Composer image for the backend image's --no-dev install (build arg COMPOSER_IMAGE).
	// +optional
	// +default="composer:2"
	composerImage string,
	// Extra KEY=VALUE build args for bitflow-core/Dockerfile. Repeatable.
	// +optional
	backendBuildArg []string,
) *Bitflow {
	return &Bitflow{
		Source:               source,
		PhpImage:             phpImage,
		NodeImage:            nodeImage,
		FrontendRuntimeImage: frontendRuntimeImage,
		PostgresImage:        postgresImage,
		RedisImage:           redisImage,
		BackendRuntimeImage:  backendRuntimeImage,
		ComposerImage:        composerImage,
		BackendBuildArgs:     backendBuildArg,
	}
}
