package awsemu

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

// S3 (REST-XML, path-style addressing: /<bucket>/<key>) is recognised by the
// service in the request's SigV4 credential scope. Each op returns an
// s3Response; errors are *APIError with S3's codes (NoSuchKey, NoSuchBucket,
// PreconditionFailed) rendered as S3's <Error> document.

// s3Namespace is the xmlns of S3's response documents.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Response is what an S3 op answers: status, headers and a body (raw bytes,
// or a value encoded as XML).
type s3Response struct {
	status  int
	headers map[string]string
	body    []byte
	xml     any
}

// signingService reads the service of a SigV4 Authorization header
// ("Credential=AKID/20260101/us-east-1/s3/aws4_request"), or "".
func signingService(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// s3Operations are the S3 operations s3Action recognises.
var s3Operations = []string{"CreateBucket", "HeadBucket", "ListObjectsV2", "PutObject", "GetObject", "HeadObject", "DeleteObject"}

// s3Action names the S3 operation of a path-style request.
func s3Action(r *http.Request, bucket, key string) string {
	q := r.URL.Query()
	switch {
	case key == "" && r.Method == http.MethodGet && q.Get("list-type") == "2":
		return "ListObjectsV2"
	case key == "" && r.Method == http.MethodPut:
		return "CreateBucket"
	case key == "" && r.Method == http.MethodHead:
		return "HeadBucket"
	case key == "":
		return ""
	case r.Method == http.MethodPut:
		return "PutObject"
	case r.Method == http.MethodGet:
		return "GetObject"
	case r.Method == http.MethodHead:
		return "HeadObject"
	case r.Method == http.MethodDelete:
		return "DeleteObject"
	}
	return ""
}

func (e *Emulator) serveS3(w http.ResponseWriter, r *http.Request) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	action := s3Action(r, bucket, key)
	body, rerr := readS3Body(r)
	if action != "" {
		noteOperation(r, "s3", action, "rest-xml")
	}
	out, err := e.dispatch("s3", action, func() (any, error) {
		if rerr != nil {
			return nil, rerr
		}
		if action == "" || bucket == "" {
			return nil, &APIError{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: r.Method + " " + r.URL.RequestURI() + " is not implemented by this emulator"}
		}
		if err := validateS3Request(action, r, body); err != nil {
			return nil, err
		}
		return e.s3.op(action, bucket, key, r, body)
	})
	reqID := strings.ToUpper(newID(8))
	w.Header().Del("X-Amzn-RequestId") // S3 sends only its own: botocore reads x-amzn-RequestId first and would report another id than the <Error>'s
	w.Header().Set("x-amz-request-id", reqID)
	w.Header().Set("x-amz-id-2", newID(24))
	if ae, ok := err.(*APIError); ok && ae.Code == "ThrottlingException" {
		ae.Status, ae.Code = http.StatusServiceUnavailable, "SlowDown" // S3's throttling answer
	}
	if err != nil {
		writeS3Error(w, r, err, bucket, key, reqID)
		return
	}
	resp := out.(*s3Response)
	for k, v := range resp.headers {
		w.Header().Set(k, v)
	}
	b := resp.body
	if resp.xml != nil {
		x, merr := xml.Marshal(resp.xml)
		if merr != nil {
			writeS3Error(w, r, merr, bucket, key, reqID)
			return
		}
		b = append([]byte(xml.Header), x...)
		w.Header().Set("Content-Type", "application/xml")
	}
	if resp.status == 0 {
		resp.status = http.StatusOK
	}
	if w.Header().Get("Content-Length") == "" { // HEAD: the op sets the object's length
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// s3Error is S3's error document.
type s3Error struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string
	Message    string
	BucketName string `xml:",omitempty"`
	Key        string `xml:",omitempty"`
	Condition  string `xml:",omitempty"`
	RequestId  string
	HostId     string
}

func writeS3Error(w http.ResponseWriter, r *http.Request, err error, bucket, key, reqID string) {
	ae, ok := err.(*APIError)
	if !ok {
		ae = &APIError{Status: http.StatusInternalServerError, Code: "InternalError", Message: err.Error()}
	}
	doc := s3Error{Code: ae.Code, Message: ae.Message, RequestId: reqID, HostId: w.Header().Get("x-amz-id-2")}
	switch ae.Code {
	case "NoSuchBucket":
		doc.BucketName = bucket
	case "NoSuchKey":
		doc.Key = key
	case "PreconditionFailed":
		doc.Condition = conditionHeader(r)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(ae.Status)
	if r.Method == http.MethodHead {
		return // HEAD answers carry no body: the SDK sees only the status
	}
	b, _ := xml.Marshal(doc)
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

func conditionHeader(r *http.Request) string {
	if r.Header.Get("If-None-Match") != "" {
		return "If-None-Match"
	}
	return "If-Match"
}
