package deploy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
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
		cur, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, names)
		if err != nil {
			return err
		}
		for _, n := range names {
			c := changeOf(orig, n)
			now := aws.ToString(cur[n].TaskDefinition)
			r.serviceChange(n, func(sc *manifest.ServiceChange) {
				sc.TaskDefinitionBefore, sc.DesiredCountBefore = now, cur[n].DesiredCount
				sc.TaskDefinitionAfter, sc.DesiredCountAfter = c.TaskDefinitionBefore, cur[n].DesiredCount
			})
			if now == c.TaskDefinitionBefore {
				r.Printf("    %s already runs %s", n, shortARN(now))
				continue
			}
			updates = append(updates, ecs.ServiceUpdate{Service: n, TaskDefinition: c.TaskDefinitionBefore})
			expect[n] = c.TaskDefinitionBefore
			r.Printf("    %s: %s -> %s", n, shortARN(now), shortARN(c.TaskDefinitionBefore))
		}
		_, err = ecs.UpdateServices(ctx, r.ecs, r.Env.Cluster, updates)
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
		_, err := ecs.WaitStable(ctx, r.ecs, ecs.WaitOptions{Clock: r.clock, Cluster: r.Env.Cluster, Services: wait, Expect: expect,
			Timeout: r.Env.Timeouts.Deploy.Duration, Poll: r.Env.Timeouts.Poll.Duration, Out: r.Out, Since: since})
		return err
	})
}
