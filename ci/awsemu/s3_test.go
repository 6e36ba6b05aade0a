package awsemu

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func newS3Client(te *testEnv) *s3.Client {
	return s3.NewFromConfig(te.srv.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestS3ConditionalWritesThroughSDK(t *testing.T) {
	te := newTestEnv(t, Timing{})
	c := newS3Client(te)
	ctx := te.ctx
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("nope"), Key: aws.String("k"), Body: strings.NewReader("x")}); apiCode(err) != "NoSuchBucket" {
		t.Fatalf("put to missing bucket: %v", err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("state")}); err != nil {
		t.Fatal(err)
	}
	put := func(body string, mod func(*s3.PutObjectInput)) (*s3.PutObjectOutput, error) {
		in := &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String("locks/prod.json"), Body: bytes.NewReader([]byte(body)), ContentType: aws.String("application/json")}
		if mod != nil {
			mod(in)
		}
		return c.PutObject(ctx, in)
	}
	first, err := put(`{"owner":"a"}`, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
	if err != nil || aws.ToString(first.ETag) == "" {
		t.Fatalf("first create: %v %+v", err, first)
	}
	_, err = put(`{"owner":"b"}`, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
	var re *awshttp.ResponseError
	if apiCode(err) != "PreconditionFailed" || !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusPreconditionFailed || re.ServiceRequestID() == "" {
		t.Fatalf("second create: want 412 PreconditionFailed with a request id, got %v", err)
	}
	if _, err := put(`{"owner":"a","n":2}`, func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"0123"`) }); apiCode(err) != "PreconditionFailed" {
		t.Fatalf("If-Match wrong etag: %v", err)
	}
	renewed, err := put(`{"owner":"a","n":2}`, func(in *s3.PutObjectInput) { in.IfMatch = first.ETag })
	if err != nil || aws.ToString(renewed.ETag) == aws.ToString(first.ETag) {
		t.Fatalf("If-Match right etag: %v", err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("state"), Key: aws.String("locks/prod.json")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	if string(b) != `{"owner":"a","n":2}` || aws.ToString(got.ETag) != aws.ToString(renewed.ETag) || aws.ToString(got.ContentType) != "application/json" {
		t.Fatalf("get: %q %s %s", b, aws.ToString(got.ETag), aws.ToString(got.ContentType))
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("state"), Key: aws.String("locks/prod.json")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(b)) {
		t.Fatalf("head: %v %+v", err, head)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("state"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("get missing: want NoSuchKey, got %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("state"), Key: aws.String("missing")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("head missing: want NotFound, got %v", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("state"), Key: aws.String("locks/prod.json"), IfMatch: first.ETag}); apiCode(err) != "PreconditionFailed" {
		t.Fatalf("delete with stale etag: %v", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("state"), Key: aws.String("locks/prod.json"), IfMatch: renewed.ETag}); err != nil {
		t.Fatal(err)
	}
	if _, err := put(`{"owner":"b"}`, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }); err != nil {
		t.Fatalf("create after delete: %v", err)
	}
	want := map[string]int{"s3.PutObject": 6, "s3.GetObject": 2, "s3.HeadObject": 2, "s3.DeleteObject": 2, "s3.CreateBucket": 1}
	for a, n := range want {
		if got := te.srv.CountCalls(a); got != n {
			t.Errorf("%s: %d calls logged, want %d", a, got, n)
		}
	}
	for _, call := range te.srv.Calls() {
		if call.Action == "HeadObject" && call.Mutating {
			t.Errorf("HeadObject logged as mutating")
		}
	}
}

func TestS3ListObjectsV2Pages(t *testing.T) {
	te := newTestEnv(t, Timing{})
	c := newS3Client(te)
	te.srv.CreateBucket("state")
	for _, k := range []string{"p/releases/b", "p/releases/a", "p/releases/c", "p/lock", "other"} {
		if _, err := c.PutObject(te.ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("state"), Prefix: aws.String("p/releases/"), MaxKeys: aws.Int32(2)})
	n := 0
	for pages.HasMorePages() {
		out, err := pages.NextPage(te.ctx)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
			if aws.ToInt64(o.Size) != int64(len(aws.ToString(o.Key))) || aws.ToString(o.ETag) == "" {
				t.Errorf("object %+v", o)
			}
		}
	}
	if strings.Join(keys, ",") != "p/releases/a,p/releases/b,p/releases/c" || n != 2 {
		t.Fatalf("listed %v in %d pages", keys, n)
	}
	if _, err := c.ListObjectsV2(te.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("none")}); apiCode(err) != "NoSuchBucket" {
		t.Fatalf("list missing bucket: %v", err)
	}
}
