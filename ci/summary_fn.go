package main

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// Renders a release manifest as the Markdown job summary.
//
// The same renderer the GitHub Actions job summary uses (append the output
// to $GITHUB_STEP_SUMMARY): a Mermaid gantt of the release's stages, then the
// outcome, the stages, the images (built or reused, digest) and the services.
//
// Example: dagger call summary --manifest manifest.json >> "$GITHUB_STEP_SUMMARY"
func (m *Bitflow) Summary(ctx context.Context,
	// Release manifest written by deploy or rollback.
	manifest *dagger.File,
) (string, error) {
	man, err := readManifest(ctx, manifest)
	if err != nil {
		return "", err
	}
	return report.SummaryMarkdown(man), nil
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
