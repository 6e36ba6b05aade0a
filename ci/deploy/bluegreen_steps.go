package deploy

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

func itoa(i int) string { return strconv.Itoa(i) }

// serviceChange finds or adds the manifest entry of a service, applies f
// and saves the manifest.
func (r *Run) serviceChange(service string, f func(*manifest.ServiceChange)) {
	r.mu.Lock()
	f(r.serviceEntry(service))
	r.mu.Unlock()
	r.Save()
}

// serviceEntry finds or adds the manifest entry of a service; the caller
// holds r.mu.
func (r *Run) serviceEntry(service string) *manifest.ServiceChange {
	for i := range r.Manifest.Services {
		if r.Manifest.Services[i].Service == service {
			return &r.Manifest.Services[i]
		}
	}
	r.Manifest.Services = append(r.Manifest.Services, manifest.ServiceChange{Service: service, Cluster: r.Env.Cluster})
	return &r.Manifest.Services[len(r.Manifest.Services)-1]
}

// recordBefore writes both colours' real state before anything changes, so
// that rollback can restore them from the manifest alone: the idle colour's
// own task definition and count (render recorded the live colour's as its
// base) and the live colour's count.
func (s *Colours) recordBefore(ctx context.Context, run *Run) error {
	svcs, err := ecs.DescribeServices(ctx, run.ecs, run.Env.Cluster, []string{s.live.Service, s.idle.Service})
	if err != nil {
		return err
	}
	for _, c := range []traffic.Colour{s.live, s.idle} {
		svc := svcs[c.Service]
		run.serviceChange(c.Service, func(sc *manifest.ServiceChange) {
			sc.TaskDefinitionBefore = aws.ToString(svc.TaskDefinition)
			sc.DesiredCountBefore = svc.DesiredCount
			if c == s.live {
				sc.TaskDefinitionAfter = aws.ToString(svc.TaskDefinition)
				sc.DesiredCountAfter = svc.DesiredCount
			}
		})
	}
	return nil
}

// deployIdle updates the idle colour to the new task definition with the
// live colour's task count and waits until it is stable.
func (s *Colours) deployIdle(ctx context.Context, run *Run, taskDef string, desired int32) error {
	since := run.now()
	if err := run.Stage(ctx, StageDeployIdle, func(ctx context.Context) error {
		_, err := ecs.UpdateServices(ctx, run.ecs, run.Env.Cluster, []ecs.ServiceUpdate{{Service: s.idle.Service, TaskDefinition: taskDef, DesiredCount: aws.Int32(desired)}})
		if err != nil {
			return err
		}
		run.serviceChange(s.idle.Service, func(sc *manifest.ServiceChange) {
			sc.TaskDefinitionAfter, sc.DesiredCountAfter = taskDef, desired
		})
		run.rolloutStarted(since, s.idle.Service)
		run.Printf("    %s: deployment of %s with %d tasks started", s.idle.Service, shortARN(taskDef), desired)
		return nil
	}); err != nil {
		return err
	}
	return run.Stage(ctx, StageWaitIdle, func(ctx context.Context) error {
		return run.waitRollouts(ctx, ecs.WaitOptions{Cluster: run.Env.Cluster, Services: []string{s.idle.Service},
			Expect: map[string]string{s.idle.Service: taskDef}, Timeout: run.Env.Timeouts.Deploy.Duration,
			Poll: run.Env.Timeouts.Poll.Duration, Out: run.Out, Since: since})
	})
}

// gate checks the idle colour before it gets any traffic: the test listener
// (if configured) is pointed at it, every target must be healthy (at least
// desired of them), and the HTTP check against the test URL must pass.
func (s *Colours) gate(ctx context.Context, run *Run, desired int32) error {
	bg := run.Env.BlueGreen
	hc := bg.HealthCheck
	if bg.TestListenerArn != "" {
		test := newRouter(run.elb, bg)
		test.ListenerArn, test.RuleArn = bg.TestListenerArn, ""
		if err := test.SwitchTo(ctx, s.idle); err != nil {
			return fmt.Errorf("pointing the test listener at %s: %w", s.idle.Name, err)
		}
		run.Printf("    test listener %s -> %s", shortARN(bg.TestListenerArn), s.idle.Name)
	}
	budget := time.Duration(max(hc.Retries, 1)) * hc.Interval.Duration
	poll := min(hc.Interval.Duration, defaultGatePoll)
	rep, err := traffic.WaitTargetsHealthy(ctx, run.elb, s.idle.TargetGroupArn, int(desired), traffic.WaitOptions{Clock: run.clock, Timeout: budget, Interval: poll, Out: prefixed(run)})
	if err != nil {
		return err
	}
	run.Printf("    target health of %s: %s", s.idle.Name, rep)
	if bg.TestURL == "" {
		run.Printf("    no blueGreen.testUrl in %s: no HTTP check before the switch (target health gated it)", run.Env.File)
		return nil
	}
	check := traffic.HTTPCheck{Clock: run.clock, URL: joinURL(bg.TestURL, hc.Path), Status: hc.Status, Retries: hc.Retries, Interval: hc.Interval.Duration, Timeout: defaultProbeTiming}
	return check.Wait(ctx, prefixed(run))
}

// deployOthers rolls the non-colour services (frontends) to their new task
// definitions once the backend colour is live and baked; if they do not
// become stable they are pointed back at their previous task definitions.
func (s *Colours) deployOthers(ctx context.Context, run *Run) error {
	var updates, reverts []ecs.ServiceUpdate
	expect := map[string]string{}
	var names []string
	for _, t := range run.Targets {
		if t.Role == config.RoleBackend && t.Service == s.idle.Service {
			continue
		}
		if t.NewTaskDefinitionArn == "" {
			return fmt.Errorf("service %s has no rendered task definition", t.Service)
		}
		updates = append(updates, ecs.ServiceUpdate{Service: t.Service, TaskDefinition: t.NewTaskDefinitionArn})
		reverts = append(reverts, ecs.ServiceUpdate{Service: t.Service, TaskDefinition: aws.ToString(t.Current.TaskDefinition)})
		expect[t.Service] = t.NewTaskDefinitionArn
		names = append(names, t.Service)
	}
	if len(updates) == 0 {
		return nil
	}
	since := run.now()
	if err := run.Stage(ctx, StageDeployOthers, func(ctx context.Context) error {
		done, err := ecs.UpdateServices(ctx, run.ecs, run.Env.Cluster, updates)
		run.rolloutStarted(since, done...)
		return err
	}); err != nil {
		return err
	}
	err := run.Stage(ctx, StageWaitOthers, func(ctx context.Context) error {
		return run.waitRollouts(ctx, ecs.WaitOptions{Cluster: run.Env.Cluster, Services: names, Expect: expect,
			Timeout: run.Env.Timeouts.Deploy.Duration, Poll: run.Env.Timeouts.Poll.Duration, Out: run.Out, Since: since})
	})
	if err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), switchBackTimeout)
		defer cancel()
		if _, rerr := ecs.UpdateServices(rctx, run.ecs, run.Env.Cluster, reverts); rerr != nil {
			run.Warn("reverting %v to their previous task definitions: %v", names, rerr)
		} else {
			run.Printf("    %v pointed back at their previous task definitions", names)
		}
	}
	return err
}

// scaleDownOld scales the old colour to blueGreen.scaleDownTo after a good
// bake (kept running for a fast rollback) and records it.
func (s *Colours) scaleDownOld(ctx context.Context, run *Run) error {
	to := int32(1)
	if p := run.Env.BlueGreen.ScaleDownTo; p != nil {
		to = *p
	}
	return run.Stage(ctx, StageScaleDownOld, func(ctx context.Context) error {
		if _, err := run.ecs.UpdateService(ctx, &awsecs.UpdateServiceInput{Cluster: aws.String(run.Env.Cluster),
			Service: aws.String(s.live.Service), DesiredCount: aws.Int32(to)}); err != nil {
			return fmt.Errorf("ecs UpdateService %s desiredCount %d: %w", s.live.Service, to, err)
		}
		run.serviceChange(s.live.Service, func(sc *manifest.ServiceChange) { sc.DesiredCountAfter = to })
		run.mu.Lock()
		run.Manifest.Traffic.OldColourScaledTo = aws.Int32(to)
		run.mu.Unlock()
		run.Save()
		run.Printf("    %s (%s) scaled to %d, kept for rollback", s.live.Name, s.live.Service, to)
		return nil
	})
}

// prefixed indents progress lines of helpers under the current stage.
func prefixed(run *Run) *linePrefixer { return &linePrefixer{run: run} }

type linePrefixer struct{ run *Run }

func (p *linePrefixer) Write(b []byte) (int, error) {
	_, err := fmt.Fprintf(p.run.Out, "    %s", b)
	return len(b), err
}

// joinURL appends path to base with exactly one slash between them.
func joinURL(base, path string) string {
	if path == "" {
		return base
	}
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	if path[0] != '/' {
		path = "/" + path
	}
	return base + path
}
