package lock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Options tune Acquire.
type Options struct {
	// TTL is how long the lock stays valid without a heartbeat (default
	// DefaultTTL); the heartbeat renews it every TTL/3.
	TTL time.Duration
	// Wait is how long to wait for a held lock (0: fail at once).
	Wait time.Duration
	// Poll is the interval between tries while waiting (default DefaultPoll).
	Poll time.Duration
	// Out receives the lines the lock prints (taking over an expired lock,
	// waiting, a lost heartbeat).
	Out io.Writer
}

// Lock is a held lock. Release it on every exit path (defer); Lost is closed
// if a heartbeat finds the lock was taken from this holder.
type Lock struct {
	store *Store
	info  Info
	ttl   time.Duration
	out   io.Writer

	mu      sync.Mutex
	etag    string
	lost    chan struct{}
	lostErr error
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	// tookOver is the expired holder this lock was taken from, if any.
	tookOver *Info
}

// Acquire takes the lock for info (Environment, Owner, Operation, SHA,
// RunURL; StartedAt and ExpiresAt are set here) and starts its heartbeat.
// A lock held by another live holder is a *HeldError, at once or after
// opts.Wait; an expired one is taken over with a line naming its holder.
func (s *Store) Acquire(ctx context.Context, info Info, opts Options) (*Lock, error) {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	start := time.Now()
	announced := false
	for {
		info.StartedAt = s.now()
		info.ExpiresAt = info.StartedAt.Add(opts.TTL)
		etag, err := s.put(ctx, info, "")
		if err == nil {
			return s.held(info, etag, opts), nil
		}
		if !lostRace(err) {
			return nil, fmt.Errorf("taking the lock %s: %w", s.Where(), err)
		}
		holder, holderTag, err := s.Status(ctx)
		if err != nil {
			return nil, err
		}
		if holder == nil {
			continue // released between our put and our read
		}
		if !s.now().Before(holder.ExpiresAt) {
			etag, err := s.put(ctx, info, holderTag)
			if err == nil {
				fmt.Fprintf(opts.Out, "lock: took over the expired lock of %s on %s\n", holder, info.Environment)
				l := s.held(info, etag, opts)
				l.tookOver = holder
				return l, nil
			}
			if !lostRace(err) {
				return nil, fmt.Errorf("taking over the lock %s: %w", s.Where(), err)
			}
			continue // someone else renewed or took it first: look again
		}
		waited := time.Since(start)
		if waited >= opts.Wait {
			held := &HeldError{Environment: info.Environment, Holder: *holder}
			if opts.Wait > 0 {
				held.Waited = waited.Round(time.Millisecond)
			}
			return nil, held
		}
		if !announced {
			fmt.Fprintf(opts.Out, "lock: %s is held by %s; waiting up to %s\n", info.Environment, holder, opts.Wait)
			announced = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(opts.Poll, opts.Wait-waited)):
		}
	}
}

func (s *Store) held(info Info, etag string, opts Options) *Lock {
	l := &Lock{store: s, info: info, ttl: opts.TTL, out: opts.Out, etag: etag,
		lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go l.heartbeat()
	return l
}

// Info is what the lock object says about this holder.
func (l *Lock) Info() Info {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.info
}

// TookOver is the holder whose expired lock Acquire took over (nil: the
// lock was free). Its run died: its Release record is left to close.
func (l *Lock) TookOver() *Info { return l.tookOver }

// Lost is closed when a heartbeat found the lock taken from this holder.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Err says why the lock was lost (nil while held).
func (l *Lock) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lostErr
}

// heartbeat renews the expiry every TTL/3 with If-Match on the last ETag;
// a lost race means another holder has the lock now. Transient errors are
// retried at the next beat (the TTL leaves room for two misses).
func (l *Lock) heartbeat() {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		info, etag := l.info, l.etag
		l.mu.Unlock()
		info.ExpiresAt = l.store.now().Add(l.ttl)
		newTag, err := l.store.put(context.Background(), info, etag)
		l.mu.Lock()
		switch {
		case err == nil:
			l.info, l.etag = info, newTag
		case lostRace(err):
			l.lostErr = fmt.Errorf("the lock on %s was taken from this run (renewing %s: %v)", info.Environment, l.store.Where(), err)
			fmt.Fprintf(l.out, "lock: %v\n", l.lostErr)
			close(l.lost)
			l.mu.Unlock()
			return
		default:
			fmt.Fprintf(l.out, "lock: renewing %s failed, retrying: %v\n", l.store.Where(), err)
		}
		l.mu.Unlock()
	}
}

// Release stops the heartbeat and deletes the lock if this holder still
// has it. It ignores ctx's cancellation (a cancelled run must still
// release), bounded by the S3 call timeout. Calling it twice is harmless.
func (l *Lock) Release(ctx context.Context) error {
	var err error
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		etag, lost := l.etag, l.lostErr != nil
		l.mu.Unlock()
		if lost {
			return
		}
		err = l.store.delete(context.WithoutCancel(ctx), etag)
		if lostRace(err) {
			err = errors.New("the lock was no longer this run's: " + err.Error())
		}
	})
	return err
}
