package lock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/internal/motoserver"
	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
	"github.com/bitflow-lms/pipeline/ci/lock"
)

// backend is one S3 implementation the lock runs against; calls counts
// answered S3 calls of an action where the backend records them (-1: unknown).
type backend struct {
	cfg   aws.Config
	calls func(action string) int
}

func emulator(t *testing.T) backend {
	srv := emutest.Start(t, awsemu.Options{})
	srv.CreateBucket("state")
	return backend{cfg: srv.AWSConfig(), calls: func(a string) int { return srv.CountCalls("s3." + a) }}
}

func moto(t *testing.T) backend {
	cfg := motoserver.AWSConfig(motoserver.Start(t))
	if _, err := awsx.S3(cfg).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("state")}); err != nil {
		t.Fatal(err)
	}
	return backend{cfg: cfg, calls: func(string) int { return -1 }}
}

// forEachBackend runs the lock tests against the emulator and moto_server.
func forEachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	t.Run("emulator", func(t *testing.T) { test(t, emulator(t)) })
	t.Run("moto", func(t *testing.T) { test(t, moto(t)) })
}

func store(b backend) *lock.Store {
	return &lock.Store{Client: awsx.S3(b.cfg), Bucket: "state", Prefix: "production"}
}

func info(owner string) lock.Info {
	return lock.Info{Environment: "production", Owner: owner, Operation: "deploy", SHA: "abc1234", RunURL: "https://ci.example/runs/1"}
}

func TestSecondTakerFailsNamingTheHolder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := store(b)
		first, err := s.Acquire(ctx, info("alice@laptop"), lock.Options{})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = s.Acquire(ctx, info("bob@ci"), lock.Options{})
		var held *lock.HeldError
		if !errors.As(err, &held) || held.Holder.Owner != "alice@laptop" || !strings.Contains(err.Error(), "locked by alice@laptop (deploy of abc1234") {
			t.Fatalf("second taker: %v", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("second taker took %s: it must fail at once", time.Since(start))
		}
		if n := b.calls("PutObject"); n != -1 && n != 2 {
			t.Errorf("%d PutObject calls, want 2 (one create each)", n)
		}
		got, _, err := s.Status(ctx)
		if err != nil || got == nil || got.Owner != "alice@laptop" || got.SHA != "abc1234" || got.RunURL == "" || !got.ExpiresAt.After(got.StartedAt) {
			t.Fatalf("status: %v %+v", err, got)
		}
		if err := first.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _, err := s.Status(ctx); err != nil || got != nil {
			t.Fatalf("after release: %v %+v", err, got)
		}
		second, err := s.Acquire(ctx, info("bob@ci"), lock.Options{})
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		second.Release(ctx)
	})
}

func TestWaitForLock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := store(b)
		first, err := s.Acquire(ctx, info("alice@laptop"), lock.Options{})
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(400*time.Millisecond, func() { first.Release(ctx) })
		var out syncbuf.Buffer
		second, err := s.Acquire(ctx, info("bob@ci"), lock.Options{Wait: 10 * time.Second, Poll: 100 * time.Millisecond, Out: &out})
		if err != nil {
			t.Fatalf("waiting: %v", err)
		}
		defer second.Release(ctx)
		if !strings.Contains(out.String(), "held by alice@laptop") || !strings.Contains(out.String(), "waiting up to 10s") {
			t.Errorf("wait message: %q", out.String())
		}
		// A bounded wait on a held lock ends in HeldError naming the wait.
		_, err = s.Acquire(ctx, info("carol@ci"), lock.Options{Wait: 300 * time.Millisecond, Poll: 100 * time.Millisecond})
		var held *lock.HeldError
		if !errors.As(err, &held) || held.Holder.Owner != "bob@ci" || held.Waited < 300*time.Millisecond {
			t.Fatalf("bounded wait: %v", err)
		}
	})
}

func TestHeartbeatRenewsAndStaleLockIsTakenOver(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := store(b)
		ttl := 600 * time.Millisecond
		live, err := s.Acquire(ctx, info("alice@laptop"), lock.Options{TTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		firstExpiry := live.Info().ExpiresAt
		time.Sleep(3 * ttl) // three TTLs: only the heartbeat keeps it alive
		if _, err := s.Acquire(ctx, info("bob@ci"), lock.Options{TTL: ttl}); err == nil {
			t.Fatal("a heartbeated lock was taken over")
		}
		got, _, _ := s.Status(ctx)
		if got == nil || !got.ExpiresAt.After(firstExpiry) {
			t.Fatalf("expiry not renewed: %+v (first %s)", got, firstExpiry)
		}
		live.Release(ctx)

		// A dead holder: its lock object stays, expired.
		dead := info("dead@host")
		dead.StartedAt = time.Now().Add(-time.Hour)
		dead.ExpiresAt = time.Now().Add(-time.Minute)
		body, _ := json.Marshal(dead)
		if _, err := s.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String(s.Key()), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
		var out syncbuf.Buffer
		taker, err := s.Acquire(ctx, info("bob@ci"), lock.Options{TTL: ttl, Out: &out})
		if err != nil {
			t.Fatalf("taking over a stale lock: %v", err)
		}
		if !strings.Contains(out.String(), "took over the expired lock of dead@host") {
			t.Errorf("takeover message: %q", out.String())
		}
		// Breaking it (lock release) names the holder; bob's heartbeat then finds it lost.
		broke, err := s.Release(ctx)
		if err != nil || broke == nil || broke.Owner != "bob@ci" {
			t.Fatalf("break: %v %+v", err, broke)
		}
		carol, err := s.Acquire(ctx, info("carol@ci"), lock.Options{TTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		defer carol.Release(ctx)
		select {
		case <-taker.Lost():
			if !strings.Contains(taker.Err().Error(), "taken from this run") {
				t.Errorf("lost error: %v", taker.Err())
			}
		case <-time.After(5 * ttl):
			t.Fatal("the heartbeat did not notice the lock was taken")
		}
		taker.Release(ctx) // must not delete carol's lock
		if got, _, _ := s.Status(ctx); got == nil || got.Owner != "carol@ci" {
			t.Fatalf("after the loser released: %+v", got)
		}
	})
}

func TestOwner(t *testing.T) {
	env := map[string]string{"GITHUB_RUN_ID": "42", "GITHUB_REPOSITORY": "bitflow-lms/pipeline", "GITHUB_SERVER_URL": "https://github.com"}
	owner, run := lock.Owner(func(k string) string { return env[k] })
	if owner != "https://github.com/bitflow-lms/pipeline/actions/runs/42" || run != owner {
		t.Errorf("CI owner %q %q", owner, run)
	}
	owner, run = lock.Owner(func(k string) string { return map[string]string{"USER": "alice"}[k] })
	if !strings.HasPrefix(owner, "alice@") || run != "" {
		t.Errorf("local owner %q %q", owner, run)
	}
}
