package awsemu

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// s3State holds the buckets. Every op runs under the emulator lock.
type s3State struct {
	e       *Emulator
	buckets map[string]*s3Bucket
}

type s3Bucket struct {
	created time.Time
	objects map[string]*s3Object
}

type s3Object struct {
	body         []byte
	etag         string // quoted hex MD5, as S3 sends it
	contentType  string
	lastModified time.Time
}

func newS3(e *Emulator) *s3State { return &s3State{e: e, buckets: map[string]*s3Bucket{}} }

// CreateBucket makes an empty bucket directly (for seeding and tests).
func (e *Emulator) CreateBucket(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.s3.buckets[name] == nil {
		e.s3.buckets[name] = &s3Bucket{created: e.clock.Now(), objects: map[string]*s3Object{}}
	}
}

// readS3Body reads a request body, decoding the SDK's aws-chunked framing
// (used with trailing checksums) when present.
func readS3Body(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, clientError("IncompleteBody", "reading body: %v", err)
	}
	if !strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		return b, nil
	}
	var out []byte
	for len(b) > 0 {
		line, rest, ok := strings.Cut(string(b), "\r\n")
		if !ok {
			break
		}
		sizeHex, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || n < 0 || int(n) > len(rest) {
			return nil, clientError("InvalidRequest", "malformed aws-chunked body")
		}
		if n == 0 {
			break
		}
		out = append(out, rest[:n]...)
		b = []byte(strings.TrimPrefix(rest[n:], "\r\n"))
	}
	return out, nil
}

func s3NoSuchBucket(bucket string) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
}

func s3NoSuchKey() *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist."}
}

func s3PreconditionFailed() *APIError {
	return &APIError{Status: http.StatusPreconditionFailed, Code: "PreconditionFailed", Message: "At least one of the pre-conditions you specified did not hold"}
}

// etagMatches compares an If-Match value ("*", quoted or bare) with an ETag.
func etagMatches(cond, etag string) bool {
	for _, c := range strings.Split(cond, ",") {
		c = strings.TrimSpace(c)
		if c == "*" || strings.Trim(c, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

func (s *s3State) op(action, bucket, key string, r *http.Request, body []byte) (*s3Response, error) {
	if action == "CreateBucket" {
		if s.buckets[bucket] != nil {
			return nil, &APIError{Status: http.StatusConflict, Code: "BucketAlreadyOwnedByYou", Message: "Your previous request to create the named bucket succeeded and you already own it."}
		}
		s.buckets[bucket] = &s3Bucket{created: s.e.clock.Now(), objects: map[string]*s3Object{}}
		return &s3Response{headers: map[string]string{"Location": "/" + bucket}}, nil
	}
	b := s.buckets[bucket]
	if b == nil {
		return nil, s3NoSuchBucket(bucket)
	}
	obj := b.objects[key]
	switch action {
	case "HeadBucket":
		return &s3Response{}, nil
	case "ListObjectsV2":
		return s.list(bucket, b, r)
	case "PutObject":
		if r.Header.Get("If-None-Match") == "*" && obj != nil {
			return nil, s3PreconditionFailed()
		}
		if m := r.Header.Get("If-Match"); m != "" {
			if obj == nil {
				return nil, s3NoSuchKey()
			}
			if !etagMatches(m, obj.etag) {
				return nil, s3PreconditionFailed()
			}
		}
		sum := md5.Sum(body)
		n := &s3Object{body: body, etag: `"` + hex.EncodeToString(sum[:]) + `"`, contentType: r.Header.Get("Content-Type"), lastModified: s.e.clock.Now().UTC()}
		if n.contentType == "" {
			n.contentType = "binary/octet-stream"
		}
		b.objects[key] = n
		return &s3Response{headers: map[string]string{"ETag": n.etag}}, nil
	case "GetObject", "HeadObject":
		if obj == nil {
			return nil, s3NoSuchKey()
		}
		if m := r.Header.Get("If-Match"); m != "" && !etagMatches(m, obj.etag) {
			return nil, s3PreconditionFailed()
		}
		h := map[string]string{"ETag": obj.etag, "Content-Type": obj.contentType,
			"Last-Modified": obj.lastModified.Format(http.TimeFormat), "Accept-Ranges": "bytes"}
		if action == "HeadObject" {
			h["Content-Length"] = strconv.Itoa(len(obj.body))
			return &s3Response{headers: h}, nil
		}
		return &s3Response{headers: h, body: append([]byte{}, obj.body...)}, nil
	case "DeleteObject":
		if m := r.Header.Get("If-Match"); m != "" {
			if obj == nil {
				return nil, s3NoSuchKey()
			}
			if !etagMatches(m, obj.etag) {
				return nil, s3PreconditionFailed()
			}
		}
		delete(b.objects, key) // deleting a missing key succeeds, as in S3
		return &s3Response{status: http.StatusNoContent}, nil
	}
	return nil, &APIError{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: action + " is not implemented by this emulator"}
}

type s3Contents struct {
	Key          string
	LastModified string
	ETag         string
	Size         int
	StorageClass string
}

type s3ListResult struct {
	XMLName               xml.Name `xml:"ListBucketResult"`
	Xmlns                 string   `xml:"xmlns,attr"`
	Name                  string
	Prefix                string
	StartAfter            string `xml:",omitempty"`
	ContinuationToken     string `xml:",omitempty"`
	NextContinuationToken string `xml:",omitempty"`
	KeyCount              int
	MaxKeys               int
	IsTruncated           bool
	Contents              []s3Contents
}

// list answers ListObjectsV2: keys in UTF-8 binary order after StartAfter or
// the continuation token (the last key returned), at most max-keys of them.
func (s *s3State) list(name string, b *s3Bucket, r *http.Request) (*s3Response, error) {
	q := r.URL.Query()
	max := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, clientError("InvalidArgument", "max-keys %q is not a non-negative integer", v)
		}
		if n < max {
			max = n
		}
	}
	prefix, after := q.Get("prefix"), q.Get("start-after")
	if tok := q.Get("continuation-token"); tok != "" {
		after = tok
	}
	var keys []string
	for k := range b.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	res := s3ListResult{Xmlns: s3Namespace, Name: name, Prefix: prefix, StartAfter: q.Get("start-after"), ContinuationToken: q.Get("continuation-token"), MaxKeys: max}
	if len(keys) > max {
		keys = keys[:max]
		res.IsTruncated = true
		if max > 0 {
			res.NextContinuationToken = keys[max-1]
		}
	}
	for _, k := range keys {
		o := b.objects[k]
		res.Contents = append(res.Contents, s3Contents{Key: k, LastModified: o.lastModified.Format("2006-01-02T15:04:05.000Z"), ETag: o.etag, Size: len(o.body), StorageClass: "STANDARD"})
	}
	res.KeyCount = len(res.Contents)
	return &s3Response{xml: res}, nil
}
