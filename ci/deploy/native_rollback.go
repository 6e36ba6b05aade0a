package deploy

import (
	"context"
	"sync"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// restoreNative undoes a finished native release: each named service is
// redeployed with the task definition it ran before, through the same
// native strategy (ECS moves the traffic back step by step; the pauses are
// continued without gates, since the revision returning is the one that
// was serving), and it waits until every service deployment succeeded.
func (r *Run) restoreNative(ctx context.Context, orig *manifest.Manifest, names []string) error {
	s := &Native{name: orig.Strategy, env: r.Env, restore: true}
	var list []*nativeService
	if err := r.Stage(ctx, StageRestoreServices, func(ctx context.Context) error {
		back, err := r.servicesToRestore(ctx, orig, names)
		if err != nil {
			return err
		}
		for _, b := range back {
			cfg, _ := r.Env.NativeFor(b.name)
			if !config.IsNative(cfg.Strategy) {
				cfg.Strategy = orig.Strategy
			}
			ns, err := resolveNative(ctx, r, &Target{Service: b.name, Current: &b.current}, cfg, "")
			if err != nil {
				return err
			}
			ns.prevTD = b.to
			r.Printf("    %s: %s -> %s through %s", b.name, shortARN(b.from), shortARN(b.to), cfg.Strategy)
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
	// Every redeploy is followed at once: one followed after another would
	// leave the others' PAUSE hooks unanswered until ECS times them out and
	// rolls the rollback back.
	return r.Stage(ctx, StageWaitServices, func(ctx context.Context) error {
		var mu sync.Mutex
		var errs []error
		var wg sync.WaitGroup
		for _, ns := range list {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.watch(ctx, r, ns, false); err != nil {
					r.rolloutEndedWhy(ns.t.Service, rolloutResult(ctx, err), err.Error())
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return groupServiceErrors(len(list), errs)
	})
}
