package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Gantt renders the run's stages as a Mermaid gantt chart (GitHub renders
// Mermaid in job summaries): one bar per stage from its start to its end,
// failed stages marked critical, a running one active. Stages that never
// started are left out; an empty string when none started.
func Gantt(m *manifest.Manifest) string {
	var rows []string
	for i, s := range m.Stages {
		if s.StartedAt.IsZero() {
			continue
		}
		end := s.FinishedAt
		if end.IsZero() || !end.After(s.StartedAt) {
			end = s.StartedAt.Add(time.Second) // a bar must have a width
		}
		rows = append(rows, fmt.Sprintf("    %s %s :%s, s%d, %d, %d", ganttLabel(s.Name), formatDuration(s.Duration()), ganttTag(s.Status), i, s.StartedAt.Unix(), end.Unix()))
	}
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("```mermaid\ngantt\n")
	fmt.Fprintf(&b, "    title %s\n", ganttLabel(title(m)))
	b.WriteString("    dateFormat X\n    axisFormat %H:%M:%S\n    section Stages\n")
	b.WriteString(strings.Join(rows, "\n"))
	b.WriteString("\n```\n\n")
	return b.String()
}

// ganttTag is Mermaid's task state for a stage status.
func ganttTag(s manifest.StageStatus) string {
	switch s {
	case manifest.StageFailed, manifest.StageCancelled:
		return "crit"
	case manifest.StageRunning:
		return "active"
	default:
		return "done"
	}
}

// ganttLabel keeps a name from breaking Mermaid's syntax (":" separates the
// task's data, "#" and ";" start comments or statements).
func ganttLabel(s string) string {
	return strings.NewReplacer(":", " ", "#", " ", ";", " ").Replace(oneLine(s))
}
