package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints the plan as a readable summary.
func (p *PlanResult) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s, release %s, strategy %s (read-only: nothing was changed)\n", p.Environment, p.GitSHA, p.Strategy)
	if p.Error != "" {
		fmt.Fprintf(&b, "\nPLAN FAILED: %s\n", p.Error)
	}
	if len(p.Images) > 0 {
		fmt.Fprintf(&b, "\nImages (%d):\n", len(p.Images))
		for _, img := range p.Images {
			fmt.Fprintf(&b, "  %-28s %s\n", img.App, img.Short())
		}
	}
	if len(p.Services) > 0 {
		b.WriteString("\nTask definitions:\n")
		for _, s := range p.Services {
			from := ""
			if s.Source != "" {
				from = " (rendered from " + s.Source + ")"
			}
			fmt.Fprintf(&b, "  %s%s: now %s, %d/%d tasks\n", s.Service, from, s.TaskDefinitionBefore, s.RunningCount, s.DesiredCount)
			switch {
			case s.Diff == "" && s.DeploymentDiff == "":
				b.WriteString("    no change\n")
			case s.Diff == "":
				b.WriteString("    task definition: no change; deployment settings change:\n")
			}
			for _, d := range []string{s.Diff, s.DeploymentDiff} {
				if d == "" {
					continue
				}
				for _, l := range strings.Split(strings.TrimRight(d, "\n"), "\n") {
					b.WriteString("    " + l + "\n")
				}
			}
		}
	}
	if m := p.Migration; m != nil {
		b.WriteString("\nMigration (before any traffic moves):\n")
		if m.Disabled {
			b.WriteString("  disabled in the environment config\n")
		} else {
			image := m.Image
			if image == "" {
				image = "(not known: the image check did not pass)"
			}
			fmt.Fprintf(&b, "  %q in container %s of %s with image %s\n", strings.Join(m.Command, " "), m.Container, m.TaskDefinition, image)
			if len(m.GuardCommand) > 0 {
				fmt.Fprintf(&b, "  migration guard: at deploy, %q runs first and lists the pending migrations; drop/rename of a column or table, or NOT NULL without a default, on an existing table is refused unless --allow-contract\n", strings.Join(m.GuardCommand, " "))
			}
		}
	}
	if t := p.Traffic; t != nil {
		fmt.Fprintf(&b, "\nTraffic: %s (%s) is live now, read from the listener; %s (%s) would go live\n", t.LiveColour, t.LiveService, t.NewColour, t.NewService)
		for i, c := range t.Changes {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, c)
		}
		fmt.Fprintf(&b, "  after a good bake: %s scaled down to %d task(s), kept for rollback\n", t.LiveService, t.ScaleDownTo)
	}
	if len(p.Rollback) > 0 {
		b.WriteString("\nRollback would:\n")
		for _, r := range p.Rollback {
			b.WriteString("  - " + r + "\n")
		}
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", warn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the plan as indented JSON.
func (p *PlanResult) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
