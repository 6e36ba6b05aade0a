package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/internal/causes"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// checkLive refuses to undo a release that is no longer the live one:
// every service the release changed must still run the task definition it
// left there (or the one before it: a half-undone release), and the
// listener must still send traffic where it left it. Each finding names the
// service, what it runs and which release (per the ledger) put it there.
// With force the findings are printed as overridden and the rollback goes on.
func (r *Run) checkLive(ctx context.Context, orig *manifest.Manifest, force bool) error {
	var names []string
	for _, sc := range orig.Services {
		if sc.TaskDefinitionAfter != "" {
			names = append(names, sc.Service)
		}
	}
	var findings []causes.Item
	var raw []string               // the findings as said per service (--force prints each)
	var reverted []revertedService // services that run what they ran before orig (or an older release)
	if len(names) > 0 {
		cur, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, names)
		if err != nil {
			return err
		}
		for _, n := range names {
			sc := changeOf(orig, n)
			now := aws.ToString(cur[n].TaskDefinition)
			if now == sc.TaskDefinitionBefore { // also when its own revert rewrote taskDefinitionAfter to it
				reverted = append(reverted, revertedService{n, orig})
			}
			if now == sc.TaskDefinitionAfter || now == sc.TaskDefinitionBefore {
				continue
			}
			if older := r.ranBefore(n, now, orig); older != nil {
				reverted = append(reverted, revertedService{n, older})
				continue
			}
			f := fmt.Sprintf("runs %s (release %s left %s), %s", shortARN(now), orig.ID, shortARN(sc.TaskDefinitionAfter), r.whoPut(n, now))
			findings = append(findings, causes.Item{Service: n, Cause: causes.WithoutName(n, f)})
			raw = append(raw, "service "+n+" "+f)
		}
	}
	trafficBack := true
	if t := orig.Traffic; t != nil && t.LiveColourAfter != "" {
		router := newRouter(r.elb, r.Env.BlueGreen)
		router.ListenerArn, router.RuleArn = t.ListenerArn, t.RuleArn
		st, err := router.Current(ctx)
		if err != nil {
			return err
		}
		live := liveName(st, router.Blue, router.Green)
		trafficBack = live == t.LiveColourBefore && t.LiveColourBefore != t.LiveColourAfter
		if live != t.LiveColourAfter && live != t.LiveColourBefore {
			f := fmt.Sprintf("sends traffic %s, but release %s left it on %s", st, orig.ID, t.LiveColourAfter)
			findings = append(findings, causes.Item{Service: "the listener", Cause: f})
			raw = append(raw, "the listener "+f)
		}
	}
	if len(findings) == 0 && len(names) > 0 && len(reverted) == len(names) && trafficBack {
		return r.nothingToUndo(ctx, orig, reverted)
	}
	if len(findings) == 0 {
		r.Printf("    %s is still what runs: nothing newer to protect", orig.ID)
		return nil
	}
	if force {
		for _, f := range raw {
			r.Warn("--force overrides: %s", f)
		}
		return nil
	}
	return refused("a newer release than %s is live: %s (roll back the newer release first, or pass --force to undo %s anyway)",
		orig.ID, causes.Group(findings, len(names)), orig.ID)
}

// revertedService is a service that runs what it ran before release:
// orig, or an older release (put back further than orig).
type revertedService struct {
	name    string
	release *manifest.Manifest
}

// ranBefore is the release, orig or older, before which service ran
// taskDef (its taskDefinitionBefore), or nil: the service was put back to
// what ran before that release, which is no newer release to protect.
func (r *Run) ranBefore(service, taskDef string, orig *manifest.Manifest) *manifest.Manifest {
	for i := len(r.history) - 1; i >= 0; i-- {
		m := r.history[i]
		if m.StartedAt.After(orig.StartedAt) || m.DryRun || m.IsRollback() {
			continue
		}
		if sc := changeOf(m, service); sc != nil && sc.TaskDefinitionBefore == taskDef && sc.TaskDefinitionAfter != taskDef {
			return m
		}
	}
	return nil
}

// whoPut names the ledger's release that left service running taskDef.
func (r *Run) whoPut(service, taskDef string) string {
	m := r.history.PutThere(service, taskDef)
	if m == nil {
		return "put there by no release in the ledger (changed outside bitflow-deploy?)"
	}
	return fmt.Sprintf("put there by release %s (git %s, %s by %s, %s)", m.ID, m.GitSHA, m.Strategy, orUnknown(m.StartedBy), m.Outcome)
}
