// Package ledger is an environment's release ledger in S3: every deploy and
// rollback writes its release record (the manifest, schema-versioned) under
// <prefix>/releases/ at every stage, so a run that dies still leaves a
// record. The ledger is the source of truth for rollback (what to undo, and
// whether a hand-carried manifest is genuine) and for the delivery metrics.
package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// callTimeout bounds every S3 call of the ledger.
const callTimeout = 20 * time.Second

// Ledger reads and writes the release records of one environment.
type Ledger struct {
	Client *s3.Client
	Bucket string
	Prefix string
}

// New is the ledger at an environment's state location.
func New(client *s3.Client, st config.State) *Ledger {
	return &Ledger{Client: client, Bucket: st.Bucket, Prefix: st.Prefix}
}

// Key is where a record lives: <prefix>/releases/<start time>-<id>.json, so
// that keys sort by start time.
func (l *Ledger) Key(m *manifest.Manifest) string {
	return path.Join(l.Prefix, "releases", m.StartedAt.UTC().Format("20060102T150405.000Z")+"-"+m.ID+".json")
}

// Where names a record, s3://bucket/key.
func (l *Ledger) Where(m *manifest.Manifest) string { return "s3://" + l.Bucket + "/" + l.Key(m) }

// Put writes (or rewrites) a release record at Key(m).
func (l *Ledger) Put(ctx context.Context, m *manifest.Manifest) error {
	return l.PutAt(ctx, l.Key(m), m)
}

// PutAt writes a release record at key: a run keeps the key of its first
// record even if its ID changes (a rollback learns what it undoes later).
func (l *Ledger) PutAt(ctx context.Context, key string, m *manifest.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err = l.Client.PutObject(cctx, &s3.PutObjectInput{Bucket: aws.String(l.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(b), ContentType: aws.String("application/json")})
	if err != nil {
		return fmt.Errorf("writing the release record s3://%s/%s: %w", l.Bucket, key, err)
	}
	return nil
}

// List reads every release record, oldest first.
func (l *Ledger) List(ctx context.Context) (History, error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(l.Client, &s3.ListObjectsV2Input{Bucket: aws.String(l.Bucket), Prefix: aws.String(path.Join(l.Prefix, "releases") + "/")})
	for pages.HasMorePages() {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		out, err := pages.NextPage(cctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("listing the ledger s3://%s/%s/releases/: %w", l.Bucket, l.Prefix, err)
		}
		for _, o := range out.Contents {
			if k := aws.ToString(o.Key); strings.HasSuffix(k, ".json") {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	var out History
	for _, k := range keys {
		m, err := l.get(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	return out, nil
}

func (l *Ledger) get(ctx context.Context, key string) (*manifest.Manifest, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := l.Client.GetObject(cctx, &s3.GetObjectInput{Bucket: aws.String(l.Bucket), Key: aws.String(key)})
	var nsk *s3types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, fmt.Errorf("release record s3://%s/%s: gone", l.Bucket, key)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the release record s3://%s/%s: %w", l.Bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, err
	}
	m, err := manifest.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", l.Bucket, key, err)
	}
	return m, nil
}
