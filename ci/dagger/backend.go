package main

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// Test database settings: a throwaway database inside the pipeline, not a secret.
const (
	testDBName = "bitflow_test"
	testDBUser = "bitflow"
	testDBPass = "bitflow"
)

// Runs the Laravel tests against real PostgreSQL and Redis services.
//
// The test image is bitflow-core/Dockerfile's `test` target: the runtime's PHP
// extensions (pdo_pgsql, redis) on --php-image, Composer from --composer-image
// and the dev dependencies (PHPUnit lives there), so the tests run in the PHP
// environment production has, described once. PostgreSQL (--postgres-image)
// and Redis (--redis-image) run as Dagger services with DB_* and REDIS_*
// pointing at them. The command is `php artisan test`; the function returns
// its output and fails when any test fails.
//
// Example: dagger call test-backend
// +check
func (m *Bitflow) TestBackend(ctx context.Context) (string, error) {
	ctr, err := m.backendTestContainer()
	if err != nil {
		return "", err
	}
	out, err := ctr.Stdout(ctx)
	if err != nil {
		return "", fmt.Errorf("test-backend: %w", readableErr(err))
	}
	return out, nil
}

func (m *Bitflow) backendTestContainer() (*dagger.Container, error) {
	test, err := m.backendTarget("test", m.Source.Directory("bitflow-core"))
	if err != nil {
		return nil, err
	}
	return m.withBackendServices(test).
		WithEnvVariable("APP_ENV", "testing").
		// wait for PostgreSQL to accept connections (the service is started, not necessarily ready)
		WithExec([]string{"php", "-r", waitForPostgres}).
		WithExec([]string{"php", "artisan", "test"}), nil
}

// withBackendServices binds a fresh PostgreSQL (--postgres-image, database
// bitflow_test) and Redis (--redis-image) to ctr as hosts postgres and redis,
// with the DB_* and REDIS_* variables pointing at them.
func (m *Bitflow) withBackendServices(ctr *dagger.Container) *dagger.Container {
	postgres := dag.Container().From(m.PostgresImage).
		WithEnvVariable("POSTGRES_DB", testDBName).
		WithEnvVariable("POSTGRES_USER", testDBUser).
		WithEnvVariable("POSTGRES_PASSWORD", testDBPass).
		WithExposedPort(5432).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	redis := dag.Container().From(m.RedisImage).
		WithExposedPort(6379).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	return ctr.
		WithServiceBinding("postgres", postgres).
		WithServiceBinding("redis", redis).
		WithEnvVariable("DB_CONNECTION", "pgsql").
		WithEnvVariable("DB_HOST", "postgres").
		WithEnvVariable("DB_PORT", "5432").
		WithEnvVariable("DB_DATABASE", testDBName).
		WithEnvVariable("DB_USERNAME", testDBUser).
		WithEnvVariable("DB_PASSWORD", testDBPass).
		WithEnvVariable("REDIS_HOST", "redis").
		WithEnvVariable("REDIS_PORT", "6379")
}

// waitForPostgres polls for up to 60 s until a PDO connection succeeds.
const waitForPostgres = `$dsn = sprintf("pgsql:host=%s;port=%s;dbname=%s", getenv("DB_HOST"), getenv("DB_PORT"), getenv("DB_DATABASE"));
for ($i = 0; $i < 120; $i++) {
  try { new PDO($dsn, getenv("DB_USERNAME"), getenv("DB_PASSWORD")); exit(0); } catch (Throwable $e) { $last = $e->getMessage(); usleep(500000); }
}
fwrite(STDERR, "PostgreSQL service not ready after 60s: $last\n"); exit(1);`

// backendTarget builds one target of bitflow-core/Dockerfile from ctx with
// the constructor's base images and --backend-build-arg.
func (m *Bitflow) backendTarget(target string, ctx *dagger.Directory) (*dagger.Container, error) {
	args, err := m.backendBuildArgs()
	if err != nil {
		return nil, err
	}
	return m.backendContext(ctx).DockerBuild(dagger.DirectoryDockerBuildOpts{Dockerfile: "Dockerfile", Target: target, BuildArgs: args}), nil
}

// backendBuildArgs are the Dockerfile build args: the base images, then --backend-build-arg.
func (m *Bitflow) backendBuildArgs() ([]dagger.BuildArg, error) {
	return parseBuildArgs(append([]string{
		"PHP_IMAGE=" + m.BackendRuntimeImage,
		"PHP_CLI_IMAGE=" + m.PhpImage,
		"COMPOSER_IMAGE=" + m.ComposerImage,
	}, m.BackendBuildArgs...))
}

// Builds the production image of the Laravel API.
//
// Built from bitflow-core/Dockerfile's `runtime` target (Composer --no-dev
// inside: no test tooling ships), with PHP_IMAGE, PHP_CLI_IMAGE and
// COMPOSER_IMAGE from the constructor's --backend-runtime-image, --php-image
// and --composer-image; further build args come from --backend-build-arg KEY=VALUE.
// Its context is bitflow-core without the tests and test tooling.
//
// Example: dagger call build-backend export --path backend.tar
func (m *Bitflow) BuildBackend(ctx context.Context) (*dagger.Container, error) {
	specs, err := m.imageSpecs(ctx)
	if err != nil {
		return nil, err
	}
	return m.specImage(specs[0]), nil
}
