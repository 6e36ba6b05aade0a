// Package deploy is the deploy brain's orchestrator: it validates a release
// against an environment, checks every image in ECR, renders new task
// definitions, runs migrations with the new backend image, and hands the
// rendered task definitions to a Strategy (rolling here; blue/green and
// canary plug in through the same seam), recording every stage in the
// release manifest and telling reporters how it went.
package deploy

import (
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// Options describe one deploy.
type Options struct {
	// Env is the loaded environment (config.Load).
	Env *config.Environment
	// GitSHA is the release: every image is tagged with it (unless Images says otherwise).
	GitSHA string
	// Images optionally lists the release images (app, repository, tag, and
	// digest if known); empty means <registry>/<prefix><app>:<GitSHA> for
	// every app the environment deploys. Digests given must match ECR's.
	Images []manifest.Image
	// Strategy overrides Env.Strategy for this run ("" keeps it).
	Strategy string
	// DryRun stops after rendering task definitions: no registration,
	// migration or service update.
	DryRun bool
	// Out receives progress lines (nil: discarded).
	Out io.Writer
	// AWS is the configuration every client is built from (awsx.Load).
	AWS aws.Config
	// Reporters are told Start and Finish; their errors are warnings.
	Reporters []report.Reporter
	// ManifestPath, if set, is where the release manifest is written after
	// every stage (so a run that dies half-way is still described).
	ManifestPath string
	// OnStage, if set, is called when a stage starts and when it ends.
	OnStage func(manifest.Stage)
	// Clock is what the deploy reads and waits on: manifest timestamps,
	// polls, bakes, timeouts (default: the wall clock; tests pass the
	// emulator's manual clock).
	Clock clock.Clock
	// WaitUntil, for native strategies, returns once every service deployment
	// reached this lifecycle stage (e.g. BAKE_TIME); ECS finishes on its own.
	WaitUntil string
	// AllowContract lets a release whose pending migrations have contract
	// steps (migration.guard; ci/migrations) proceed; they are still recorded.
	AllowContract bool
	// State tunes the environment lock and says who starts the run (state.go).
	State State
}
