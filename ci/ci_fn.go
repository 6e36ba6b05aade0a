package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Ci runs every test, the audit and all image builds concurrently: start here.
//
// The main job, the one a newcomer runs first: backend tests (with
// PostgreSQL and Redis services), frontend tests, the dependency audit and
// every image build (backend + 14 portals), all concurrently, with no cloud
// account. Every part runs to the end; the summary lists each with PASS/FAIL
// and its time, followed by each part's output, and the call fails if any part
// failed.
//
// Example: dagger call ci --allow-unreachable-advisories
// +cache="never"
func (m *Bitflow) Ci(ctx context.Context,
	// Lowest audit severity that fails: none, info, low, moderate, high, critical.
	// +optional
	// +default="high"
	failOn string,
	// Report an unreachable advisory database as a warning instead of failing.
	// +optional
	allowUnreachableAdvisories bool,
) (string, error) {
	type part struct {
		name string
		run  func(context.Context) (string, error)
		out  string
		err  error
		took time.Duration
	}
	parts := []*part{
		{name: "test-backend", run: m.TestBackend},
		{name: "test-frontend", run: m.TestFrontend},
		{name: "audit", run: func(ctx context.Context) (string, error) { return m.Audit(ctx, failOn, allowUnreachableAdvisories) }},
		{name: "build", run: m.Build},
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

	var summary, details strings.Builder
	var errs []error
	for _, p := range parts {
		status := "PASS"
		if p.err != nil {
			status = "FAIL"
			errs = append(errs, fmt.Errorf("%s: %w", p.name, p.err))
		}
		fmt.Fprintf(&summary, "%s  %-13s %6.1fs\n", status, p.name, p.took.Seconds())
		fmt.Fprintf(&details, "\n=== %s ===\n%s", p.name, tail(p.out, 40))
	}
	if err := errors.Join(errs...); err != nil {
		return "", fmt.Errorf("ci failed:\n%s\n%w", summary.String(), err)
	}
	return summary.String() + details.String(), nil
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}
