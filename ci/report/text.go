package report

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// githubDescriptionLimit is the longest description GitHub accepts on a
// deployment status or a commit status.
const githubDescriptionLimit = 140

// shortSHA is the 7-character abbreviation people recognise.
func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// truncate cuts s to at most limit runes, ending with an ellipsis when cut.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit-1]) + "…"
}

// oneLine collapses newlines and runs of spaces so a multi-line error reads
// as one line in a status description or a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// formatDuration renders a stage duration for people: "850ms", "42s", "3m05s", "1h02m".
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// outcomeWord is how an outcome reads in a sentence ("succeeded", "failed
// and was rolled back").
func outcomeWord(o manifest.Outcome) string {
	switch o {
	case manifest.OutcomeSucceeded:
		return "succeeded"
	case manifest.OutcomeFailed:
		return "failed"
	case manifest.OutcomeRolledBack:
		return "failed and was rolled back"
	case manifest.OutcomeCancelled:
		return "was cancelled"
	case manifest.OutcomeInProgress:
		return "is in progress"
	case manifest.OutcomeAbandoned:
		return "was abandoned (its run died)"
	case manifest.OutcomeRefused:
		return "was refused (nothing was changed)"
	default:
		return string(o)
	}
}

// failureText is "stage: reason" for a run that did not succeed, or "".
func failureText(m *manifest.Manifest) string {
	if m.Outcome == manifest.OutcomeSucceeded || m.Outcome == manifest.OutcomeInProgress {
		return ""
	}
	reason := oneLine(m.FailureReason)
	stage := m.FailedStage
	if stage == "" {
		for _, s := range m.Stages {
			if s.Status == manifest.StageFailed || s.Status == manifest.StageCancelled || s.Status == manifest.StageAbandoned {
				stage = s.Name
				if reason == "" {
					reason = oneLine(s.Error)
				}
				break
			}
		}
	}
	switch {
	case stage != "" && reason != "":
		return stage + ": " + reason
	case stage != "":
		return "stage " + stage
	default:
		return reason
	}
}

// totalDuration is the wall time of the run, or the sum of stage durations
// when the run's own timestamps are missing.
func totalDuration(m *manifest.Manifest) time.Duration {
	if !m.StartedAt.IsZero() && !m.FinishedAt.IsZero() {
		return m.FinishedAt.Sub(m.StartedAt)
	}
	var d time.Duration
	for _, s := range m.Stages {
		d += s.Duration()
	}
	return d
}

// title is the one-line headline of a run, shared by every reporter.
func title(m *manifest.Manifest) string {
	dry := ""
	if m.DryRun {
		dry = " (dry run)"
	}
	if m.IsRollback() {
		what := shortSHA(m.GitSHA)
		if m.Undoes != "" {
			what = m.Undoes
		}
		return fmt.Sprintf("Rollback of %s on %s %s", what, m.Environment, outcomeWord(m.Outcome))
	}
	return fmt.Sprintf("Deploy of %s to %s %s%s", shortSHA(m.GitSHA), m.Environment, outcomeWord(m.Outcome), dry)
}
