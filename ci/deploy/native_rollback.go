package deploy

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// restoreNative undoes a finished native release: each named service is
// redeployed with the task definition it ran before, through the same
// native strategy (ECS moves the traffic back step by step; the pauses are
// continued without gates, since the revision returning is the one that
// was serving), and it waits until every service deployment succeeded.
func (r *Run) restoreNative(ctx context.Context, orig *manifest.Manifest, names []string) error {
	s := &Native{name: orig.Strategy, env: r.Env}
	var list []*nativeService
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
			svc := cur[n]
			cfg, _ := r.Env.NativeFor(n)
			if !config.IsNative(cfg.Strategy) {
				cfg.Strategy = orig.Strategy
			}
			ns, err := resolveNative(ctx, r, &Target{Service: n, Current: &svc}, cfg, "")
			if err != nil {
				return err
			}
			ns.prevTD = c.TaskDefinitionBefore
			r.Printf("    %s: %s -> %s through %s", n, shortARN(now), shortARN(c.TaskDefinitionBefore), cfg.Strategy)
			list = append(list, ns)
		}
		return s.start(ctx, r, list, false)
	}); err != nil {
		s.stopAll(ctx, r, list)
		return err
	}
	if len(list) == 0 {
		return nil
	}
	return r.Stage(ctx, StageWaitServices, func(ctx context.Context) error {
		var errs []error
		for _, ns := range list {
			if err := s.watch(ctx, r, ns, false); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}
