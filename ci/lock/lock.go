// Package lock is the per-environment deploy lock: one S3 object taken with
// a conditional PutObject (If-None-Match: *), as Terraform's S3 backend
// locks its state. The object holds who took it (user@host or the CI run
// URL), the sha, the run URL, when, and an expiry that a heartbeat renews
// (PutObject If-Match on the lock's ETag) while the holder lives. A second
// taker fails at once naming the holder, or waits; a lock whose holder died
// (expiry passed) is taken over, saying whose it was.
package lock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// Defaults of Options.
const (
	DefaultTTL  = 2 * time.Minute
	DefaultPoll = 5 * time.Second
	// callTimeout bounds every S3 call of the lock.
	callTimeout = 20 * time.Second
)

// Info is the content of a lock object.
type Info struct {
	Environment string `json:"environment"`
	Owner       string `json:"owner"`            // user@host, or the CI run URL
	Operation   string `json:"operation"`        // deploy | rollback | migrate
	SHA         string `json:"sha,omitempty"`    // the release being deployed or undone
	RunURL      string `json:"runUrl,omitempty"` // CI run that holds it, if any
	// Release is the ID of the holder's release record in the ledger, so
	// that a run taking over an expired lock can close that record.
	Release   string    `json:"release,omitempty"`
	StartedAt time.Time `json:"startedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// String names the holder for messages: "alice@laptop (deploy of abc1234,
// since 19:01:02Z, expires 19:03:02Z)".
func (i Info) String() string {
	s := i.Owner
	what := i.Operation
	if i.SHA != "" {
		what += " of " + i.SHA
	}
	s += fmt.Sprintf(" (%s, since %s, expires %s", what, i.StartedAt.UTC().Format(time.RFC3339), i.ExpiresAt.UTC().Format(time.RFC3339))
	if i.RunURL != "" && i.RunURL != i.Owner {
		s += ", run " + i.RunURL
	}
	return s + ")"
}

// Store reaches the lock objects of one state location.
type Store struct {
	Client *s3.Client
	Bucket string
	// Prefix is the environment's state prefix; the lock is <Prefix>/lock.json.
	Prefix string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Key is the lock object's key.
func (s *Store) Key() string { return path.Join(s.Prefix, "lock.json") }

// Where names the lock object, s3://bucket/key.
func (s *Store) Where() string { return "s3://" + s.Bucket + "/" + s.Key() }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// HeldError is returned when another holder has the lock.
type HeldError struct {
	Environment string
	Holder      Info
	Waited      time.Duration
}

func (e *HeldError) Error() string {
	msg := fmt.Sprintf("environment %s is locked by %s", e.Environment, e.Holder)
	if e.Waited > 0 {
		msg += fmt.Sprintf("; waited %s", e.Waited)
	} else {
		msg += "; wait for it with --wait-for-lock DURATION"
	}
	return msg + "; if that run is dead, bitflow-deploy lock release --env " + e.Environment + " breaks it"
}

// Status reads the lock: nil Info when nobody holds it.
func (s *Store) Status(ctx context.Context) (*Info, string, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := s.Client.GetObject(cctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(s.Key())})
	if isStatus(err, http.StatusNotFound) && errorCode(err) != "NoSuchBucket" {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading the lock %s: %w", s.Where(), err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", fmt.Errorf("reading the lock %s: %w", s.Where(), err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, "", fmt.Errorf("the lock %s is not a lock document: %w", s.Where(), err)
	}
	return &info, aws.ToString(out.ETag), nil
}

// Release breaks the lock whoever holds it (the stand-alone "lock release"
// verb) and returns the holder it broke (nil: nobody held it).
func (s *Store) Release(ctx context.Context) (*Info, error) {
	info, etag, err := s.Status(ctx)
	if err != nil || info == nil {
		return info, err
	}
	if err := s.delete(ctx, etag); err != nil {
		return nil, err
	}
	return info, nil
}

// put writes info; etag "" means create-only (If-None-Match: *), otherwise
// replace only that version (If-Match). It returns the new ETag.
func (s *Store) put(ctx context.Context, info Info, etag string) (string, error) {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return "", err
	}
	in := &s3.PutObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(s.Key()), Body: bytes.NewReader(b), ContentType: aws.String("application/json")}
	if etag == "" {
		in.IfNoneMatch = aws.String("*")
	} else {
		in.IfMatch = aws.String(etag)
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := s.Client.PutObject(cctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

func (s *Store) delete(ctx context.Context, etag string) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := s.Client.DeleteObject(cctx, &s3.DeleteObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(s.Key()), IfMatch: aws.String(etag)})
	if err != nil {
		return fmt.Errorf("deleting the lock %s: %w", s.Where(), err)
	}
	return nil
}

// lostRace is true for the answers of a conditional write that lost:
// 412 PreconditionFailed, 409 ConditionalRequestConflict, or 404 when the
// object went away under an If-Match.
func lostRace(err error) bool {
	return isStatus(err, http.StatusPreconditionFailed) || isStatus(err, http.StatusConflict) || errorCode(err) == "NoSuchKey"
}

func isStatus(err error, status int) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == status
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
