package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/lock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// StageLock takes the environment lock and opens the release record in the
// ledger; nothing in the account changes before it has succeeded.
const StageLock = "lock"

// State are the options of the environment lock and ledger (used when the
// environment names a state location).
type State struct {
	// Owner is who starts the run (user@host or the CI run URL; default lock.Owner).
	Owner string
	// RunURL is the CI run, if any.
	RunURL string
	// LockWait is how long to wait for a held lock (0: fail at once).
	LockWait time.Duration
	// LockTTL is the lock's expiry without heartbeat (default lock.DefaultTTL).
	LockTTL time.Duration
	// LockPoll is the interval between tries while waiting (default lock.DefaultPoll).
	LockPoll time.Duration
	// CommitTime is when the release's commit was made, if known (lead time).
	CommitTime *time.Time
}

// openState takes the lock for operation and reads the ledger: it sets who
// started the run, what it replaces, and writes the first record. Without
// a state location it says that the run has neither lock nor ledger. The
// returned context is cancelled if the lock is lost while the run goes on.
func (r *Run) openState(ctx context.Context, operation string) (context.Context, error) {
	st := r.state
	if r.Env.State == nil {
		r.Skip(StageLock, "no state: {bucket, prefix} in "+r.Env.File+": this run takes no lock and writes no ledger")
		return ctx, nil
	}
	client := awsx.S3(r.cfg)
	lg := ledger.New(client, *r.Env.State)
	store := &lock.Store{Client: client, Bucket: r.Env.State.Bucket, Prefix: r.Env.State.Prefix, Now: r.now}
	lctx, cancel := context.WithCancelCause(ctx)
	err := r.Stage(ctx, StageLock, func(ctx context.Context) error {
		lk, err := store.Acquire(ctx, lock.Info{Environment: r.Env.Name, Owner: st.Owner, Operation: operation,
			SHA: r.Manifest.GitSHA, RunURL: st.RunURL, Release: r.Manifest.ID}, lock.Options{TTL: st.LockTTL, Wait: st.LockWait, Poll: st.LockPoll, Out: r.Out})
		if err != nil {
			return err
		}
		r.lock = lk
		r.Printf("    locked %s for %s (%s)", r.Env.Name, st.Owner, store.Where())
		go func() {
			select {
			case <-lk.Lost():
				cancel(lk.Err())
			case <-lctx.Done():
			}
		}()
		h, err := lg.List(ctx)
		if err != nil {
			return err
		}
		r.closeAbandoned(ctx, lg, h, lk.TookOver())
		r.history = h
		r.mu.Lock()
		if live := h.LiveRelease(); live != nil {
			r.Manifest.Replaces = live.ID
		}
		r.mu.Unlock()
		snap := r.snapshot()
		if err := lg.Put(ctx, snap); err != nil {
			return err
		}
		r.ledger, r.ledgerKey = lg, lg.Key(snap) // from here on every Save also writes the record
		return nil
	})
	if err != nil {
		cancel(err)
		return ctx, err
	}
	r.cancelState = cancel
	return lctx, nil
}

// closeState releases the lock (also when ctx was cancelled: SIGINT).
func (r *Run) closeState(ctx context.Context) {
	if r.cancelState != nil {
		r.cancelState(nil)
	}
	if r.lock == nil {
		return
	}
	if err := r.lock.Release(ctx); err != nil {
		r.Warn("releasing the lock of %s: %v", r.Env.Name, err)
		return
	}
	r.Printf("    released the lock of %s", r.Env.Name)
}

// snapshot copies the manifest for writing outside the run's lock.
func (r *Run) snapshot() *manifest.Manifest {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *r.Manifest
	cp.Stages = append([]manifest.Stage(nil), r.Manifest.Stages...)
	cp.Services = append([]manifest.ServiceChange(nil), r.Manifest.Services...)
	return &cp
}

// saveLedger writes the record to the ledger (a failure is a warning: the
// next stage writes it again, and the local manifest has it).
func (r *Run) saveLedger() {
	if r.ledger == nil {
		return
	}
	if err := r.ledger.PutAt(context.Background(), r.ledgerKey, r.snapshot()); err != nil {
		r.Warn("%v", err)
	}
}

// lockCause turns a context cancelled because the lock was lost into that error.
func lockCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return fmt.Errorf("%w (%v)", err, cause)
	}
	return err
}

// StageCredentials checks that the AWS credentials outlive the run's worst case.
const StageCredentials = "credentials"

// checkCredentials refuses a run whose credentials expire before its worst
// case (config.WorstCase: every timeout used up, plus the lock wait), naming
// both numbers, so that a deploy never loses its credentials half-way.
func (r *Run) checkCredentials(ctx context.Context) error {
	return r.Stage(ctx, StageCredentials, func(ctx context.Context) error {
		if r.cfg.Credentials == nil {
			return nil
		}
		creds, err := r.cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return fmt.Errorf("AWS credentials: %w", err)
		}
		worst := r.Env.WorstCase(r.state.LockWait)
		if !creds.CanExpire {
			r.Printf("    credentials do not expire; worst case of this run %s", worst)
			return nil
		}
		left := creds.Expires.Sub(r.now())
		if left < worst {
			return fmt.Errorf("the AWS credentials expire in %s (at %s), but this %s run of %s can take %s when every timeout is used (%s); request a longer session (role-duration-seconds >= %d) or shorten the timeouts",
				left.Round(time.Second), creds.Expires.UTC().Format(time.RFC3339), r.Env.Strategy, r.Env.Name, worst, r.Env.File, int(worst.Seconds()))
		}
		r.Printf("    credentials expire in %s; worst case of this run %s", left.Round(time.Second), worst)
		return nil
	})
}
