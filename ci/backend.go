package main

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/internal/dagger"
)

// Test database settings: a throwaway database inside the pipeline, not a secret.
const (
	testDBName = "bitflow_test"
	testDBUser = "bitflow"
	testDBPass = "bitflow"
)

// TestBackend runs the Laravel tests against real PostgreSQL and Redis services.
//
// The suite of bitflow-core runs against PostgreSQL (--postgres-image, default postgres:16) and Redis
// (--redis-image, default redis:7) started as Dagger services, with DB_* and
// REDIS_* pointing at them.
//
// Composer installs WITH the dev dependencies (PHPUnit lives there; installing
// --no-dev and then testing is the seed's bug), using the "bitflow-composer"
// cache volume. The command is `php artisan test`; the function returns its
// output and fails when any test fails.
//
// Example: dagger call test-backend
func (m *Bitflow) TestBackend(ctx context.Context) (string, error) {
	out, err := m.backendTestContainer().Stdout(ctx)
	if err != nil {
		return "", fmt.Errorf("test-backend: %w", err)
	}
	return out, nil
}

func (m *Bitflow) backendTestContainer() *dagger.Container {
	postgres := dag.Container().From(m.PostgresImage).
		WithEnvVariable("POSTGRES_DB", testDBName).
		WithEnvVariable("POSTGRES_USER", testDBUser).
		WithEnvVariable("POSTGRES_PASSWORD", testDBPass).
		WithExposedPort(5432).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	redis := dag.Container().From(m.RedisImage).
		WithExposedPort(6379).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})

	return m.backendDeps(true).
		WithServiceBinding("postgres", postgres).
		WithServiceBinding("redis", redis).
		WithEnvVariable("APP_ENV", "testing").
		WithEnvVariable("DB_CONNECTION", "pgsql").
		WithEnvVariable("DB_HOST", "postgres").
		WithEnvVariable("DB_PORT", "5432").
		WithEnvVariable("DB_DATABASE", testDBName).
		WithEnvVariable("DB_USERNAME", testDBUser).
		WithEnvVariable("DB_PASSWORD", testDBPass).
		WithEnvVariable("REDIS_HOST", "redis").
		WithEnvVariable("REDIS_PORT", "6379").
		// wait for PostgreSQL to accept connections (the service is started, not necessarily ready)
		WithExec([]string{"php", "-r", waitForPostgres}).
		WithExec([]string{"php", "artisan", "test"})
}

// waitForPostgres polls for up to 60 s until a PDO connection succeeds.
const waitForPostgres = `$dsn = sprintf("pgsql:host=%s;port=%s;dbname=%s", getenv("DB_HOST"), getenv("DB_PORT"), getenv("DB_DATABASE"));
for ($i = 0; $i < 120; $i++) {
  try { new PDO($dsn, getenv("DB_USERNAME"), getenv("DB_PASSWORD")); exit(0); } catch (Throwable $e) { $last = $e->getMessage(); usleep(500000); }
}
fwrite(STDERR, "PostgreSQL service not ready after 60s: $last\n"); exit(1);`

// backendDeps is bitflow-core with its Composer dependencies installed: the
// manifests first (that layer is reused until composer.json/composer.lock
// change), then the sources.
func (m *Bitflow) backendDeps(dev bool) *dagger.Container {
	core := m.Source.Directory("bitflow-core")
	manifests := dag.Directory().WithDirectory("/", core, dagger.DirectoryWithDirectoryOpts{
		Include: []string{"composer.json", "composer.lock"},
	})
	install := []string{"composer", "install", "--no-interaction", "--no-progress", "--prefer-dist"}
	if !dev {
		install = append(install, "--no-dev")
	}
	return m.phpBase().
		WithDirectory("/app", manifests).
		WithExec(append(append([]string{}, install...), "--no-scripts", "--no-autoloader")).
		WithDirectory("/app", core).
		WithExec(install)
}

// phpBase is the PHP image with Composer's cache volume.
func (m *Bitflow) phpBase() *dagger.Container {
	return dag.Container().From(m.PhpImage).
		WithEnvVariable("COMPOSER_CACHE_DIR", "/cache/composer").
		WithEnvVariable("COMPOSER_ALLOW_SUPERUSER", "1").
		WithMountedCache("/cache/composer", dag.CacheVolume("bitflow-composer")).
		WithWorkdir("/app")
}

// BuildBackend builds the production image of the Laravel API.
//
// Built from bitflow-core/Dockerfile (Composer --no-dev inside: no test tooling ships),
// with PHP_IMAGE and COMPOSER_IMAGE from the constructor's
// --backend-runtime-image and --composer-image; further build args come from
// --backend-build-arg KEY=VALUE.
//
// Example: dagger call build-backend export --path backend.tar
func (m *Bitflow) BuildBackend() (*dagger.Container, error) {
	args, err := parseBuildArgs(append([]string{
		"PHP_IMAGE=" + m.BackendRuntimeImage,
		"COMPOSER_IMAGE=" + m.ComposerImage,
	}, m.BackendBuildArgs...))
	if err != nil {
		return nil, err
	}
	return m.Source.Directory("bitflow-core").DockerBuild(dagger.DirectoryDockerBuildOpts{
		Dockerfile: "Dockerfile",
		BuildArgs:  args,
	}), nil
}
