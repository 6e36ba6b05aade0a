// Package conformance checks the emulator's wire traffic against AWS's own
// service models (botocore's, read from python3's installed botocore: a
// source no one here wrote). Every answered request (Exchange) is
// checked: a 2xx body against the operation's output shape (required
// members, types, enum values, no undeclared member; timestamps as the
// protocol encodes them), an error's code against the operation's declared
// errors, every answer for Content-Length and its request id, and the
// request itself against the input shape (a request the model refuses must
// not succeed). Protocols: awsJson 1.1 (ecs, ecr, logs), Query (elbv2,
// sts), REST-XML (s3: members from headers, status code, XML body) and
// Smithy RPC v2 CBOR (cloudwatch).
package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

// Checker validates exchanges; it is safe for concurrent use.
type Checker struct {
	models map[string]*botomodel.Model

	mu         sync.Mutex
	checked    int
	operations map[string]int // "service.Action" -> exchanges checked
	violations []string
}

var (
	loadOnce sync.Once
	loaded   map[string]*botomodel.Model
	loadErr  error
)

// New returns a Checker over botocore's models of the emulator's services
// (ecs, ecr, logs, elbv2, sts). The error says python3 or botocore is
// absent.
func New() (*Checker, error) {
	loadOnce.Do(func() {
		dir, err := botomodel.BotocoreDir()
		if err != nil {
			loadErr = err
			return
		}
		loaded = map[string]*botomodel.Model{}
		for s := range botomodel.Services {
			m, err := botomodel.FromBotocore(dir, s)
			if err != nil {
				loadErr = fmt.Errorf("botocore model %s: %w", s, err)
				return
			}
			loaded[s] = m
		}
	})
	if loadErr != nil {
		return nil, loadErr
	}
	return &Checker{models: loaded, operations: map[string]int{}}, nil
}

// Exchange is one answered request as the emulator sent it (the fields of
// awsemu.Exchange; this package does not import the emulator, so that the
// emulator's own tests can use it).
type Exchange struct {
	Service, Operation, Protocol string
	Method, URL                  string
	RequestHeader                http.Header
	Request                      []byte
	Status                       int
	Header                       http.Header
	Response                     []byte
}

// Observe checks one exchange.
func (c *Checker) Observe(x Exchange) {
	m := c.models[x.Service]
	if m == nil {
		return // not an AWS service the emulator answers
	}
	problems := c.check(m, x)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked++
	c.operations[x.Service+"."+x.Operation]++
	for _, p := range problems {
		c.violations = append(c.violations, fmt.Sprintf("%s.%s (HTTP %d): %s", x.Service, x.Operation, x.Status, p))
	}
}

func (c *Checker) check(m *botomodel.Model, x Exchange) []string {
	var out []string
	idHeader := "X-Amzn-RequestId"
	if x.Protocol == "rest-xml" {
		idHeader = "X-Amz-Request-Id" // S3's
	}
	if x.Header.Get(idHeader) == "" {
		out = append(out, "no "+idHeader+" header")
	}
	if other := x.Header.Get("X-Amzn-RequestId"); x.Protocol == "rest-xml" && other != "" && other != x.Header.Get(idHeader) {
		// botocore reads x-amzn-RequestId before S3's own header
		out = append(out, fmt.Sprintf("an x-amzn-RequestId %q besides S3's x-amz-request-id %q (clients read the former)", other, x.Header.Get(idHeader)))
	}
	if x.Header.Get("Content-Length") == "" || x.Header.Get("Transfer-Encoding") != "" {
		out = append(out, "no Content-Length (or a Transfer-Encoding)")
	}
	if x.Protocol == "cbor" && (x.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" || x.Header.Get("Content-Type") != "application/cbor") {
		out = append(out, fmt.Sprintf("Smithy-Protocol %q, Content-Type %q: want rpc-v2-cbor, application/cbor", x.Header.Get("Smithy-Protocol"), x.Header.Get("Content-Type")))
	}
	ok := x.Status >= 200 && x.Status < 300
	switch {
	case ok && x.Protocol == "json":
		out = append(out, m.ValidateOutputJSON(x.Operation, x.Response)...)
	case ok && x.Protocol == "query":
		out = append(out, m.ValidateOutputXML(x.Operation, x.Response)...)
	case ok && x.Protocol == "rest-xml":
		out = append(out, m.ValidateOutputRESTXML(x.Operation, x.Method, x.Status, x.Header, x.Response)...)
	case ok && x.Protocol == "cbor":
		out = append(out, m.ValidateOutputCBOR(x.Operation, x.Response)...)
	case !ok:
		codes, err := errorCodes(m, x)
		if err != nil {
			out = append(out, err.Error())
		}
		for _, code := range codes {
			if !m.ErrorDeclared(x.Operation, code) && serviceErrors[x.Service][code] == 0 {
				out = append(out, fmt.Sprintf("error %s is not declared for the operation", code))
			} else if st := errorStatus(m, x.Service, code); st != 0 && st != x.Status {
				out = append(out, fmt.Sprintf("error %s answered with HTTP %d, AWS's is %d", code, x.Status, st))
			}
		}
	}
	if ok {
		if vs := inputViolations(m, x); len(vs) > 0 {
			out = append(out, "answered a request the model refuses: "+botomodel.Message(vs))
		}
	}
	return out
}

// serviceErrors are the error codes (with their HTTP status) a service
// documents for every operation although its model declares them for few
// or none: S3's list of error codes,
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html.
var serviceErrors = map[string]map[string]int{
	"s3": {"AccessDenied": 403, "BadDigest": 400, "EntityTooLarge": 400, "IncompleteBody": 400, "InternalError": 500,
		"InvalidArgument": 400, "InvalidBucketName": 400, "InvalidDigest": 400, "InvalidRequest": 400, "InvalidRange": 416,
		"KeyTooLongError": 400, "MalformedXML": 400, "MissingContentLength": 411, "NoSuchBucket": 404, "NoSuchKey": 404,
		"NotImplemented": 501, "PreconditionFailed": 412, "RequestTimeout": 400, "ServiceUnavailable": 503, "SlowDown": 503,
		"ConditionalRequestConflict": 409, "MethodNotAllowed": 405, "InvalidStorageClass": 400},
}

// errorStatus is the HTTP status of an error code: the model's error
// shape's, else the service's documented list's, else 0 (unknown).
func errorStatus(m *botomodel.Model, service, code string) int {
	if st := m.ErrorStatus(code); st != 0 {
		return st
	}
	return serviceErrors[service][code]
}

// inputViolations re-reads the request and checks it against the input shape.
func inputViolations(m *botomodel.Model, x Exchange) []botomodel.Violation {
	switch x.Protocol {
	case "json":
		v, err := decodeJSON(x.Request)
		if err != nil {
			return []botomodel.Violation{{Message: "request is not JSON: " + err.Error()}}
		}
		return m.ValidateInput(x.Operation, v)
	case "query":
		form, err := parseForm(x.Request)
		if err != nil {
			return []botomodel.Violation{{Message: "request is not a form: " + err.Error()}}
		}
		return m.ValidateInput(x.Operation, m.FormValue(x.Operation, form))
	case "rest-xml":
		u, err := url.ParseRequestURI(x.URL)
		if err != nil {
			return []botomodel.Violation{{Message: "request URI: " + err.Error()}}
		}
		return m.ValidateInput(x.Operation, m.RESTValue(x.Operation, botomodel.RESTRequest{Path: u.Path, Query: u.Query(), Header: x.RequestHeader, Body: x.Request}))
	case "cbor":
		v, err := botomodel.CBORInput(x.Request)
		if err != nil {
			return []botomodel.Violation{{Message: "request is not CBOR: " + err.Error()}}
		}
		return m.ValidateInput(x.Operation, v)
	}
	return nil
}

// Violations returns every problem found so far.
func (c *Checker) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// Checked is the number of exchanges checked.
func (c *Checker) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked
}

// Operations lists the operations seen, sorted, with their counts.
func (c *Checker) Operations() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.operations))
	for k, v := range c.operations {
		out[k] = v
	}
	return out
}

// Summary is one line: exchanges checked, operations covered, violations.
func (c *Checker) Summary() string {
	ops := c.Operations()
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	return fmt.Sprintf("%d responses of %d operations checked against botocore, %d violations (%s)",
		c.Checked(), len(ops), len(c.Violations()), strings.Join(names, " "))
}
