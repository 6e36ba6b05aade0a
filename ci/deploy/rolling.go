package deploy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// Rolling updates every target service at once and waits until all are
// stable (ECS rolling update with the deployment circuit breaker), then
// checks the environment's health URLs.
type Rolling struct{}

// Name is "rolling".
func (Rolling) Name() string { return config.StrategyRolling }

// Prepare keeps the targets as configured (each service is its own source).
func (Rolling) Prepare(ctx context.Context, run *Run) error { return nil }

// Deploy runs the stages deploy (UpdateService for every target,
// concurrently), wait (all stable) and health (if URLs are configured).
// Each service's rollout (UpdateService to stable or failed) is recorded.
func (Rolling) Deploy(ctx context.Context, run *Run) error {
	var updates []ecs.ServiceUpdate
	expect := map[string]string{}
	var names []string
	for _, t := range run.Targets {
		if t.NewTaskDefinitionArn == "" {
			return fmt.Errorf("service %s has no rendered task definition", t.Service)
		}
		updates = append(updates, ecs.ServiceUpdate{Service: t.Service, TaskDefinition: t.NewTaskDefinitionArn})
		expect[t.Service] = t.NewTaskDefinitionArn
		names = append(names, t.Service)
	}
	since := run.now()
	var moved []string
	if err := run.Stage(ctx, StageDeploy, func(ctx context.Context) error {
		done, err := ecs.UpdateServices(ctx, run.ecs, run.Env.Cluster, updates)
		moved = done
		run.rolloutStarted(since, done...)
		for _, s := range done {
			run.Printf("    %s: deployment of %s started", s, shortARN(expect[s]))
		}
		return err
	}); err != nil {
		return run.revertRolling(ctx, moved, err)
	}
	if err := run.Stage(ctx, StageWait, func(ctx context.Context) error {
		return run.waitRollouts(ctx, ecs.WaitOptions{
			Cluster: run.Env.Cluster, Services: names, Expect: expect,
			Timeout: run.Env.Timeouts.Deploy.Duration, Poll: run.Env.Timeouts.Poll.Duration,
			Out: run.Out, Since: since,
		})
	}); err != nil {
		return run.revertRolling(ctx, moved, err)
	}
	if len(run.Env.Health.URLs) == 0 {
		run.Skip(StageHealth, "no health.urls in "+run.Env.File)
		return nil
	}
	return run.Stage(ctx, StageHealth, func(ctx context.Context) error {
		return run.checkURLs(ctx, run.Env.Health.URLs, 5, 2*time.Second)
	})
}

// StageRevert moves the services a failed rolling release already moved
// back to their previous task definitions.
const StageRevert = "revert"

// revertRolling leaves no half-done rolling release: when a service failed,
// every service this release moved goes back to the task definition it ran
// before, and the run waits until they are stable. The error says what was
// reverted (ErrRolledBack: outcome rolled_back), or why reverting failed.
// A cancelled run (SIGINT) is not reverted: rollback --env undoes it.
func (r *Run) revertRolling(ctx context.Context, moved []string, cause error) error {
	if ctx.Err() != nil || len(moved) == 0 {
		return cause
	}
	var updates []ecs.ServiceUpdate
	expect := map[string]string{}
	for _, s := range moved {
		if c := changeOf(r.Manifest, s); c != nil && c.TaskDefinitionBefore != "" {
			updates = append(updates, ecs.ServiceUpdate{Service: s, TaskDefinition: c.TaskDefinitionBefore})
			expect[s] = c.TaskDefinitionBefore
		}
	}
	r.Printf("    moving the %d service(s) this release moved back to their previous task definitions", len(updates))
	since := r.now()
	err := r.Stage(ctx, StageRevert, func(ctx context.Context) error {
		if _, err := ecs.UpdateServices(ctx, r.ecs, r.Env.Cluster, updates); err != nil {
			return err
		}
		var names []string
		for _, u := range updates {
			names = append(names, u.Service)
			r.serviceChange(u.Service, func(sc *manifest.ServiceChange) { sc.TaskDefinitionAfter = u.TaskDefinition })
		}
		_, err := ecs.WaitStable(ctx, r.ecs, ecs.WaitOptions{Clock: r.clock, Cluster: r.Env.Cluster, Services: names, Expect: expect,
			Timeout: r.Env.Timeouts.Deploy.Duration, Poll: r.Env.Timeouts.Poll.Duration, Out: r.Out, Since: since})
		return err
	})
	if err != nil {
		return fmt.Errorf("%w; reverting the moved services failed too: %v (rollback --env %s retries it)", cause, err, r.Env.Name)
	}
	return fmt.Errorf("%w: %w; the %d service(s) it moved run their previous task definitions again", ErrRolledBack, cause, len(updates))
}

// checkURLs GETs every URL until it answers 2xx, up to tries times spaced by
// interval on the run's clock; it fails naming every URL that never did.
func (r *Run) checkURLs(ctx context.Context, urls []string, tries int, interval time.Duration) error {
	client := &http.Client{Timeout: 10 * time.Second}
	var errs []error
	for _, u := range urls {
		var last string
		ok := false
		for i := 0; i < tries && !ok; i++ {
			if i > 0 {
				if err := r.clock.Sleep(ctx, interval); err != nil {
					return err
				}
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				last = err.Error()
				continue
			}
			resp.Body.Close()
			last = resp.Status
			ok = resp.StatusCode >= 200 && resp.StatusCode < 300
		}
		r.Printf("    %s: %s", u, last)
		if !ok {
			errs = append(errs, fmt.Errorf("%s not healthy after %d tries: %s", u, tries, last))
		}
	}
	return errors.Join(errs...)
}
