// Package conformance checks the emulator's wire traffic against AWS's own
// service models (botocore's, read from python3's installed botocore: a
// source no one here wrote). Every answered request (Exchange) is
// checked: a 2xx body against the operation's output shape (required
// members, types, enum values, no undeclared member; timestamps as the
// protocol encodes them), an error's code against the operation's declared
// errors, every answer for Content-Length and x-amzn-RequestId, and the
// request itself against the input shape (a request the model refuses must
// not succeed).
package conformance

import (
	"fmt"
	"net/http"
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
	Request                      []byte
	Status                       int
	Header                       http.Header
	Response                     []byte
}

// Observe checks one exchange.
func (c *Checker) Observe(x Exchange) {
	m := c.models[x.Service]
	if m == nil {
		return // a service without a botocore model here (s3, cloudwatch)
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
	if x.Header.Get("X-Amzn-RequestId") == "" {
		out = append(out, "no x-amzn-RequestId header")
	}
	if x.Header.Get("Content-Length") == "" || x.Header.Get("Transfer-Encoding") != "" {
		out = append(out, "no Content-Length (or a Transfer-Encoding)")
	}
	ok := x.Status >= 200 && x.Status < 300
	switch {
	case ok && x.Protocol == "json":
		out = append(out, m.ValidateOutputJSON(x.Operation, x.Response)...)
	case ok && x.Protocol == "query":
		out = append(out, m.ValidateOutputXML(x.Operation, x.Response)...)
	case !ok:
		code, err := errorCode(x)
		if err != nil {
			out = append(out, err.Error())
		} else if !m.ErrorDeclared(x.Operation, code) {
			out = append(out, fmt.Sprintf("error %s is not declared for the operation", code))
		}
	}
	if ok {
		if vs := inputViolations(m, x); len(vs) > 0 {
			out = append(out, "answered a request the model refuses: "+botomodel.Message(vs))
		}
	}
	return out
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
