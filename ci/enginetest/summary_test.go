package enginetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	client "github.com/bitflow-lms/pipeline/ci/enginetest/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// TestSummaryTakesPublishRecords: summary's publish records reach the
// module as a list of files; the matrix's build survives the deploy job's
// retag and is drawn in the chart.
func TestSummaryTakesPublishRecords(t *testing.T) {
	c := engine(t)
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, Environment: "staging", GitSHA: "abc1234", Strategy: "rolling",
		Outcome:   manifest.OutcomeSucceeded,
		Stages:    []manifest.Stage{{Name: "migrate", Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(time.Minute)}},
		StartedAt: start, FinishedAt: start.Add(time.Minute)}
	mb, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	manifestFile := c.File("manifest.json", string(mb))
	img := imagereuse.Image{App: "backend", Repository: "reg/bitflow-backend", InputTag: "in-0123", Digest: "sha256:aa"}
	built, retagged := img, img
	built.Action, retagged.Action = imagereuse.Build, imagereuse.Reuse
	span := func(from, to int) *imagereuse.Span {
		return &imagereuse.Span{StartedAt: start.Add(time.Duration(from) * time.Second), FinishedAt: start.Add(time.Duration(to) * time.Second)}
	}
	var records []*client.File
	for name, r := range map[string]*imagereuse.Record{
		"publish-backend.json": {SHA: "abc1234", Images: []imagereuse.Published{{Image: built, Build: span(-300, -60), Push: span(-60, -50)}}},
		"publish.json":         {SHA: "abc1234", Images: []imagereuse.Published{{Image: retagged, Push: span(-5, -4)}}},
	} {
		js, err := r.Render(imagereuse.FormatJSON)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, c.File(name, js))
	}
	out := mustSucceed(t, sdkCall(t, 10*time.Minute, "summary", func(ctx context.Context) (string, error) {
		return pipeline(t).Summary(ctx, manifestFile, client.SummaryOpts{Publish: records})
	}))
	for _, want := range []string{"section Images (1 built, 0 reused)", "push backend 10s", "| backend | `reg/bitflow-backend:abc1234` | built in 4m00s |"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
