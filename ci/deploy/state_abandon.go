package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// closeAbandoned closes the records of dead runs. Every run writes its
// first record only once it holds the lock, so a record still in progress
// while this run holds the lock belongs to a run that lost it: killed
// (its lock expired and was taken over, tookOver names it) or broken by
// "lock release". Each such record gets outcome abandoned, when, by which
// run, and what was live (the ledger's live release, and what ECS runs for
// every service it changed). A run that was only slow and still lives
// cancels itself at its next heartbeat and writes its own outcome over it.
func (r *Run) closeAbandoned(ctx context.Context, lg *ledger.Ledger, h ledger.History, tookOver *lock.Info) {
	now := r.now()
	for _, m := range h {
		if m.Outcome != manifest.OutcomeInProgress || m.ID == r.Manifest.ID || m.DryRun {
			continue
		}
		why := fmt.Sprintf("its record was still in progress with nobody holding the lock of %s", r.Env.Name)
		if tookOver != nil && (tookOver.Release == m.ID || (tookOver.Release == "" && tookOver.Owner == m.StartedBy && tookOver.SHA == m.GitSHA)) {
			why = fmt.Sprintf("its lock (%s by %s) expired at %s and was taken over", tookOver.Operation, tookOver.Owner, tookOver.ExpiresAt.UTC().Format(time.RFC3339))
		}
		ab := &manifest.Abandonment{At: now, By: r.Manifest.ID, ByWho: r.Manifest.StartedBy, Why: why}
		if live := h.LiveRelease(); live != nil {
			ab.LiveRelease = live.ID
		}
		ab.Live = r.liveOf(ctx, m)
		m.Abandon(ab, "the run died: "+why)
		if err := lg.Put(ctx, m); err != nil {
			r.Warn("closing the abandoned record %s: %v", m.ID, err)
			continue
		}
		r.abandoned = append(r.abandoned, m)
		r.Printf("    closed the record of %s (%s, started %s by %s) as abandoned: %s; %s", m.ID, m.Strategy,
			m.StartedAt.UTC().Format(time.RFC3339), orUnknown(m.StartedBy), why, describeLive(ab, m))
	}
}

// renamed rewrites the records this run closed when its own ID changes
// (a rollback learns what it undoes after the lock stage), so that their
// abandoned.by names this run as the ledger knows it.
func (r *Run) renamed(ctx context.Context) {
	for _, m := range r.abandoned {
		m.Abandoned.By = r.Manifest.ID
		if err := r.ledger.Put(ctx, m); err != nil {
			r.Warn("naming %s as the closer of %s: %v", r.Manifest.ID, m.ID, err)
		}
	}
}

// liveOf asks ECS what every service m changed runs now (nil when there is
// none, or ECS cannot be asked: the record then names the live release only).
func (r *Run) liveOf(ctx context.Context, m *manifest.Manifest) map[string]string {
	var names []string
	for _, sc := range m.Services {
		if sc.TaskDefinitionAfter != "" {
			names = append(names, sc.Service)
		}
	}
	if len(names) == 0 {
		return nil
	}
	api := r.ecs
	if api == nil {
		api = awsecs.NewFromConfig(r.cfg)
	}
	cur, err := ecs.DescribeServices(ctx, api, r.Env.Cluster, names)
	if err != nil {
		r.Warn("reading what the services of the abandoned run %s run now: %v", m.ID, err)
		return nil
	}
	live := map[string]string{}
	for _, n := range names {
		if td := aws.ToString(cur[n].TaskDefinition); td != "" {
			live[n] = td
		}
	}
	return live
}

// describeLive says what was live at an abandonment: the ledger's live
// release, and the dead run's services grouped by what they ran ("15
// services ran their revision from before it").
func describeLive(ab *manifest.Abandonment, m *manifest.Manifest) string {
	s := "live release " + releaseOrNone(ab.LiveRelease)
	if len(ab.Live) == 0 {
		return s
	}
	groups := map[string][]string{}
	for svc, td := range ab.Live {
		what := "another revision (" + shortARN(td) + ")"
		if sc := changeOf(m, svc); sc != nil && td == sc.TaskDefinitionAfter {
			what = "its new revision"
		} else if sc != nil && td == sc.TaskDefinitionBefore {
			what = "their revision from before it"
		}
		groups[what] = append(groups[what], svc)
	}
	var parts []string
	for what, svcs := range groups {
		sort.Strings(svcs)
		parts = append(parts, countServices(svcs)+" "+what)
	}
	sort.Strings(parts)
	return s + "; " + strings.Join(parts, ", ")
}

func releaseOrNone(s string) string {
	if s == "" {
		return "none in the ledger"
	}
	return s
}

// countServices is "service X run" or "N services run" for a sentence.
func countServices(svcs []string) string {
	if len(svcs) == 1 {
		return svcs[0] + " ran"
	}
	return fmt.Sprintf("%d services ran", len(svcs))
}
