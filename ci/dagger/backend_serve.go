package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// Serves the backend image with PostgreSQL and Redis, migrated: try the API locally.
//
// The production image (build-backend) as a service on port 8000 (Apache,
// as the image's non-root user), with a fresh PostgreSQL (--postgres-image)
// and Redis (--redis-image) bound as hosts postgres and redis. It runs
// `php artisan migrate --force` against that PostgreSQL, then the image's
// own command. The port 80 the image inherits from php:8.3-apache is
// dropped: nothing listens there and a service waits for every exposed port.
//
// Example: dagger call serve-backend up --ports 8000:8000
func (m *Bitflow) ServeBackend(ctx context.Context) (*dagger.Service, error) {
	ctr, err := m.backendWithServices(ctx)
	if err != nil {
		return nil, err
	}
	return ctr.AsService(dagger.ContainerAsServiceOpts{
		Args:          []string{"sh", "-c", "php artisan migrate --force && exec docker-php-entrypoint apache2-foreground"},
		UseEntrypoint: false,
	}), nil
}

// Runs the migration task's command in the backend image against a fresh PostgreSQL.
//
// `php artisan migrate --force` (the ECS migration task's command) in the
// production image with a throwaway PostgreSQL (--postgres-image), twice: the
// second run must find nothing to migrate. Returns both outputs; fails when
// either run fails.
//
// Example: dagger call migrate-backend
// +cache="never"
func (m *Bitflow) MigrateBackend(ctx context.Context) (string, error) {
	ctr, err := m.backendWithServices(ctx)
	if err != nil {
		return "", err
	}
	out, err := ctr.
		WithEnvVariable("BITFLOW_MIGRATE_RUN", time.Now().UTC().Format(time.RFC3339Nano)). // runs every call
		WithExec([]string{"php", "-r", waitForPostgres}).
		WithExec([]string{"sh", "-c", "php artisan migrate --force && echo '--- again:' && php artisan migrate --force"}).
		Stdout(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate-backend: %w", readableErr(err))
	}
	return out, nil
}

// backendWithServices is the production image with PostgreSQL and Redis
// bound, a throwaway APP_KEY and only the ports its Dockerfile EXPOSEs.
func (m *Bitflow) backendWithServices(ctx context.Context) (*dagger.Container, error) {
	img, err := m.BuildBackend(ctx)
	if err != nil {
		return nil, err
	}
	img, err = onlyDeclaredPorts(ctx, img, []int{8000})
	if err != nil {
		return nil, err
	}
	return m.withBackendServices(img).WithEnvVariable("APP_KEY", smokeAppKey), nil
}
