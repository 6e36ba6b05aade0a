package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// DefaultReporterTimeout bounds each reporter's Start or Finish so a slow
// sink cannot hold a deploy up.
const DefaultReporterTimeout = 30 * time.Second

// Multi fans Start and Finish out to several reporters concurrently. A
// reporter's failure (error, timeout or panic) is logged as a warning and
// returned, joined with the others; it never stops the other reporters, and
// callers must treat it as a warning, never as a failed deploy.
type Multi struct {
	reporters []Reporter
	log       *slog.Logger
	timeout   time.Duration
}

// NewMulti fans out to reporters (nil entries are dropped). A nil logger
// discards the warnings (they are still returned).
func NewMulti(logger *slog.Logger, reporters ...Reporter) *Multi {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := &Multi{log: logger, timeout: DefaultReporterTimeout}
	for _, r := range reporters {
		if r != nil {
			m.reporters = append(m.reporters, r)
		}
	}
	return m
}

// WithTimeout sets the per-reporter, per-call timeout and returns m.
func (mu *Multi) WithTimeout(d time.Duration) *Multi {
	if d > 0 {
		mu.timeout = d
	}
	return mu
}

// Name implements Reporter.
func (mu *Multi) Name() string { return "multi" }

// Reporters lists the reporters fanned out to, in order.
func (mu *Multi) Reporters() []Reporter { return append([]Reporter(nil), mu.reporters...) }

// Start calls Start on every reporter.
func (mu *Multi) Start(ctx context.Context, m *manifest.Manifest) error {
	return mu.each(ctx, "start", m, Reporter.Start)
}

// Finish calls Finish on every reporter.
func (mu *Multi) Finish(ctx context.Context, m *manifest.Manifest) error {
	return mu.each(ctx, "finish", m, Reporter.Finish)
}

func (mu *Multi) each(ctx context.Context, phase string, m *manifest.Manifest, call func(Reporter, context.Context, *manifest.Manifest) error) error {
	if m == nil {
		return fmt.Errorf("report %s: no manifest given", phase)
	}
	errs := make([]error, len(mu.reporters))
	var wg sync.WaitGroup
	for i, r := range mu.reporters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("%s: panic during %s: %v", r.Name(), phase, p)
				}
			}()
			cctx, cancel := context.WithTimeout(ctx, mu.timeout)
			defer cancel()
			if err := call(r, cctx, m); err != nil {
				errs[i] = fmt.Errorf("%s: %w", r.Name(), err)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			mu.log.Warn("reporter failed; the deploy carries on", "reporter", mu.reporters[i].Name(), "phase", phase, "error", err.Error())
		}
	}
	return errors.Join(errs...)
}
