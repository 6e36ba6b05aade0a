package deploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/internal/causes"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// nothingToUndo refuses a rollback of a release that no longer runs
// anywhere: every service it changed runs what it ran before (ECS rolled
// it back, its own revert did, or someone else did). Doing nothing is not
// a success, so it says what reverted the release and when (grouped by
// cause), what is live, and which release can be undone next.
func (r *Run) nothingToUndo(ctx context.Context, orig *manifest.Manifest, reverted []revertedService) error {
	var items []causes.Item
	for _, rs := range reverted {
		cause := r.howReverted(ctx, rs.release, rs.name)
		if rs.release != orig {
			cause = fmt.Sprintf("back on what it ran before the older release %s (%s, %s): %s", rs.release.ID, rs.release.Strategy, rs.release.Outcome, cause)
		}
		items = append(items, causes.Item{Service: rs.name, Cause: cause})
	}
	msg := fmt.Sprintf("nothing to undo: release %s (%s, %s, git %s, started %s by %s) no longer runs: %s",
		orig.ID, orig.Strategy, orig.Outcome, shortSHA(orig.GitSHA), orig.StartedAt.UTC().Format(time.RFC3339), orUnknown(orig.StartedBy),
		causes.Group(items, len(reverted)))
	if live := r.history.LiveRelease(); live != nil {
		msg += fmt.Sprintf("; live: release %s (git %s, %s)", live.ID, shortSHA(live.GitSHA), live.Strategy)
	} else {
		msg += "; live: what ran before it (no release in the ledger succeeded)"
	}
	// The services run what ran before the oldest release they were put
	// back past: that one and every newer one are not live either.
	floor := orig
	for _, rs := range reverted {
		if rs.release.StartedAt.Before(floor.StartedAt) {
			floor = rs.release
		}
	}
	if next := r.undoableBefore(floor); next != nil {
		msg += fmt.Sprintf("; the release before it, %s (git %s, %s, %s), can be undone with: bitflow-deploy rollback --env %s --release %s",
			next.ID, shortSHA(next.GitSHA), next.Strategy, next.Outcome, r.Env.Name, next.ID)
	} else {
		msg += "; no older release in the ledger to undo"
	}
	return refused("%s", msg)
}

// clockMinute is how a message about several services says when: to the
// minute, so that what ECS did to 15 services within it groups as one.
const clockMinute = "15:04Z"

// howReverted says what put service back on the task definition it ran
// before orig, and when: ECS's rollback of orig's service deployment (a
// native strategy), orig's own revert stage, a rollback in the ledger, or
// nothing known (changed outside bitflow-deploy).
func (r *Run) howReverted(ctx context.Context, orig *manifest.Manifest, service string) string {
	sc := changeOf(orig, service)
	for i := len(sc.ServiceDeployments) - 1; i >= 0; i-- {
		d := sc.ServiceDeployments[i]
		if d.Rollback || r.necs == nil {
			continue
		}
		sd, err := describeDeployment(ctx, r.necs, d.Arn)
		if err != nil {
			return "runs its revision from before it again (its service deployment could not be read: " + err.Error() + ")"
		}
		if sd.Status == ecstypes.ServiceDeploymentStatusSuccessful {
			break // it went live; something later put the old revision back
		}
		f := &NativeFailure{Service: service, Status: sd.Status, Reason: stringOr(sd.StatusReason), At: endedAt(sd)}
		if sd.Alarms != nil {
			f.Alarms = sd.Alarms.TriggeredAlarmNames
		}
		return f.cause()
	}
	for _, name := range []string{StageRevert, StageRollbackOthers} {
		if st := orig.Stage(name); st != nil && st.Status == manifest.StageSucceeded {
			return fmt.Sprintf("put back by the release's own %s stage at %s", name, st.FinishedAt.UTC().Format(clockMinute))
		}
	}
	if rb := r.history.UndoneBy(orig.ID); rb != nil {
		return fmt.Sprintf("undone by rollback %s at %s", rb.ID, rb.FinishedAt.UTC().Format(clockMinute))
	}
	return "runs its revision from before it again, put back by no release in the ledger (ECS, or a change outside bitflow-deploy)"
}

// undoableBefore is the newest deploy older than orig that a rollback
// could undo next (not undone, not refused), or nil.
func (r *Run) undoableBefore(orig *manifest.Manifest) *manifest.Manifest {
	d := r.history.Deploys()
	for i := len(d) - 1; i >= 0; i-- {
		m := d[i]
		if !m.StartedAt.Before(orig.StartedAt) || m.ID == orig.ID || m.Outcome == manifest.OutcomeRefused || r.history.UndoneBy(m.ID) != nil {
			continue
		}
		return m
	}
	return nil
}

func stringOr(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}
