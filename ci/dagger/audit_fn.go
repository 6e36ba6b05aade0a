package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bitflow-lms/pipeline/ci/audit"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// Checks backend and frontend dependencies against advisory databases.
//
// Runs `composer audit --locked --format=json` (bitflow-core)
// and `pnpm audit --json` (bitflow-frontend), parsed into one table of tool,
// package, version, advisory and severity, most severe first.
//
// It fails when any advisory is at or above --fail-on. An advisory database
// that cannot be reached (no network, registry refusing the audit endpoint,
// Packagist disabled in composer.json so Composer would print a false "no
// advisories") is a FAILURE TO AUDIT, never a pass; --allow-unreachable-advisories
// downgrades that to a warning line in the table. Never cached: advisories
// change daily.
//
// Example: dagger call audit --fail-on critical
// +check
// +cache="never"
func (m *Bitflow) Audit(ctx context.Context,
	// Lowest severity that fails: none, info, low, moderate, high, critical.
	// +optional
	// +default="high"
	failOn string,
	// Report an unreachable advisory database as a warning instead of failing.
	// +optional
	allowUnreachableAdvisories bool,
) (string, error) {
	threshold, err := audit.ParseThreshold(failOn)
	if err != nil {
		return "", err
	}
	report, err := m.audit(ctx)
	if err != nil {
		return "", err
	}
	table := report.Table()
	if err := report.Gate(threshold, allowUnreachableAdvisories); err != nil {
		return "", fmt.Errorf("audit failed:\n%s\n%w", table, err)
	}
	return table, nil
}

func (m *Bitflow) audit(ctx context.Context) (*audit.Report, error) {
	var r audit.Report
	if err := r.Add(m.composerAudit(ctx)); err != nil {
		return nil, err
	}
	if err := r.Add(m.pnpmAudit(ctx)); err != nil {
		return nil, err
	}
	return &r, nil
}

// run executes argv in ctr without failing on a non-zero exit and returns
// stdout, stderr and the exit code. A unique env var keeps the engine from
// replaying a cached result (the databases change; the inputs do not).
func run(ctx context.Context, ctr *dagger.Container, argv []string) (string, string, int, error) {
	done := ctr.
		WithEnvVariable("BITFLOW_AUDIT_AT", time.Now().UTC().Format(time.RFC3339Nano)).
		WithExec(argv, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := done.ExitCode(ctx)
	if err != nil {
		return "", "", 0, err
	}
	stdout, err := done.Stdout(ctx)
	if err != nil {
		return "", "", 0, err
	}
	stderr, err := done.Stderr(ctx)
	if err != nil {
		return "", "", 0, err
	}
	return stdout, stderr, code, nil
}

func (m *Bitflow) composerAudit(ctx context.Context) ([]audit.Finding, error) {
	core := m.Source.Directory("bitflow-core")
	composerJSON, err := core.File("composer.json").Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("bitflow-core/composer.json: %w", err)
	}
	if err := audit.CheckComposerSources([]byte(composerJSON)); err != nil {
		return nil, err
	}
	locked, err := m.hasBackendLock(ctx)
	if err != nil {
		return nil, err
	}
	if !locked {
		return nil, fmt.Errorf("cannot audit the backend: bitflow-core/composer.lock is not in the source; " +
			"composer audit --locked needs the lock file (dagger call lock-backend export --path bitflow-core/composer.lock, then commit it)")
	}
	manifests := core.Filter(dagger.DirectoryFilterOpts{Include: []string{"composer.json", "composer.lock"}})
	composer := dag.Container().From(m.ComposerImage).
		WithEnvVariable("COMPOSER_ALLOW_SUPERUSER", "1").
		WithEnvVariable("COMPOSER_CACHE_DIR", "/cache/composer").
		WithMountedCache("/cache/composer", dag.CacheVolume("bitflow-composer")).
		WithDirectory("/app", manifests).
		WithWorkdir("/app")
	stdout, stderr, code, err := run(ctx, composer,
		[]string{"composer", "audit", "--locked", "--format=json", "--no-interaction"})
	if err != nil {
		return nil, fmt.Errorf("composer audit: %w", err)
	}
	return audit.ParseComposer([]byte(stdout), []byte(stderr), code)
}

func (m *Bitflow) pnpmAudit(ctx context.Context) ([]audit.Finding, error) {
	base, err := m.pnpmBase(ctx)
	if err != nil {
		return nil, err
	}
	fe := m.Source.Directory("bitflow-frontend")
	manifests := fe.Filter(dagger.DirectoryFilterOpts{Include: frontendManifests})
	stdout, _, code, err := run(ctx, base.WithDirectory("/src", manifests), []string{"pnpm", "audit", "--json"})
	if err != nil {
		return nil, fmt.Errorf("pnpm audit: %w", err)
	}
	return audit.ParsePnpm([]byte(stdout), code)
}
