package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// newNative builds a native strategy for an environment with a native section.
func newNative(env *config.Environment, name string) (*Native, error) {
	if env == nil || env.Native == nil {
		return nil, fmt.Errorf("strategy %s needs a native section in the environment config", name)
	}
	return &Native{name: name, env: env}, nil
}

// nativeELBAPI is the ELBv2 API of the native strategies: the gates' and
// the rule lookup's, with target groups by name.
type nativeELBAPI interface {
	traffic.ELBAPI
	traffic.TargetGroupsAPI
}

// Stage names of the native strategies.
const (
	StageRollbackOthers = "rollback-others" // the release failed: every other service back to its previous revision
)

// Native runs ECS's own BLUE_GREEN, LINEAR and CANARY deployments (the
// per-service strategy comes from the native section), all services at
// once: ECS scales the new revision up in the alternate target group and
// moves the listener rules' weights, the toolkit answers each PAUSE hook
// after its gates (ContinueServiceDeployment, or StopServiceDeployment with
// ROLLBACK), and ECS rolls back on its own when a hook times out (the runner
// died) or an alarm fires. If any service rolls back, the release fails and
// the others are rolled back too.
type Native struct {
	name      string
	env       *config.Environment
	waitUntil string
	services  []*nativeService
	// restore is a rollback run's redeploy of previous revisions: its
	// ungated deployments are the run's rollouts (in a deploy run they are
	// the undoing of the release's, which keeps its own record).
	restore bool
}

// Name is native-bluegreen, native-linear or native-canary.
func (s *Native) Name() string { return s.name }

// Prepare describes every service and resolves its target groups, listener
// rules and the deployment settings to send (read-only); each target's
// DeploymentDiff shows what changes in the service's settings.
func (s *Native) Prepare(ctx context.Context, run *Run) error {
	if err := ValidateWaitUntil(run.WaitUntil); err != nil {
		return err
	}
	s.waitUntil = run.WaitUntil
	var names []string
	for _, t := range run.Targets {
		names = append(names, t.Service)
	}
	cur, err := ecs.DescribeServices(ctx, run.ecs, run.Env.Cluster, names)
	if err != nil {
		return err
	}
	s.services = nil
	for _, t := range run.Targets {
		c := cur[t.Service]
		t.Current = &c
		cfg, _ := run.Env.NativeFor(t.Service)
		ns, err := resolveNative(ctx, run, t, cfg, s.waitUntil)
		if err != nil {
			return err
		}
		before := ecs.ServiceDeploymentSettings{DeploymentConfiguration: c.DeploymentConfiguration, LoadBalancers: c.LoadBalancers}
		after := ecs.ServiceDeploymentSettings{DeploymentConfiguration: ecs.MergeDeploymentConfiguration(c.DeploymentConfiguration, ns.settings.DeploymentConfiguration),
			LoadBalancers: ns.settings.LoadBalancers}
		if t.DeploymentDiff, err = ecs.DeploymentDiff(t.Service, before, after); err != nil {
			return err
		}
		run.Printf("    %s: %s, new revision into target group %s, production rule %s, test rule %s", t.Service, cfg.Strategy,
			tgName(ns.greenTG), shortARN(ns.prodRule), orNone(shortARN(ns.testRule)))
		s.services = append(s.services, ns)
	}
	return nil
}

// tgName is the name in a target group ARN ("targetgroup/<name>/<id>").
func tgName(arn string) string {
	if _, after, ok := strings.Cut(arn, ":targetgroup/"); ok {
		name, _, _ := strings.Cut(after, "/")
		return name
	}
	return arn
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Deploy starts every service deployment (stage deploy), follows them all
// with the gates (stage wait), rolls the others back if one fails (stage
// rollback-others), and checks the health URLs (stage health).
func (s *Native) Deploy(ctx context.Context, run *Run) error {
	for _, ns := range s.services {
		if ns.t.NewTaskDefinitionArn == "" {
			return fmt.Errorf("service %s has no rendered task definition", ns.t.Service)
		}
	}
	if err := run.Stage(ctx, StageDeploy, func(ctx context.Context) error { return s.start(ctx, run, s.services, true) }); err != nil {
		s.stopAll(ctx, run, s.services)
		return err
	}
	var failed error
	if err := run.Stage(ctx, StageWait, func(ctx context.Context) error {
		failed = s.watchAll(ctx, run, s.services)
		return failed
	}); err != nil {
		if ctx.Err() != nil {
			s.stopAll(ctx, run, s.services)
			return err
		}
		if rerr := run.Stage(ctx, StageRollbackOthers, func(ctx context.Context) error { return s.rollbackOthers(ctx, run) }); rerr != nil {
			return errors.Join(err, rerr)
		}
		return fmt.Errorf("%w: %w", ErrRolledBack, err)
	}
	if len(run.Env.Health.URLs) == 0 {
		run.Skip(StageHealth, "no health.urls in "+run.Env.File)
		return nil
	}
	return run.Stage(ctx, StageHealth, func(ctx context.Context) error {
		return run.checkURLs(ctx, run.Env.Health.URLs, 5, 2*time.Second)
	})
}

// start sends UpdateService (task definition, deployment configuration,
// load balancers) for each service and records its service deployment.
// next false redeploys the previous task definition (a rollback).
func (s *Native) start(ctx context.Context, run *Run, list []*nativeService, next bool) error {
	for _, ns := range list {
		td := ns.t.NewTaskDefinitionArn
		if !next {
			td = ns.prevTD
		}
		since := run.clock.Now()
		_, err := run.necs.UpdateService(ctx, &awsecs.UpdateServiceInput{Cluster: aws.String(run.Env.Cluster), Service: aws.String(ns.t.Service),
			TaskDefinition: aws.String(td), DeploymentConfiguration: ns.settings.DeploymentConfiguration, LoadBalancers: ns.settings.LoadBalancers})
		if err != nil {
			return fmt.Errorf("UpdateService %s: %w", ns.t.Service, err)
		}
		if ns.arn, err = latestDeployment(ctx, run, ns.t.Service, since); err != nil {
			return err
		}
		run.serviceChange(ns.t.Service, func(c *manifest.ServiceChange) {
			c.ServiceDeployments = append(c.ServiceDeployments, manifest.ServiceDeployment{Arn: ns.arn, TaskDefinition: td, Rollback: !next})
		})
		if next || s.restore {
			run.rolloutStarted(since, ns.t.Service)
		}
		run.Printf("    %s: service deployment %s of %s started", ns.t.Service, shortARN(ns.arn), shortARN(td))
	}
	return nil
}

// watchAll follows every deployment at once; the first failure stops the
// others being watched (their rollback is rollbackOthers'), and the error
// joins every failure.
func (s *Native) watchAll(ctx context.Context, run *Run, list []*nativeService) error {
	wctx, cancel := context.WithTimeout(ctx, s.budget(run))
	defer cancel()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, ns := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.watch(wctx, run, ns, true)
			if err != nil {
				run.rolloutEndedWhy(ns.t.Service, rolloutResult(ctx, err), err.Error())
			}
			if err == nil || errors.Is(err, context.Canceled) && ctx.Err() == nil {
				return
			}
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				err = &serviceError{ns.t.Service, fmt.Sprintf("not done within %s", s.budget(run))}
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			cancel()
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return groupServiceErrors(len(list), errs)
}

// budget bounds waiting: the deploy timeout plus every bake ECS waits.
func (s *Native) budget(run *Run) time.Duration {
	n := run.Env.Native
	steps := 1
	if n.Linear.StepPercent > 0 {
		steps = int(100/n.Linear.StepPercent) + 1
	} else {
		steps = 10
	}
	return run.Env.Timeouts.Deploy.Duration + n.Bake.Duration + time.Duration(steps)*n.Linear.StepBake.Duration + n.Canary.Bake.Duration
}

// stopAll asks ECS to roll back every deployment still running, on a
// context that outlives a cancelled run (SIGINT).
func (s *Native) stopAll(ctx context.Context, run *Run, list []*nativeService) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), switchBackTimeout)
	defer cancel()
	for _, ns := range list {
		if ns.arn == "" {
			continue
		}
		sd, err := describeDeployment(sctx, run.necs, ns.arn)
		if err != nil || !running(sd.Status) {
			continue
		}
		if err := stopRollback(sctx, run.necs, ns.arn); err != nil {
			run.Warn("%v", err)
			continue
		}
		run.Printf("    %s: StopServiceDeployment(ROLLBACK) sent", ns.t.Service)
	}
}

func running(st ecstypes.ServiceDeploymentStatus) bool {
	return st == ecstypes.ServiceDeploymentStatusPending || st == ecstypes.ServiceDeploymentStatusInProgress
}

// rollbackOthers brings every service of the release back to its previous
// revision: a deployment still running is stopped with ROLLBACK, one that
// succeeded is redeployed with its previous task definition through the
// same strategy (its pauses continued without gates), and it waits until
// ECS reports each rollback done.
func (s *Native) rollbackOthers(ctx context.Context, run *Run) error {
	ctx = context.WithoutCancel(ctx)
	var redeploy []*nativeService
	var errs []error
	for _, ns := range s.services {
		if ns.arn == "" {
			continue
		}
		sd, err := describeDeployment(ctx, run.necs, ns.arn)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case running(sd.Status):
			if err := stopRollback(ctx, run.necs, ns.arn); err != nil {
				errs = append(errs, err)
			} else {
				run.Printf("    %s: StopServiceDeployment(ROLLBACK) sent", ns.t.Service)
			}
		case sd.Status == ecstypes.ServiceDeploymentStatusSuccessful:
			redeploy = append(redeploy, ns)
		}
	}
	if len(redeploy) > 0 {
		if err := s.start(ctx, run, redeploy, false); err != nil {
			return errors.Join(append(errs, err)...)
		}
		for _, ns := range redeploy {
			if err := s.watch(ctx, run, ns, false); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, ns := range s.services {
		if ns.arn != "" {
			if err := waitSettled(ctx, run, ns); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// waitSettled waits until ECS has finished with a deployment (success or
// a finished rollback).
func waitSettled(ctx context.Context, run *Run, ns *nativeService) error {
	deadline := run.clock.Now().Add(run.Env.Timeouts.Deploy.Duration)
	for run.clock.Now().Before(deadline) {
		sd, err := describeDeployment(ctx, run.necs, ns.arn)
		if err != nil {
			return err
		}
		switch sd.Status {
		case ecstypes.ServiceDeploymentStatusSuccessful, ecstypes.ServiceDeploymentStatusRollbackSuccessful, ecstypes.ServiceDeploymentStatusStopped:
			run.Printf("    %s: %s", ns.t.Service, sd.Status)
			return nil
		case ecstypes.ServiceDeploymentStatusRollbackFailed:
			return fmt.Errorf("%s: rollback failed: %s", ns.t.Service, aws.ToString(sd.StatusReason))
		}
		if err := run.clock.Sleep(ctx, run.Env.Timeouts.Poll.Duration); err != nil {
			return err
		}
	}
	return fmt.Errorf("%s: service deployment %s not settled within %s", ns.t.Service, shortARN(ns.arn), run.Env.Timeouts.Deploy.Duration)
}
