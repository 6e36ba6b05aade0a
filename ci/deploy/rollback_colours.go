package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// rollbackColours undoes a blue/green or canary deploy: old colour up,
// stable and healthy first, then traffic back, then the new colour down.
func (r *Run) rollbackColours(ctx context.Context, orig *manifest.Manifest) error {
	router := newRouter(r.elb, r.Env.BlueGreen)
	router.ListenerArn, router.RuleArn = orig.Traffic.ListenerArn, orig.Traffic.RuleArn
	old, err := router.ColourByName(orig.Traffic.LiveColourBefore)
	if err != nil {
		return err
	}
	failed := router.Other(old)
	cur, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, []string{old.Service, failed.Service})
	if err != nil {
		return err
	}
	// How many tasks the old colour had: the manifest's record, else what it
	// runs now, at least one.
	desired := cur[old.Service].DesiredCount
	oldTD := aws.ToString(cur[old.Service].TaskDefinition)
	if c := changeOf(orig, old.Service); c != nil {
		if c.DesiredCountBefore > 0 {
			desired = c.DesiredCountBefore
		}
		if c.TaskDefinitionBefore != "" {
			oldTD = c.TaskDefinitionBefore
		}
	}
	desired = max(desired, 1)
	st, err := router.Current(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.Manifest.Traffic = &manifest.Traffic{ListenerArn: router.ListenerArn, RuleArn: router.RuleArn,
		LiveColourBefore: liveName(st, old, failed), WeightsBefore: st.WeightsByArn()}
	r.mu.Unlock()
	r.Printf("    traffic now: %s; restoring %s (%s, %d tasks of %s)", st, old.Name, old.Service, desired, shortARN(oldTD))

	if err := r.Stage(ctx, StageRestoreOldColour, func(ctx context.Context) error {
		return r.restoreColour(ctx, old, oldTD, desired)
	}); err != nil {
		return err
	}
	if err := r.Stage(ctx, StageSwitchBack, func(ctx context.Context) error {
		if st.Percent(old.Name) == 100 {
			r.Printf("    %s already has all traffic", old.Name)
		} else if err := router.SwitchTo(ctx, old); err != nil {
			return err
		}
		now, err := router.Current(ctx)
		if err != nil {
			return err
		}
		r.mu.Lock()
		r.Manifest.Traffic.LiveColourAfter, r.Manifest.Traffic.WeightsAfter = old.Name, now.WeightsByArn()
		r.mu.Unlock()
		r.Printf("    traffic: %s", now)
		return nil
	}); err != nil {
		return err
	}
	fc := changeOf(orig, failed.Service)
	if fc == nil || fc.TaskDefinitionAfter == "" {
		r.Skip(StageRestoreNewColour, failed.Service+" was not changed by "+orig.ID)
		return nil
	}
	return r.Stage(ctx, StageRestoreNewColour, func(ctx context.Context) error {
		td := fc.TaskDefinitionBefore
		if td == "" {
			td = aws.ToString(cur[failed.Service].TaskDefinition)
		}
		return r.scaleColour(ctx, failed, td, fc.DesiredCountBefore, fc.DesiredCountBefore > 0)
	})
}

func liveName(st traffic.State, a, b traffic.Colour) string {
	switch {
	case st.Percent(a.Name) == 100:
		return a.Name
	case st.Percent(b.Name) == 100:
		return b.Name
	}
	return "split"
}

// restoreColour brings a colour to taskDef with desired tasks, waits until
// it is stable and every target is healthy.
func (r *Run) restoreColour(ctx context.Context, c traffic.Colour, taskDef string, desired int32) error {
	if err := r.scaleColour(ctx, c, taskDef, desired, true); err != nil {
		return err
	}
	hc := r.Env.BlueGreen.HealthCheck
	budget := time.Duration(max(hc.Retries, 1)) * hc.Interval.Duration
	rep, err := traffic.WaitTargetsHealthy(ctx, r.elb, c.TargetGroupArn, int(desired),
		traffic.WaitOptions{Clock: r.clock, Timeout: budget, Interval: min(hc.Interval.Duration, defaultGatePoll), Out: prefixed(r)})
	if err != nil {
		return err
	}
	r.Printf("    target health of %s: %s", c.Name, rep)
	return nil
}

// scaleColour points a colour's service at taskDef with desired tasks
// (skipping the call when it already is) and, if wait, waits until stable.
func (r *Run) scaleColour(ctx context.Context, c traffic.Colour, taskDef string, desired int32, wait bool) error {
	cur, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, []string{c.Service})
	if err != nil {
		return err
	}
	svc := cur[c.Service]
	before := manifest.ServiceChange{Service: c.Service, Cluster: r.Env.Cluster,
		TaskDefinitionBefore: aws.ToString(svc.TaskDefinition), DesiredCountBefore: svc.DesiredCount}
	since := r.now()
	updated := before.TaskDefinitionBefore != taskDef || svc.DesiredCount != desired
	if updated {
		if _, err := r.ecs.UpdateService(ctx, &awsecs.UpdateServiceInput{Cluster: aws.String(r.Env.Cluster), Service: aws.String(c.Service),
			TaskDefinition: aws.String(taskDef), DesiredCount: aws.Int32(desired)}); err != nil {
			return fmt.Errorf("ecs UpdateService %s -> %s x%d: %w", c.Service, shortARN(taskDef), desired, err)
		}
		r.Printf("    %s: %s x%d -> %s x%d", c.Service, shortARN(before.TaskDefinitionBefore), svc.DesiredCount, shortARN(taskDef), desired)
	} else {
		r.Printf("    %s already runs %s x%d", c.Service, shortARN(taskDef), desired)
	}
	r.serviceChange(c.Service, func(sc *manifest.ServiceChange) {
		sc.TaskDefinitionBefore, sc.DesiredCountBefore = before.TaskDefinitionBefore, before.DesiredCountBefore
		sc.TaskDefinitionAfter, sc.DesiredCountAfter = taskDef, desired
	})
	if !wait {
		return nil
	}
	if updated {
		r.rolloutStarted(since, c.Service)
	}
	return r.waitRollouts(ctx, ecs.WaitOptions{Cluster: r.Env.Cluster, Services: []string{c.Service},
		Expect: map[string]string{c.Service: taskDef}, Timeout: r.Env.Timeouts.Deploy.Duration, Poll: r.Env.Timeouts.Poll.Duration,
		Out: r.Out, Since: since})
}
