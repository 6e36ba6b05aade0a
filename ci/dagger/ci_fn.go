package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/internal/readable"
)

// CiResult is what ci returns: the report and the composer.lock ci tested
// and audited (the committed one, or the one it resolved because there was none).
type CiResult struct {
	// PASS/FAIL and time of each part, then the end of each part's output.
	Report string
	// The bitflow-core/composer.lock ci tested: export it and commit it when LockResolved.
	Lock *dagger.File
	// True when the source had no composer.lock and ci resolved one: commit it.
	LockResolved bool
}

// Runs every check and all image builds concurrently: start here.
//
// The main job, the one a newcomer runs first: backend tests (with
// PostgreSQL and Redis services), frontend tests, the dependency audit and
// every image build (backend + 14 portals), all concurrently, with no cloud
// account. `dagger check` runs the same checks (test-backend, test-frontend,
// audit) through the engine's own runner; ci adds the builds and one thing
// the checks cannot do alone: when bitflow-core/composer.lock is missing it
// resolves it once (lock-backend), tests and audits exactly that set, says
// loudly that it must be committed and returns it in its result.
//
// Then every built image is started as a service (smoke: the backend with
// PostgreSQL and Redis, each portal alone, all concurrently) and its own
// health check must pass within a bound; an image that does not start fails
// ci, named, with the end of its log.
//
// Every part runs to the end; the report lists each with PASS/FAIL and its
// time, followed by each part's output, and the call fails if any part failed.
// When ci resolved the lock, the report's (and the error's) first line says
// the lock is missing and how to commit it.
//
// Example: dagger call ci --allow-unreachable-advisories report
// Example: dagger call ci lock export --path bitflow-core/composer.lock
// +cache="never"
func (m *Bitflow) Ci(ctx context.Context,
	// Lowest audit severity that fails: none, info, low, moderate, high, critical.
	// +optional
	// +default="high"
	failOn string,
	// Report an unreachable advisory database as a warning instead of failing.
	// +optional
	allowUnreachableAdvisories bool,
) (*CiResult, error) {
	res := &CiResult{}
	locked, err := m.hasBackendLock(ctx)
	if err != nil {
		return nil, err
	}
	res.Lock = m.Source.File(lockPath)
	banner := ""
	if !locked {
		res.LockResolved = true
		banner = m.lockMissingBanner()
		fmt.Fprintln(os.Stderr, banner)
		if res.Lock, err = m.LockBackend(); err != nil {
			return nil, err
		}
		if _, err := res.Lock.Sync(ctx); err != nil {
			return nil, fmt.Errorf("bitflow-core/composer.lock is missing and resolving it failed (lock-backend needs Packagist): %w", readableErr(err))
		}
		m = m.withBackendLock(res.Lock)
	}
	type part struct {
		name string
		run  func(context.Context) (string, error)
		out  string
		err  error
		took time.Duration
	}
	var built []builtImage // set by the build part
	parts := []*part{
		{name: "test-backend", run: m.TestBackend},
		{name: "test-frontend", run: m.TestFrontend},
		{name: "audit", run: func(ctx context.Context) (string, error) { return m.Audit(ctx, failOn, allowUnreachableAdvisories) }},
		{name: "build", run: func(ctx context.Context) (string, error) {
			images, err := m.buildAll(ctx)
			if err != nil {
				return "", err
			}
			built = images
			return imageTable(images), nil
		}},
	}
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Add(1)
		go func(p *part) {
			defer wg.Done()
			start := time.Now()
			p.out, p.err = p.run(ctx)
			p.took = time.Since(start)
		}(p)
	}
	wg.Wait()

	// Every built image must start before anyone deploys it (smoke.go).
	smokePart := &part{name: "smoke"}
	start := time.Now()
	if built != nil {
		smokePart.out, smokePart.err = m.smokeAll(ctx, built)
	} else {
		smokePart.err = errors.New("not started: the image builds failed")
	}
	smokePart.took = time.Since(start)
	parts = append(parts, smokePart)

	var summary, details strings.Builder
	var errs []error
	for _, p := range parts {
		status := "PASS"
		if p.err != nil {
			status = "FAIL"
			errs = append(errs, fmt.Errorf("%s: %w", p.name, p.err))
		}
		fmt.Fprintf(&summary, "%s  %-13s %6.1fs\n", status, p.name, p.took.Seconds())
		if p != smokePart { // its table follows the PASS/FAIL lines
			fmt.Fprintf(&details, "\n=== %s ===\n%s", p.name, readable.Tail(p.out, 40))
		}
	}
	if smokePart.out != "" { // the starts' table belongs with the verdict, also when ci fails
		summary.WriteString("\n" + smokePart.out)
	}
	first := ""
	if res.LockResolved {
		first = banner + "\n"
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%sci failed:\n%s\n%w", first, summary.String(), err)
	}
	res.Report = first + summary.String() + details.String()
	return res, nil
}

// lockMissingBanner is the first line of ci's report (and of its stderr) when
// the source has no bitflow-core/composer.lock and ci resolved one.
func (m *Bitflow) lockMissingBanner() string {
	line := "!!! bitflow-core/composer.lock is MISSING: ci resolved one and tested exactly it; commit it: " +
		"dagger call ci lock export --path bitflow-core/composer.lock && git add bitflow-core/composer.lock"
	if m.ComposerOffline != nil {
		line += " -- but NOT this one: it comes from machine-local archives (with-composer-offline) and pins old versions; commit the one real CI resolves from Packagist"
	}
	return line
}
