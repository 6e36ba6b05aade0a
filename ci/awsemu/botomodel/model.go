// Package botomodel reads AWS's service models in botocore's format
// (service-2.json: operations, shapes, required members, min/max, patterns,
// enums) and checks values against them: requests against an operation's
// input shape (with AWS's validation messages) and responses against its
// output shape (required members, types, enum values, no undeclared
// members, timestamps per protocol).
//
// The emulator uses the copies embedded under models/ (documentation
// stripped; regenerate with `go -C ci generate ./awsemu/botomodel` from the
// botocore of python3). Tests load the originals from the installed
// botocore with FromBotocore, a source no one here wrote.
package botomodel

//go:generate go run gen.go

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Services maps the emulator's service names to botocore's model
// directories (botocore's service name and API version).
var Services = map[string]string{
	"ecs":        "ecs/2014-11-13",
	"ecr":        "ecr/2015-09-21",
	"logs":       "logs/2014-03-28",
	"elbv2":      "elbv2/2015-12-01",
	"sts":        "sts/2011-06-15",
	"s3":         "s3/2006-03-01",
	"cloudwatch": "cloudwatch/2010-08-01",
}

// Model is one service's botocore model.
type Model struct {
	Metadata struct {
		Protocol     string `json:"protocol"`
		APIVersion   string `json:"apiVersion"`
		TargetPrefix string `json:"targetPrefix"`
		XMLNamespace string `json:"xmlNamespace"`
	} `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`

	reMu    sync.Mutex
	regexps map[string]*regexp.Regexp // compiled patterns (nil: not RE2)
}

// Operation is one API action.
type Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method,omitempty"`
		RequestURI   string `json:"requestUri,omitempty"`
		ResponseCode int    `json:"responseCode,omitempty"`
	} `json:"http"`
	Input  *ShapeRef  `json:"input,omitempty"`
	Output *ShapeRef  `json:"output,omitempty"`
	Errors []ShapeRef `json:"errors,omitempty"`
}

// ShapeRef names a shape (an operation's input/output or a member). For
// the REST protocols Location says where a member travels (uri,
// querystring, header, headers, statusCode; "" for the body) and
// LocationName its name there (or its XML element name).
type ShapeRef struct {
	Shape         string `json:"shape"`
	ResultWrapper string `json:"resultWrapper,omitempty"`
	Location      string `json:"location,omitempty"`
	LocationName  string `json:"locationName,omitempty"`
	XMLAttribute  bool   `json:"xmlAttribute,omitempty"`
	Flattened     bool   `json:"flattened,omitempty"`
}

// Shape is a botocore shape.
type Shape struct {
	Type      string `json:"type"`
	Payload   string `json:"payload,omitempty"` // REST: the member that is the whole body
	Flattened bool   `json:"flattened,omitempty"`
	Streaming bool   `json:"streaming,omitempty"`
	// TimestampFormat overrides the protocol's (iso8601, rfc822, unixTimestamp).
	TimestampFormat string               `json:"timestampFormat,omitempty"`
	Required        []string             `json:"required,omitempty"`
	Members         map[string]*ShapeRef `json:"members,omitempty"`
	Member          *ShapeRef            `json:"member,omitempty"`
	Key             *ShapeRef            `json:"key,omitempty"`
	Value           *ShapeRef            `json:"value,omitempty"`
	Min             *float64             `json:"min,omitempty"`
	Max             *float64             `json:"max,omitempty"`
	Pattern         string               `json:"pattern,omitempty"`
	Enum            []string             `json:"enum,omitempty"`
	Box             bool                 `json:"box,omitempty"`
	Union           bool                 `json:"union,omitempty"`
	Exception       bool                 `json:"exception,omitempty"`
	Document        bool                 `json:"document,omitempty"`
	Error           *struct {
		Code           string `json:"code,omitempty"`
		HTTPStatusCode int    `json:"httpStatusCode,omitempty"`
		SenderFault    bool   `json:"senderFault,omitempty"`
	} `json:"error,omitempty"`
}

//go:embed models/*.json.gz
var embedded embed.FS

var (
	cacheMu sync.Mutex
	cache   = map[string]*Model{}
)

// Load returns the embedded model of an emulator service (ecs, ecr, logs,
// elbv2, sts, s3, cloudwatch).
func Load(service string) (*Model, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if m := cache[service]; m != nil {
		return m, nil
	}
	f, err := embedded.Open("models/" + service + ".json.gz")
	if err != nil {
		return nil, fmt.Errorf("no embedded model for %q", service)
	}
	defer f.Close()
	m, err := decode(f)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", service, err)
	}
	cache[service] = m
	return m, nil
}

// MustLoad is Load for the emulator's fixed set of services.
func MustLoad(service string) *Model {
	m, err := Load(service)
	if err != nil {
		panic(err)
	}
	return m
}

// BotocoreDir is the data directory of python3's botocore, or an error when
// python3 or botocore is absent.
func BotocoreDir() (string, error) {
	out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		return "", fmt.Errorf("python3 with botocore not found: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "data"), nil
}

// FromBotocore reads a service's original model from botocore's data
// directory (see BotocoreDir).
func FromBotocore(dataDir, service string) (*Model, error) {
	dir, ok := Services[service]
	if !ok {
		return nil, fmt.Errorf("unknown service %q", service)
	}
	f, err := os.Open(filepath.Join(dataDir, dir, "service-2.json.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decode(f)
}

func decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, err
	}
	for name, op := range m.Operations {
		op.Name = name
	}
	return m, nil
}

// Shape returns a named shape, or nil.
func (m *Model) Shape(name string) *Shape { return m.Shapes[name] }

// pattern compiles a shape pattern once; nil if RE2 cannot compile it (such
// patterns are not checked).
func (m *Model) pattern(p string) *regexp.Regexp {
	m.reMu.Lock()
	defer m.reMu.Unlock()
	if m.regexps == nil {
		m.regexps = map[string]*regexp.Regexp{}
	}
	if re, ok := m.regexps[p]; ok {
		return re
	}
	re, err := regexp.Compile("^(?:" + p + ")$") // the whole value, as Java's matches()
	if err != nil {
		re = nil
	}
	m.regexps[p] = re
	return re
}

// MemberFold finds a structure member by case-insensitive name (Go field
// names of the SDK are the member names with an upper-case first letter).
func (s *Shape) MemberFold(name string) (string, *ShapeRef) {
	if ref, ok := s.Members[name]; ok {
		return name, ref
	}
	for n, ref := range s.Members {
		if strings.EqualFold(n, name) {
			return n, ref
		}
	}
	return "", nil
}

// Marshal is the compact JSON of a model (the embedded form).
func Marshal(m *Model) ([]byte, error) {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err := json.NewEncoder(zw).Encode(m); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
