package botomodel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// commonErrors are error codes every AWS service may answer although
// operations do not declare them (authentication, throttling, protocol).
var commonErrors = map[string]bool{
	"ThrottlingException": true, "Throttling": true, "ValidationException": true, "ValidationError": true,
	"SerializationException": true, "UnknownOperationException": true, "InvalidAction": true,
	"AccessDeniedException": true, "AccessDenied": true, "UnrecognizedClientException": true,
	"InvalidSignatureException": true, "IncompleteSignature": true, "MissingAuthenticationToken": true,
	"InternalFailure": true, "ServiceUnavailable": true, "MalformedQueryString": true, "MissingParameter": true,
	"InvalidParameterValue": true, "InvalidParameterCombination": true,
}

// ErrorDeclared tells whether code is an error op may answer: one of its
// declared error shapes (by shape name or the shape's error code) or an
// error common to every service.
func (m *Model) ErrorDeclared(op, code string) bool {
	if commonErrors[code] {
		return true
	}
	o := m.Operations[op]
	if o == nil {
		return false
	}
	for _, e := range o.Errors {
		if e.Shape == code {
			return true
		}
		if s := m.Shapes[e.Shape]; s != nil && s.Error != nil && s.Error.Code == code {
			return true
		}
	}
	return false
}

// ErrorStatus is the HTTP status the model gives the error shape named
// (or coded) code, or 0.
func (m *Model) ErrorStatus(code string) int {
	for name, s := range m.Shapes {
		if s.Error != nil && (name == code || s.Error.Code == code) {
			return s.Error.HTTPStatusCode
		}
	}
	return 0
}

// ValidateOutputJSON checks a JSON-protocol (awsJson 1.1) response body
// against op's output shape: required members present, no member the
// model does not define, types (timestamps as epoch seconds, blobs as
// base64), enum values. It returns one line per problem.
func (m *Model) ValidateOutputJSON(op string, body []byte) []string {
	o := m.Operations[op]
	if o == nil {
		return []string{fmt.Sprintf("operation %s is not in the model", op)}
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		if len(bytes.TrimSpace(body)) == 0 && o.Output == nil {
			return nil
		}
		return []string{"body is not JSON: " + err.Error()}
	}
	if o.Output == nil {
		if obj, ok := v.(map[string]any); ok && len(obj) == 0 {
			return nil
		}
		return []string{"operation has no output, but the body is not {}"}
	}
	var out []string
	m.checkOutJSON(o.Output.Shape, v, "", &out)
	return out
}

func (m *Model) checkOutJSON(shapeName string, v any, path string, out *[]string) {
	s := m.Shapes[shapeName]
	if s == nil {
		*out = append(*out, fmt.Sprintf("%s: shape %s is not in the model", show(path), shapeName))
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("%s (%s %s): %s", show(path), s.Type, shapeName, fmt.Sprintf(format, args...)))
	}
	if v == nil {
		bad("null")
		return
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return
		}
		if s.Document {
			return
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				bad("required member %q is missing", r)
			}
		}
		for _, k := range sortedKeys(obj) {
			ref := s.Members[k]
			if ref == nil {
				bad("member %q is not defined by the model", k)
				continue
			}
			m.checkOutJSON(ref.Shape, obj[k], join(path, k), out)
		}
		if s.Union && len(obj) != 1 {
			bad("a union must have exactly one member, has %d", len(obj))
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return
		}
		for i, e := range arr {
			m.checkOutJSON(s.Member.Shape, e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return
		}
		for _, k := range sortedKeys(obj) {
			m.checkOutJSON(s.Value.Shape, obj[k], fmt.Sprintf("%s[%q]", path, k), out)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T %v", v, v)
			return
		}
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			bad("%q is not one of the enum values [%s]", str, strings.Join(s.Enum, ", "))
		}
	case "integer", "long":
		n, ok := v.(json.Number)
		if !ok {
			bad("want an integer, got %T %v", v, v)
			return
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || s.Type == "integer" && (i < math.MinInt32 || i > math.MaxInt32) {
			bad("%s is not a valid %s", n, s.Type)
		}
	case "double", "float":
		if _, ok := v.(json.Number); !ok {
			bad("want a number, got %T %v", v, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T %v", v, v)
		}
	case "timestamp":
		if _, ok := v.(json.Number); !ok {
			bad("want epoch seconds (a JSON number), got %T %v", v, v)
		}
	case "blob":
		str, ok := v.(string)
		if _, err := base64.StdEncoding.DecodeString(str); !ok || err != nil {
			bad("want base64, got %v", v)
		}
	default:
		bad("unknown shape type")
	}
}

// xmlNode is a parsed XML element.
type xmlNode struct {
	name     string
	text     string
	children []*xmlNode
}

func parseXML(body []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// ValidateOutputXML checks a Query-protocol response body: the
// <OpResponse> envelope with <OpResult> and <ResponseMetadata><RequestId>,
// and the result against op's output shape (members, required, types,
// ISO 8601 timestamps, enum values).
func (m *Model) ValidateOutputXML(op string, body []byte) []string {
	o := m.Operations[op]
	if o == nil {
		return []string{fmt.Sprintf("operation %s is not in the model", op)}
	}
	root, err := parseXML(body)
	if err != nil {
		return []string{"body is not XML: " + err.Error()}
	}
	var out []string
	if root.name != op+"Response" {
		out = append(out, fmt.Sprintf("root element <%s>, want <%sResponse>", root.name, op))
	}
	var result *xmlNode
	hasRequestID := false
	for _, c := range root.children {
		switch {
		case o.Output != nil && c.name == o.Output.ResultWrapper:
			result = c
		case c.name == "ResponseMetadata":
			for _, cc := range c.children {
				if cc.name == "RequestId" && strings.TrimSpace(cc.text) != "" {
					hasRequestID = true
				}
			}
		default:
			out = append(out, fmt.Sprintf("unexpected element <%s> in <%s>", c.name, root.name))
		}
	}
	if !hasRequestID {
		out = append(out, "no <ResponseMetadata><RequestId>")
	}
	if o.Output != nil {
		if result == nil {
			out = append(out, fmt.Sprintf("no <%s>", o.Output.ResultWrapper))
		} else {
			m.checkOutXML(o.Output.Shape, result, "", &out)
		}
	}
	return out
}

func show(path string) string {
	if path == "" {
		return "(response)"
	}
	return path
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
