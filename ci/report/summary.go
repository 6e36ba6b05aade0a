package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Summary appends a Markdown report of the run to the GitHub Actions job
// summary file (the path in GITHUB_STEP_SUMMARY): the outcome, a Mermaid
// gantt of the stages, a table of stages with status and duration, the images with their digests, and the
// service changes.
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
	_, werr := f.WriteString(SummaryMarkdown(m))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("summary reporter: write %s: %w", s.path, err)
	}
	return nil
}

// SummaryMarkdown renders the job summary of a run.
func SummaryMarkdown(m *manifest.Manifest) string {
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
	b.WriteString("\n")

	if f := failureText(m); f != "" {
		fmt.Fprintf(&b, "**Failure:** %s\n\n", cell(f))
	}

	b.WriteString(Gantt(m))
	b.WriteString("### Stages\n\n| Stage | Status | Duration | Error |\n|---|---|---|---|\n")
	for _, s := range m.Stages {
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s |\n", cell(s.Name), stageIcon(s.Status), s.Status, formatDuration(s.Duration()), cell(s.Error))
	}
	if len(m.Stages) == 0 {
		b.WriteString("| _none recorded_ | | | |\n")
	}
	b.WriteString("\n")

	if len(m.Images) > 0 {
		b.WriteString("### Images\n\n| App | Image | Digest |\n|---|---|---|\n")
		for _, img := range m.Images {
			digest := img.Digest
			if digest == "" {
				digest = "_not resolved_"
			} else {
				digest = "`" + cell(digest) + "`"
			}
			fmt.Fprintf(&b, "| %s | `%s:%s` | %s |\n", cell(img.App), cell(img.Repository), cell(img.Tag), digest)
		}
		b.WriteString("\n")
	}

	if len(m.Services) > 0 {
		b.WriteString("### Services\n\n| Service | Task definition before | Task definition after |\n|---|---|---|\n")
		for _, sc := range m.Services {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(sc.Service), code(sc.TaskDefinitionBefore), code(sc.TaskDefinitionAfter))
		}
		b.WriteString("\n")
	}
	return b.String()
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
	default:
		return "⏳"
	}
}
