// Package report tells people how a deploy went: GitHub Deployments and
// commit statuses, one Slack message per run, and the GitHub Actions job
// summary. Each sink is a Reporter; the deploy brain calls Start before the
// first stage and Finish after the last, whatever the outcome.
package report

import (
	"context"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Reporter is one place a run is reported to. A reporter's failure never
// fails a deploy: the caller logs it as a warning and carries on.
type Reporter interface {
	// Name identifies the reporter in warnings ("slack", "github", "summary").
	Name() string
	// Start is called once, before the first stage (m.Outcome is in_progress).
	Start(ctx context.Context, m *manifest.Manifest) error
	// Finish is called once with the final manifest (succeeded, failed,
	// rolled_back or cancelled). It must still work when ctx is cancelled
	// only if the caller passes a fresh context: callers do.
	Finish(ctx context.Context, m *manifest.Manifest) error
}
