package deploy

import (
	"context"
	"errors"
	"time"

	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// rolloutStarted records in the manifest that the run's deployment of each
// service started at (when its UpdateService was sent), then saves it once.
func (r *Run) rolloutStarted(at time.Time, services ...string) {
	if len(services) == 0 {
		return
	}
	r.mu.Lock()
	for _, s := range services {
		r.serviceEntry(s).Rollout = &manifest.Rollout{StartedAt: at.UTC()}
	}
	r.mu.Unlock()
	r.Save()
}

// rolloutEnded records, now, how a service's started rollout ended. Only
// the first end counts: a later one (the wait's error after the service
// was already seen failing) changes nothing.
func (r *Run) rolloutEnded(service string, result manifest.RolloutResult) {
	r.rolloutEndedWhy(service, result, "")
}

// rolloutEndedWhy is rolloutEnded with the service's own reason (failed or
// stopped), kept in the manifest per service.
func (r *Run) rolloutEndedWhy(service string, result manifest.RolloutResult, reason string) {
	r.mu.Lock()
	var changed bool
	for i := range r.Manifest.Services {
		ro := r.Manifest.Services[i].Rollout
		if r.Manifest.Services[i].Service == service && ro != nil && !ro.Ended() {
			ro.FinishedAt, ro.Result, ro.Reason, changed = r.now(), result, scrub.Secrets(reason), true
		}
	}
	r.mu.Unlock()
	if changed {
		r.Save()
	}
}

// waitRollouts is ecs.WaitStable for services whose rollouts started: each
// ends stable or failed the poll it is seen so; when the wait fails, those
// still open end failed (the wait timed out) or stopped (another service
// failed, or the run was cancelled).
func (r *Run) waitRollouts(ctx context.Context, o ecs.WaitOptions) error {
	o.Clock = r.clock
	o.OnState = func(st ecs.ServiceState) {
		switch {
		case st.Failure != "":
			r.rolloutEndedWhy(st.Service, manifest.RolloutFailed, st.Failure)
		case st.Stable:
			r.rolloutEnded(st.Service, manifest.RolloutStable)
		}
	}
	_, err := ecs.WaitStable(ctx, r.ecs, o)
	if err != nil {
		rest := manifest.RolloutStopped
		if ctx.Err() == nil && ecs.IsTimeout(err) {
			rest = manifest.RolloutFailed
		}
		why := "the wait stopped: " + err.Error()
		if rest == manifest.RolloutFailed {
			why = "not stable within " + o.Timeout.String()
		} else if ctx.Err() == nil {
			why = "another service failed"
		}
		for _, s := range o.Services {
			r.rolloutEndedWhy(s, rest, why)
		}
	}
	return err
}

// rolloutResult is how a native deployment's watch error ends its rollout:
// stopped when the run was cancelled or another service's failure ended the
// watch, failed otherwise.
func rolloutResult(ctx context.Context, err error) manifest.RolloutResult {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return manifest.RolloutStopped
	}
	return manifest.RolloutFailed
}
