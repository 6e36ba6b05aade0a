package ledger

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Summary are the four DORA measures computed from the ledger.
type Summary struct {
	Deploys   int           // deploys that changed something (finished or not)
	Succeeded int           // of which succeeded
	Span      time.Duration // first to last deploy start
	// PerDay is the deployment frequency: succeeded deploys per day over Span
	// (or over one day when Span is shorter).
	PerDay float64
	// LeadTime is the median commit-to-live time of succeeded deploys whose
	// commit time is known; LeadTimeKnown counts them.
	LeadTime      time.Duration
	LeadTimeKnown int
	// Failed counts failed changes: deploys that failed, rolled back, died
	// (abandoned), or were later undone by a rollback. ChangeFailureRate is
	// Failed / finished deploys (every outcome but in_progress and refused).
	Failed            int
	ChangeFailureRate float64
	// TimeToRestore is the median time from a failed change's end (or the
	// rollback that undid it) to the next succeeded release; Restored counts them.
	TimeToRestore time.Duration
	Restored      int
}

// Summarize computes the DORA measures of h.
func (h History) Summarize() Summary {
	var s Summary
	d := h.Deploys()
	s.Deploys = len(d)
	if len(d) == 0 {
		return s
	}
	s.Span = d[len(d)-1].StartedAt.Sub(d[0].StartedAt)
	var leads, restores []time.Duration
	finished := 0
	for _, m := range d {
		if m.Outcome == manifest.OutcomeInProgress || m.Outcome == manifest.OutcomeRefused {
			continue
		}
		finished++
		if m.Outcome == manifest.OutcomeSucceeded {
			s.Succeeded++
			if m.CommitTime != nil && !m.FinishedAt.IsZero() {
				leads = append(leads, m.FinishedAt.Sub(*m.CommitTime))
			}
		}
		failedAt, failed := h.failedAt(m)
		if !failed {
			continue
		}
		s.Failed++
		if next := h.nextSucceededAfter(failedAt, m.ID); next != nil {
			restores = append(restores, next.FinishedAt.Sub(failedAt))
		}
	}
	days := s.Span.Hours() / 24
	if days < 1 {
		days = 1
	}
	s.PerDay = float64(s.Succeeded) / days
	if finished > 0 {
		s.ChangeFailureRate = float64(s.Failed) / float64(finished)
	}
	s.LeadTime, s.LeadTimeKnown = median(leads), len(leads)
	s.TimeToRestore, s.Restored = median(restores), len(restores)
	return s
}

// failedAt says whether deploy m was a failed change and when the failure
// was seen: its own end, or the start of the rollback that undid it.
func (h History) failedAt(m *manifest.Manifest) (time.Time, bool) {
	switch m.Outcome {
	case manifest.OutcomeFailed, manifest.OutcomeRolledBack, manifest.OutcomeAbandoned:
		return m.FinishedAt, true
	}
	if rb := h.UndoneBy(m.ID); rb != nil {
		return rb.StartedAt, true
	}
	return time.Time{}, false
}

// nextSucceededAfter is the first succeeded release (deploy or rollback,
// other than id) that finished after t.
func (h History) nextSucceededAfter(t time.Time, id string) *manifest.Manifest {
	var best *manifest.Manifest
	for _, m := range h {
		if m.ID == id || m.DryRun || m.Outcome != manifest.OutcomeSucceeded || m.FinishedAt.Before(t) {
			continue
		}
		if best == nil || m.FinishedAt.Before(best.FinishedAt) {
			best = m
		}
	}
	return best
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// Write prints the history, newest first (one line per record, the stage
// timings indented under it), then the summary.
func (h History) Write(w io.Writer) {
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		kind := m.Strategy
		if m.DryRun {
			kind += " (dry run)"
		}
		fmt.Fprintf(w, "%s  %-12s  %-9s  %-11s  %s  by %s\n", m.StartedAt.UTC().Format("2006-01-02 15:04:05Z"), short(m.GitSHA), kind, m.Outcome, m.ID, orDash(m.StartedBy))
		var extra []string
		if m.Replaces != "" {
			extra = append(extra, "replaced "+m.Replaces)
		}
		if m.Undoes != "" {
			extra = append(extra, "undid "+m.Undoes)
		}
		if rb := h.UndoneBy(m.ID); rb != nil && !m.IsRollback() {
			at := rb.FinishedAt
			if m.UndoneAt != nil {
				at = *m.UndoneAt
			}
			extra = append(extra, "undone by "+rb.ID+" at "+at.UTC().Format("2006-01-02 15:04:05Z"))
		}
		if a := m.Abandoned; a != nil {
			extra = append(extra, fmt.Sprintf("abandoned: %s; closed at %s by %s (%s); live then: %s", a.Why, a.At.UTC().Format("2006-01-02 15:04:05Z"), a.By, orDash(a.ByWho), liveThen(m)))
		}
		if m.FailedStage != "" {
			extra = append(extra, "failed at "+m.FailedStage)
		}
		if len(extra) > 0 {
			fmt.Fprintf(w, "    %s\n", strings.Join(extra, "; "))
		}
		var stages []string
		for _, st := range m.Stages {
			stages = append(stages, stageText(st))
		}
		if len(stages) > 0 {
			fmt.Fprintf(w, "    stages: %s\n", strings.Join(stages, ", "))
		}
	}
	s := h.Summarize()
	fmt.Fprintf(w, "\n%d deploys (%d succeeded) over %s\n", s.Deploys, s.Succeeded, s.Span.Round(time.Minute))
	fmt.Fprintf(w, "deployment frequency: %.2f per day\n", s.PerDay)
	if s.LeadTimeKnown > 0 {
		fmt.Fprintf(w, "lead time for changes: %s (median of %d)\n", s.LeadTime.Round(time.Second), s.LeadTimeKnown)
	} else {
		fmt.Fprintln(w, "lead time for changes: unknown (no commit times recorded; deploy with --commit-time)")
	}
	fmt.Fprintf(w, "change failure rate: %.0f%% (%d of the finished deploys)\n", 100*s.ChangeFailureRate, s.Failed)
	if s.Restored > 0 {
		fmt.Fprintf(w, "time to restore: %s (median of %d)\n", s.TimeToRestore.Round(time.Second), s.Restored)
	} else {
		fmt.Fprintln(w, "time to restore: n/a (no failed change followed by a good release)")
	}
}

// stageText is a stage with its status and duration; a stage abandoned
// with its run has no duration, only when its record was closed.
func stageText(st manifest.Stage) string {
	if st.Status == manifest.StageAbandoned {
		return fmt.Sprintf("%s abandoned (running when the run died; closed %s)", st.Name, st.FinishedAt.UTC().Format("15:04:05Z"))
	}
	return fmt.Sprintf("%s %s %s", st.Name, st.Status, st.Duration().Round(time.Millisecond))
}

// liveThen says what was live when a dead run's record was closed: the
// ledger's live release, and how many of its services ran its new revision.
func liveThen(m *manifest.Manifest) string {
	a := m.Abandoned
	s := "release " + a.LiveRelease
	if a.LiveRelease == "" {
		s = "no release of the ledger"
	}
	if len(a.Live) == 0 {
		return s
	}
	onNew := 0
	for _, sc := range m.Services {
		if td, ok := a.Live[sc.Service]; ok && td == sc.TaskDefinitionAfter && td != sc.TaskDefinitionBefore {
			onNew++
		}
	}
	return fmt.Sprintf("%s; %d of %d services on its new revision", s, onNew, len(a.Live))
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return orDash(sha)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
