package deploy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// restoreServices points every service the release changed (other than the
// colours) back at its previous task definition, where it is not there
// already, and waits until they are stable.
func (r *Run) restoreServices(ctx context.Context, orig *manifest.Manifest, skip map[string]bool) error {
	var names []string
	for _, c := range orig.Services {
		if !skip[c.Service] && c.TaskDefinitionBefore != "" {
			names = append(names, c.Service)
		}
	}
	if len(names) == 0 {
		r.Skip(StageRestoreServices, "no other service was changed by "+orig.ID)
		return nil
	}
	if config.IsNative(orig.Strategy) && r.Env.Native != nil {
		return r.restoreNative(ctx, orig, names)
	}
	var updates []ecs.ServiceUpdate
	expect := map[string]string{}
	since := r.now()
	if err := r.Stage(ctx, StageRestoreServices, func(ctx context.Context) error {
		back, err := r.servicesToRestore(ctx, orig, names)
		if err != nil {
			return err
		}
		for _, b := range back {
			updates = append(updates, ecs.ServiceUpdate{Service: b.name, TaskDefinition: b.to})
			expect[b.name] = b.to
			r.Printf("    %s: %s -> %s", b.name, shortARN(b.from), shortARN(b.to))
		}
		done, err := ecs.UpdateServices(ctx, r.ecs, r.Env.Cluster, updates)
		r.rolloutStarted(since, done...)
		return err
	}); err != nil {
		return err
	}
	if len(updates) == 0 {
		return nil
	}
	return r.Stage(ctx, StageWaitServices, func(ctx context.Context) error {
		var wait []string
		for n := range expect {
			wait = append(wait, n)
		}
		return r.waitRollouts(ctx, ecs.WaitOptions{Cluster: r.Env.Cluster, Services: wait, Expect: expect,
			Timeout: r.Env.Timeouts.Deploy.Duration, Poll: r.Env.Timeouts.Poll.Duration, Out: r.Out, Since: since})
	})
}

// restore is one service that a rollback moves back: from what it runs now
// to the task definition it ran before the release.
type restore struct {
	name, from, to string
	current        types.Service
}

// servicesToRestore reads the named services, records in this run's
// manifest what each runs now and what it goes back to, and returns those
// that do not run their previous task definition already.
func (r *Run) servicesToRestore(ctx context.Context, orig *manifest.Manifest, names []string) ([]restore, error) {
	cur, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, names)
	if err != nil {
		return nil, err
	}
	var back []restore
	for _, n := range names {
		prev := changeOf(orig, n).TaskDefinitionBefore
		now := aws.ToString(cur[n].TaskDefinition)
		r.serviceChange(n, func(sc *manifest.ServiceChange) {
			sc.TaskDefinitionBefore, sc.DesiredCountBefore = now, cur[n].DesiredCount
			sc.TaskDefinitionAfter, sc.DesiredCountAfter = prev, cur[n].DesiredCount
		})
		if now == prev {
			r.Printf("    %s already runs %s", n, shortARN(now))
			continue
		}
		back = append(back, restore{name: n, from: now, to: prev, current: cur[n]})
	}
	return back, nil
}
