package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Gantt renders the release as a Mermaid gantt chart (GitHub renders
// Mermaid in job summaries), one section per part of it, on one time axis:
//
//   - Images: a bar per image the release built (from the publish record
//     pub; nil: no section). Reused images took no time in this release:
//     drawn as milestones they would stack a dozen diamonds on one instant,
//     so they are only counted in the section's name (the table lists them).
//   - Publish: a bar per built image's push, and one bar spanning the
//     retags of the reused images.
//   - Deploy: a bar per stage of the run that ran (skipped and unstarted
//     stages are left out).
//   - Services: a bar per service's rollout, from its UpdateService to
//     stable or failed (manifests that predate rollouts have none).
//
// Failed, cancelled or abandoned bars are marked critical, running ones
// active; a stage or rollout abandoned with a dead run is drawn to when its
// record was closed, labelled abandoned instead of a duration. An
// empty string when there is nothing to draw.
func Gantt(m *manifest.Manifest, pub *imagereuse.Record) string {
	var b strings.Builder
	for _, s := range []ganttSection{imagesSection(pub), publishSection(pub), stagesSection(m), servicesSection(m)} {
		if len(s.rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "    section %s\n", ganttLabel(s.name))
		for _, r := range s.rows {
			b.WriteString("    " + r + "\n")
		}
	}
	if b.Len() == 0 {
		return ""
	}
	// Unix milliseconds ("x"), not seconds ("X"): recent Mermaid releases
	// read a task's numeric start as milliseconds under either format.
	return "```mermaid\ngantt\n" +
		fmt.Sprintf("    title %s\n", ganttLabel(title(m))) +
		"    dateFormat x\n    axisFormat %H:%M:%S\n" +
		b.String() + "```\n\n"
}

// ganttSection is one named group of bars.
type ganttSection struct {
	name string
	rows []string
}

// ganttBar is one task row: label and duration, state, a unique id, and
// the start and end in Unix milliseconds (a bar must have a width: at
// least 1s).
func ganttBar(label string, d time.Duration, tag, id string, start, end time.Time) string {
	if end.Sub(start) < time.Second {
		end = start.Add(time.Second)
	}
	return fmt.Sprintf("%s %s :%s, %s, %d, %d", ganttLabel(label), formatDuration(d), tag, id, start.UnixMilli(), end.UnixMilli())
}

func imagesSection(pub *imagereuse.Record) ganttSection {
	built, reused := splitImages(pub)
	s := ganttSection{name: fmt.Sprintf("Images (%d built, %d reused)", len(built), reused)}
	for i, p := range built {
		if p.Build != nil {
			s.rows = append(s.rows, ganttBar(p.App, p.Build.Duration(), "done", fmt.Sprintf("i%d", i), p.Build.StartedAt, p.Build.FinishedAt))
		}
	}
	return s
}

func publishSection(pub *imagereuse.Record) ganttSection {
	s := ganttSection{name: "Publish"}
	built, _ := splitImages(pub)
	for i, p := range built {
		if p.Push != nil {
			s.rows = append(s.rows, ganttBar("push "+p.App, p.Push.Duration(), "done", fmt.Sprintf("p%d", i), p.Push.StartedAt, p.Push.FinishedAt))
		}
	}
	var first, last time.Time
	n := 0
	if pub != nil {
		for _, p := range pub.Images {
			if p.Built() || p.Push == nil {
				continue
			}
			if n == 0 || p.Push.StartedAt.Before(first) {
				first = p.Push.StartedAt
			}
			if n == 0 || p.Push.FinishedAt.After(last) {
				last = p.Push.FinishedAt
			}
			n++
		}
	}
	if n > 0 {
		s.rows = append(s.rows, ganttBar(fmt.Sprintf("retag %d reused", n), last.Sub(first), "done", "p_retag", first, last))
	}
	return s
}

// splitImages returns the record's built images, by build start, and how
// many it reused.
func splitImages(pub *imagereuse.Record) (built []imagereuse.Published, reused int) {
	if pub == nil {
		return nil, 0
	}
	for _, p := range pub.Images {
		if p.Built() {
			built = append(built, p)
		} else {
			reused++
		}
	}
	sort.SliceStable(built, func(i, j int) bool { return spanStart(built[i].Build).Before(spanStart(built[j].Build)) })
	return built, reused
}

func spanStart(s *imagereuse.Span) time.Time {
	if s == nil {
		return time.Time{}
	}
	return s.StartedAt
}

func stagesSection(m *manifest.Manifest) ganttSection {
	s := ganttSection{name: "Deploy"}
	for i, st := range m.Stages {
		if st.StartedAt.IsZero() || st.Status == manifest.StageSkipped {
			continue
		}
		if st.Status == manifest.StageAbandoned { // to the record's closing: no duration to tell
			s.rows = append(s.rows, abandonedBar(st.Name, fmt.Sprintf("s%d", i), st.StartedAt, st.FinishedAt))
			continue
		}
		s.rows = append(s.rows, ganttBar(st.Name, st.Duration(), ganttTag(st.Status), fmt.Sprintf("s%d", i), st.StartedAt, st.FinishedAt))
	}
	return s
}

func servicesSection(m *manifest.Manifest) ganttSection {
	s := ganttSection{name: "Services"}
	for i, sc := range m.Services {
		ro := sc.Rollout
		if ro == nil || ro.StartedAt.IsZero() {
			continue
		}
		id := fmt.Sprintf("r%d", i)
		if !ro.Ended() && m.Outcome == manifest.OutcomeAbandoned { // the run died watching it
			s.rows = append(s.rows, abandonedBar(sc.Service, id, ro.StartedAt, m.FinishedAt))
			continue
		}
		if !ro.Ended() { // still running, or handed to ECS (--wait-until): drawn to the run's end
			end := m.FinishedAt
			if end.Sub(ro.StartedAt) < time.Second {
				end = ro.StartedAt.Add(time.Second)
			}
			s.rows = append(s.rows, fmt.Sprintf("%s unfinished :active, %s, %d, %d", ganttLabel(sc.Service), id, ro.StartedAt.UnixMilli(), end.UnixMilli()))
			continue
		}
		tag := "done"
		if ro.Result != manifest.RolloutStable {
			tag = "crit"
		}
		s.rows = append(s.rows, ganttBar(sc.Service, ro.FinishedAt.Sub(ro.StartedAt), tag, id, ro.StartedAt, ro.FinishedAt))
	}
	return s
}

// abandonedBar is a critical bar, labelled abandoned, from start to when
// the dead run's record was closed (at least 1s wide).
func abandonedBar(label, id string, start, closed time.Time) string {
	if closed.Sub(start) < time.Second {
		closed = start.Add(time.Second)
	}
	return fmt.Sprintf("%s abandoned :crit, %s, %d, %d", ganttLabel(label), id, start.UnixMilli(), closed.UnixMilli())
}

// ganttTag is Mermaid's task state for a stage status.
func ganttTag(s manifest.StageStatus) string {
	switch s {
	case manifest.StageFailed, manifest.StageCancelled, manifest.StageAbandoned:
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
