package awsemu

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Exchange is one answered AWS API request as it went over the wire, for
// observers such as the model-conformance checks of emutest.
type Exchange struct {
	Service       string // ecs, ecr, logs, elbv2, sts, s3, cloudwatch ("" if the request named no known operation)
	Operation     string // e.g. DescribeServices
	Protocol      string // json, query, rest-xml (S3), cbor (CloudWatch's Smithy RPC v2 CBOR)
	Method        string // the request's HTTP method
	URL           string // the request's URI (path and query, as sent)
	RequestHeader http.Header
	Request       []byte // the request body
	Status        int
	Header        http.Header // the response headers
	Response      []byte      // the response body
}

type exchangeKey struct{}

// noteOperation tells the wire layer which operation a request named.
func noteOperation(r *http.Request, service, operation, protocol string) {
	if x, ok := r.Context().Value(exchangeKey{}).(*Exchange); ok {
		x.Service, x.Operation, x.Protocol = service, operation, protocol
	}
}

// bufferedWriter holds a response until the handler is done, so that every
// answer goes out with Content-Length (never chunked) in one write.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// ServeHTTP answers one request: it is routed by protocol (route), the
// answer is buffered and sent with Content-Length and an x-amzn-RequestId
// (also used in Query bodies), and observers see the exchange. A request
// signed for another region goes to that region's (separate, initially
// empty) state.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if region := signingRegion(r); region != "" && region != e.region && !strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.inRegion(region).ServeHTTP(w, r)
		return
	}
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	x := &Exchange{Method: r.Method, URL: r.URL.RequestURI(), RequestHeader: r.Header.Clone(), Request: reqBody}
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
	bw := &bufferedWriter{header: w.Header()}
	if !strings.HasPrefix(r.URL.Path, "/_emulator/") {
		bw.header.Set("X-Amzn-RequestId", requestID())
	}
	e.route(bw, r)
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	bw.header.Del("Transfer-Encoding")
	if r.Method != http.MethodHead || bw.header.Get("Content-Length") == "" { // HEAD tells the length of what GET would send
		bw.header.Set("Content-Length", strconv.Itoa(bw.body.Len()))
	}
	x.Status, x.Header, x.Response = bw.status, bw.header.Clone(), bw.body.Bytes()
	if e.observe != nil && x.Operation != "" {
		e.observe(*x)
	}
	w.WriteHeader(bw.status)
	_, _ = w.Write(bw.body.Bytes())
}

// responseRequestID is the request id of the answer being written.
func responseRequestID(w http.ResponseWriter) string { return w.Header().Get("X-Amzn-RequestId") }

// signingRegion is the region of a SigV4 Authorization header's credential
// scope (Credential=AKID/20260101/us-east-1/ecs/aws4_request), or "".
func signingRegion(r *http.Request) string {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

// inRegion returns the emulator of another region of the same account: its
// own state on the same clock and timing; its calls are logged here too.
func (e *Emulator) inRegion(region string) *Emulator {
	e.mu.Lock()
	defer e.mu.Unlock()
	if sub := e.regions[region]; sub != nil {
		return sub
	}
	sub := New(Options{Region: region, AccountID: e.account, Clock: e.clock, Timing: e.timing, Observe: e.observe,
		OnCall: func(c Call) {
			e.mu.Lock()
			e.calls = append(e.calls, c)
			onCall := e.onCall
			e.mu.Unlock()
			if onCall != nil {
				onCall(c)
			}
		}})
	if e.regions == nil {
		e.regions = map[string]*Emulator{}
	}
	e.regions[region] = sub
	return sub
}
