package ledger

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// History is an environment's release records, oldest first.
type History []*manifest.Manifest

// ByID returns the record with that ID, or nil.
func (h History) ByID(id string) *manifest.Manifest {
	for _, m := range h {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Deploys are the records of deploys that changed something (no dry runs,
// no rollbacks), oldest first.
func (h History) Deploys() History {
	var out History
	for _, m := range h {
		if !m.DryRun && !m.IsRollback() {
			out = append(out, m)
		}
	}
	return out
}

// UndoneBy returns the rollback that undid release id (a succeeded
// rollback whose undoes names it, or the one the release's own undoneBy
// names), or nil.
func (h History) UndoneBy(id string) *manifest.Manifest {
	for _, m := range h {
		if m.Undoes == id && m.Outcome == manifest.OutcomeSucceeded {
			return m
		}
	}
	if rel := h.ByID(id); rel != nil && rel.UndoneBy != "" {
		if rb := h.ByID(rel.UndoneBy); rb != nil {
			return rb
		}
	}
	return nil
}

// LiveRelease is the newest release that succeeded (deploy or rollback): what
// a new deploy replaces. Nil for an empty ledger.
func (h History) LiveRelease() *manifest.Manifest {
	for i := len(h) - 1; i >= 0; i-- {
		if m := h[i]; !m.DryRun && m.Outcome == manifest.OutcomeSucceeded {
			return m
		}
	}
	return nil
}

// ToUndo picks the release a rollback undoes: the newest deploy not undone
// already, or with sha set, the newest deploy of that sha (a prefix of it).
func (h History) ToUndo(sha string) (*manifest.Manifest, error) {
	d := h.Deploys()
	for i := len(d) - 1; i >= 0; i-- {
		m := d[i]
		if sha != "" {
			if strings.HasPrefix(m.GitSHA, sha) {
				return m, nil
			}
			continue
		}
		if h.UndoneBy(m.ID) == nil {
			return m, nil
		}
	}
	if sha != "" {
		return nil, fmt.Errorf("no deploy of sha %s in the ledger", sha)
	}
	return nil, fmt.Errorf("no deploy left to undo in the ledger (%d records)", len(h))
}

// PutThere returns the newest record (deploy or rollback) that left service
// running taskDef, or nil.
func (h History) PutThere(service, taskDef string) *manifest.Manifest {
	for i := len(h) - 1; i >= 0; i-- {
		for _, sc := range h[i].Services {
			if sc.Service == service && sc.TaskDefinitionAfter == taskDef {
				return h[i]
			}
		}
	}
	return nil
}

// Mismatch compares a hand-carried manifest with the ledger's record of the
// same release, field by field over what a rollback acts on; it returns the
// fields that differ (none: the manifest is genuine).
func Mismatch(carried, recorded *manifest.Manifest) []string {
	var diffs []string
	check := func(name string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			diffs = append(diffs, name)
		}
	}
	check("environment", carried.Environment, recorded.Environment)
	check("gitSha", carried.GitSHA, recorded.GitSHA)
	check("strategy", carried.Strategy, recorded.Strategy)
	check("dryRun", carried.DryRun, recorded.DryRun)
	check("images", carried.Images, recorded.Images)
	check("services", carried.Services, recorded.Services)
	check("traffic", carried.Traffic, recorded.Traffic)
	return diffs
}

// Migrated returns the newest record of sha whose migration task exited 0,
// or nil: a retry of that release must not run the migrations again.
func (h History) Migrated(sha string) *manifest.Manifest {
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		if m.GitSHA == sha && !m.DryRun && m.Migration != nil && m.Migration.ExitCode != nil && *m.Migration.ExitCode == 0 {
			return m
		}
	}
	return nil
}
