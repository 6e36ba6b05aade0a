package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Summary appends a Markdown report of the run to the GitHub Actions job
// summary file (the path in GITHUB_STEP_SUMMARY): the outcome, a Mermaid
// gantt of the stages and service rollouts, a table of stages with status
// and duration, the images with their digests, and the service changes.
// (The deploy job's own summary step adds the publish records:
// SummaryMarkdown with a record.)
type Summary struct {
	path string
}

// NewSummary returns a reporter appending to path. An empty path returns an
// error wrapping ErrNotConfigured.
func NewSummary(path string) (*Summary, error) {
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("summary reporter: GITHUB_STEP_SUMMARY path is empty: %w", ErrNotConfigured)
	}
	return &Summary{path: path}, nil
}

// Name implements Reporter.
func (s *Summary) Name() string { return "summary" }

// Start writes nothing: the summary is written once, when the run finishes.
func (s *Summary) Start(context.Context, *manifest.Manifest) error { return nil }

// Finish appends the run's Markdown to the summary file.
func (s *Summary) Finish(_ context.Context, m *manifest.Manifest) error {
	f, err := os.OpenFile(s.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("summary reporter: open %s: %w", s.path, err)
	}
	_, werr := f.WriteString(SummaryMarkdown(m, nil))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("summary reporter: write %s: %w", s.path, err)
	}
	return nil
}

// SummaryMarkdown renders the job summary of a run: the outcome, the
// release as a Mermaid gantt (Gantt: image builds and the publish from the
// publish record pub, nil when there is none; the stages; each service's
// rollout), then the tables of stages, images (built or reused, input tag,
// digest) and services.
func SummaryMarkdown(m *manifest.Manifest, pub *imagereuse.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\n", summaryIcon(m.Outcome), cell(title(m)))

	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Environment | %s |\n", cell(m.Environment))
	fmt.Fprintf(&b, "| Commit | `%s` |\n", cell(m.GitSHA))
	fmt.Fprintf(&b, "| Strategy | %s |\n", cell(m.Strategy))
	fmt.Fprintf(&b, "| Outcome | **%s** |\n", cell(string(m.Outcome)))
	fmt.Fprintf(&b, "| Duration | %s |\n", formatDuration(totalDuration(m)))
	if m.EnvironmentURL != "" {
		fmt.Fprintf(&b, "| URL | %s |\n", cell(m.EnvironmentURL))
	}
	if m.ID != "" {
		fmt.Fprintf(&b, "| Manifest | `%s` |\n", cell(m.ID))
	}
	if pub != nil {
		built, reused := splitImages(pub)
		fmt.Fprintf(&b, "| Images | %d built, %d reused |\n", len(built), reused)
	}
	b.WriteString("\n")

	if f := failureText(m); f != "" {
		fmt.Fprintf(&b, "**Failure:** %s\n\n", cell(f))
	}

	b.WriteString(Gantt(m, pub))
	b.WriteString("### Stages\n\n| Stage | Status | Duration | Error |\n|---|---|---|---|\n")
	for _, s := range m.Stages {
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s |\n", cell(s.Name), stageIcon(s.Status), s.Status, stageDuration(s), cell(s.Error))
	}
	if len(m.Stages) == 0 {
		b.WriteString("| _none recorded_ | | | |\n")
	}
	b.WriteString("\n")

	writeImages(&b, m, pub)

	if len(m.Services) > 0 {
		b.WriteString("### Services\n\n| Service | Task definition before | Task definition after | Rollout |\n|---|---|---|---|\n")
		for _, sc := range m.Services {
			ro := rolloutCell(sc.Rollout)
			if ro == "unfinished" && m.Outcome == manifest.OutcomeAbandoned {
				ro = "abandoned (the run died watching it)"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(sc.Service), code(sc.TaskDefinitionBefore), code(sc.TaskDefinitionAfter), ro)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// writeImages writes the images table: the manifest's images, then any
// the publish record has that the manifest lacks (a deploy that stopped
// before it recorded them), each with what publish did.
func writeImages(b *strings.Builder, m *manifest.Manifest, pub *imagereuse.Record) {
	images := append([]manifest.Image(nil), m.Images...)
	if pub != nil {
		for _, p := range pub.Images {
			if !slices.ContainsFunc(images, func(i manifest.Image) bool { return i.App == p.App }) {
				images = append(images, manifest.Image{App: p.App, Repository: p.Repository, Tag: pub.SHA, Digest: p.Digest})
			}
		}
	}
	if len(images) == 0 {
		return
	}
	b.WriteString("### Images\n\n| App | Image | Built or reused | Input tag | Digest |\n|---|---|---|---|---|\n")
	for _, img := range images {
		digest := "_not resolved_"
		if img.Digest != "" {
			digest = "`" + cell(img.Digest) + "`"
		}
		what, input := "—", "—"
		if p, ok := pub.Find(img.App); ok {
			what, input = publishedCell(p), code(p.InputTag)
		}
		fmt.Fprintf(b, "| %s | `%s:%s` | %s | %s | %s |\n", cell(img.App), cell(img.Repository), cell(img.Tag), what, input, digest)
	}
	b.WriteString("\n")
}

// publishedCell says what publish did with an image: built (and how long
// the build took) or reused.
func publishedCell(p imagereuse.Published) string {
	if !p.Built() {
		return "reused"
	}
	if p.Build != nil {
		return "built in " + formatDuration(p.Build.Duration())
	}
	return "built"
}

// rolloutCell says how a service's rollout went and how long it took.
func rolloutCell(ro *manifest.Rollout) string {
	switch {
	case ro == nil:
		return "—"
	case !ro.Ended():
		return "unfinished"
	}
	return fmt.Sprintf("%s in %s", ro.Result, formatDuration(ro.FinishedAt.Sub(ro.StartedAt)))
}

// stageDuration is a stage's duration, or for a stage abandoned with its
// run (no duration known) when its record was closed.
func stageDuration(s manifest.Stage) string {
	if s.Status == manifest.StageAbandoned {
		return "— (record closed " + s.FinishedAt.UTC().Format("15:04:05Z") + ")"
	}
	return formatDuration(s.Duration())
}

// cell makes text safe inside a Markdown table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// code renders a value as inline code, or a dash when empty.
func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + cell(s) + "`"
}

func summaryIcon(o manifest.Outcome) string {
	switch o {
	case manifest.OutcomeSucceeded:
		return "✅"
	case manifest.OutcomeCancelled:
		return "🚫"
	case manifest.OutcomeRolledBack:
		return "⏪"
	default:
		return "❌"
	}
}

func stageIcon(s manifest.StageStatus) string {
	switch s {
	case manifest.StageSucceeded:
		return "✅"
	case manifest.StageFailed:
		return "❌"
	case manifest.StageSkipped:
		return "⏭️"
	case manifest.StageCancelled:
		return "🚫"
	case manifest.StageAbandoned:
		return "💀"
	default:
		return "⏳"
	}
}
