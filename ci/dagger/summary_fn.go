package main

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// Renders a release manifest as the Markdown job summary.
//
// The same renderer the GitHub Actions job summary uses (append the output
// to $GITHUB_STEP_SUMMARY): the outcome, a Mermaid gantt of the release
// (each image's build and push from the publish records, the deploy's
// stages, each service's rollout), then the stages, the images (built or
// reused, input tag, digest) and the services. --publish takes the records
// of publish --format json, repeated (the build matrix's and the deploy
// job's): an image built by any of them counts as built.
//
// Example: dagger call summary --manifest manifest.json >> "$GITHUB_STEP_SUMMARY"
// Example: dagger call summary --manifest manifest.json --publish publish-backend.json --publish publish.json
func (m *Bitflow) Summary(ctx context.Context,
	// Release manifest written by deploy or rollback.
	manifest *dagger.File,
	// Publish records (publish --format json) of this release, repeatable.
	// +optional
	publish []*dagger.File,
) (string, error) {
	man, err := readManifest(ctx, manifest)
	if err != nil {
		return "", err
	}
	var records []*imagereuse.Record
	for i, f := range publish {
		body, err := f.Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("--publish %d: %w", i+1, err)
		}
		r, err := imagereuse.ParseRecord([]byte(body))
		if err != nil {
			return "", fmt.Errorf("--publish %d: %w", i+1, err)
		}
		records = append(records, r)
	}
	pub, err := report.PublishRecord(man, records)
	if err != nil {
		return "", fmt.Errorf("--publish: %w", err)
	}
	return report.SummaryMarkdown(man, pub), nil
}

// Fails unless the release manifest records a succeeded run.
//
// The last step of the deploy and rollback jobs: deploy --allow-failure
// exports the manifest of a failed run (so it can be uploaded and rolled
// back), and this call then fails the job. Prints "ENV SHA: OUTCOME".
//
// Example: dagger call outcome --manifest manifest.json
func (m *Bitflow) Outcome(ctx context.Context,
	// Release manifest written by deploy or rollback.
	manifest *dagger.File,
) (string, error) {
	man, err := readManifest(ctx, manifest)
	if err != nil {
		return "", err
	}
	line, err := report.Outcome(man)
	if err != nil {
		return "", fmt.Errorf("%s\n%w", line, err)
	}
	return line, nil
}

// readManifest parses a release manifest file.
func readManifest(ctx context.Context, f *dagger.File) (*manifest.Manifest, error) {
	body, err := f.Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("--manifest: %w", err)
	}
	m, err := manifest.Parse([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("--manifest: %w", err)
	}
	return m, nil
}
