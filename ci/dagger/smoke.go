package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/internal/readable"
	"github.com/bitflow-lms/pipeline/ci/smoke"
)

const (
	// smokeHost is the name the image's service has for its health check.
	smokeHost = "app"
	// smokeCheckSeconds bounds how long the health check may take to pass
	// once the service's ports listen.
	smokeCheckSeconds = 90
	// smokeStartBound bounds one whole smoke start: service start (ports
	// listening, PostgreSQL and Redis for the backend) and the health check.
	smokeStartBound = 5 * time.Minute
	// smokeLogSeconds is how long a failed image runs again to show its log.
	smokeLogSeconds = 20
	// smokeAppKey is a throwaway APP_KEY for the backend's smoke start only
	// (the same non-secret test key as bitflow-core/phpunit.xml).
	smokeAppKey = "base64:dGVzdC1rZXktbm90LWEtc2VjcmV0LTMyLWJ5dGVzISE="
)

// smokeResult is one image's smoke start.
type smokeResult struct {
	App   string
	Check string
	Took  time.Duration
	Err   error
}

// smokeAll starts every image as a Dagger service, concurrently, and requires
// its own health check to pass (smoke.Parse: the Dockerfile's HEALTHCHECK,
// else GET /health or /api/health on its EXPOSEd port). The backend runs with
// PostgreSQL and Redis, each portal alone. It returns a table of image, check
// and time, with the wall time of all starts (also when some failed); the
// error names every image that did not start, each with the tail of its log.
func (m *Bitflow) smokeAll(ctx context.Context, images []builtImage) (string, error) {
	specs, err := m.imageSpecs(ctx)
	if err != nil {
		return "", err
	}
	byApp := map[string]imagereuse.Spec{}
	for _, s := range specs {
		byApp[s.App] = s
	}
	results := make([]smokeResult, len(images))
	start := time.Now()
	var wg sync.WaitGroup
	for i := range images {
		wg.Add(1)
		go func(img builtImage, r *smokeResult) {
			defer wg.Done()
			began := time.Now()
			r.App = img.App
			r.Check, r.Err = m.smokeStart(ctx, img, byApp[img.App])
			r.Took = time.Since(began)
		}(images[i], &results[i])
	}
	wg.Wait()
	wall := time.Since(start)

	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "IMAGE\tSTART\tHEALTH CHECK\tTIME")
	var errs []error
	var failed []string
	for _, r := range results {
		status := "ok"
		if r.Err != nil {
			status = "FAILED"
			failed = append(failed, r.App)
			errs = append(errs, fmt.Errorf("%s did not start: %w", r.App, r.Err))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.1fs\n", r.App, status, clip(r.Check, 70), r.Took.Seconds())
	}
	_ = w.Flush()
	fmt.Fprintf(&b, "%d images started concurrently in %.1fs (wall time)\n", len(images), wall.Seconds())
	if len(errs) > 0 {
		return b.String(), fmt.Errorf("%d of %d images did not start (%s):\n%w",
			len(failed), len(images), strings.Join(failed, ", "), errors.Join(errs...))
	}
	return b.String(), nil
}

// smokeStart starts one image as a service and runs its health check from a
// second container of the same image (it has the check's tools). It returns
// the check as people read it.
func (m *Bitflow) smokeStart(ctx context.Context, img builtImage, spec imagereuse.Spec) (string, error) {
	dockerfile, err := m.Source.Directory(spec.Dir).File(spec.Dockerfile).Contents(ctx)
	if err != nil {
		return "", fmt.Errorf("read %s/%s: %w", spec.Dir, spec.Dockerfile, err)
	}
	check, err := smoke.Parse(dockerfile, spec.Target)
	if err != nil {
		return "", fmt.Errorf("%s/%s: %w", spec.Dir, spec.Dockerfile, err)
	}
	served, err := onlyDeclaredPorts(ctx, img.Container, check.Ports)
	if err != nil {
		return check.String(), err
	}
	if img.App == apps.Backend {
		served = m.withBackendServices(served).WithEnvVariable("APP_KEY", smokeAppKey)
	}
	service := served.AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})

	bounded, cancel := context.WithTimeout(ctx, smokeStartBound)
	defer cancel()
	_, err = img.Container.
		WithServiceBinding(smokeHost, service).
		WithEnvVariable("BITFLOW_SMOKE_STARTED", time.Now().UTC().Format(time.RFC3339Nano)). // a fresh start each run
		WithExec(smoke.Until(smokeCheckSeconds, check.Against(smokeHost))).
		Stdout(bounded)
	if err == nil {
		return check.String(), nil
	}
	if bounded.Err() != nil {
		err = fmt.Errorf("no passing health check within %s", smokeStartBound)
	} else {
		err = readableErr(err)
	}
	return check.String(), fmt.Errorf("%w\n--- the image's log (run again for %ds, last lines) ---\n%s",
		err, smokeLogSeconds, m.smokeLog(ctx, img, served))
}

// onlyDeclaredPorts makes the image's exposed ports exactly those its
// Dockerfile EXPOSEs: a port inherited from the base image (php:8.3-apache's
// 80) would make the service wait forever for a port nothing listens on.
func onlyDeclaredPorts(ctx context.Context, ctr *dagger.Container, declared []int) (*dagger.Container, error) {
	exposed, err := ctr.ExposedPorts(ctx)
	if err != nil {
		return nil, fmt.Errorf("exposed ports: %w", readableErr(err))
	}
	var have []int
	for _, p := range exposed {
		n, err := p.Port(ctx)
		if err != nil {
			return nil, err
		}
		have = append(have, n)
		if !slices.Contains(declared, n) {
			ctr = ctr.WithoutExposedPort(n)
		}
	}
	for _, n := range declared {
		if !slices.Contains(have, n) {
			ctr = ctr.WithExposedPort(n)
		}
	}
	return ctr, nil
}

// smokeLog runs the image's own command again for a few seconds (with the
// same services) and returns the end of what it printed.
func (m *Bitflow) smokeLog(ctx context.Context, img builtImage, served *dagger.Container) string {
	entry, err := img.Container.Entrypoint(ctx)
	if err != nil {
		return "(entrypoint unknown: " + err.Error() + ")"
	}
	args, err := img.Container.DefaultArgs(ctx)
	if err != nil {
		return "(command unknown: " + err.Error() + ")"
	}
	cmd := append(append([]string{}, entry...), args...)
	script := fmt.Sprintf(`timeout %d "$@" >/tmp/smoke.log 2>&1; echo "(exit $?)" >>/tmp/smoke.log; tail -n 30 /tmp/smoke.log`, smokeLogSeconds)
	out, err := served.
		WithEnvVariable("BITFLOW_SMOKE_LOG", time.Now().UTC().Format(time.RFC3339Nano)).
		WithExec(append([]string{"/bin/sh", "-c", script, "log"}, cmd...), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny}).
		Stdout(ctx)
	if err != nil {
		return "(log unavailable: " + readableErr(err).Error() + ")"
	}
	return readable.Tail(out, 30)
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// Builds every image of a release and starts each one: its own health check must pass.
//
// The smoke part of ci (publish does the same before it pushes): each image
// (backend + 14 portals) runs as a Dagger service, the backend with
// PostgreSQL and Redis, each portal alone, all concurrently. The check is the
// Dockerfile's HEALTHCHECK command, run from a second container of the same
// image against the service (else GET /health or /api/health on the port it
// EXPOSEs); it must pass within 90 s of the service listening. Ports an image
// inherits but its Dockerfile does not EXPOSE (php:8.3-apache's 80) are
// dropped so the service does not wait for them. Returns a table of image,
// check and time, and the wall time of the starts; an image that does not
// start fails the call, named, with the end of its log.
//
// Example: dagger call smoke
// +cache="never"
func (m *Bitflow) Smoke(ctx context.Context) (string, error) {
	images, err := m.buildAll(ctx)
	if err != nil {
		return "", err
	}
	table, err := m.smokeAll(ctx, images)
	if err != nil {
		return "", fmt.Errorf("%s%w", table, err)
	}
	return table, nil
}
