package traffic

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// HTTPCheck is an HTTP health gate: GET URL answers Status.
type HTTPCheck struct {
	URL      string        // full URL, e.g. https://green.bitflow.edu/health
	Status   int           // expected status (default 200)
	Retries  int           // attempts for Wait (default 10, the seed's)
	Interval time.Duration // between attempts (default 30s, the seed's)
	Timeout  time.Duration // per request (default 5s)
	Client   *http.Client  // default http.DefaultClient
	Clock    clock.Clock   // paces the attempts of Wait (default: the wall clock)
}

func (h HTTPCheck) withDefaults() HTTPCheck {
	if h.Status == 0 {
		h.Status = http.StatusOK
	}
	if h.Retries <= 0 {
		h.Retries = 10
	}
	if h.Interval <= 0 {
		h.Interval = 30 * time.Second
	}
	if h.Timeout <= 0 {
		h.Timeout = 5 * time.Second
	}
	if h.Client == nil {
		h.Client = http.DefaultClient
	}
	return h
}

// Probe makes one request; nil when the status is the expected one.
func (h HTTPCheck) Probe(ctx context.Context) error {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL, nil)
	if err != nil {
		return &GateError{Gate: "HTTP " + h.URL, Detail: err.Error()}
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return &GateError{Gate: "HTTP " + h.URL, Detail: err.Error()}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != h.Status {
		return &GateError{Gate: "HTTP " + h.URL, Detail: fmt.Sprintf("status %d, want %d", resp.StatusCode, h.Status)}
	}
	return nil
}

// Wait probes up to Retries times, Interval apart, and returns nil on the
// first expected answer, else the last failure.
func (h HTTPCheck) Wait(ctx context.Context, out io.Writer) error {
	h = h.withDefaults()
	if out == nil {
		out = io.Discard
	}
	var err error
	for i := 1; i <= h.Retries; i++ {
		if err = h.Probe(ctx); err == nil {
			fmt.Fprintf(out, "HTTP check %s: %d (attempt %d/%d)\n", h.URL, h.Status, i, h.Retries)
			return nil
		}
		fmt.Fprintf(out, "HTTP check attempt %d/%d failed: %v\n", i, h.Retries, err)
		if i == h.Retries {
			break
		}
		if serr := clock.Or(h.Clock).Sleep(ctx, h.Interval); serr != nil {
			return fmt.Errorf("HTTP check %s: %w (last: %v)", h.URL, serr, err)
		}
	}
	return fmt.Errorf("HTTP check failed %d times: %w", h.Retries, err)
}

// Check turns the probe into a bake Check.
func (h HTTPCheck) Check() Check {
	return Check{Name: "HTTP " + h.URL, Run: h.Probe}
}
