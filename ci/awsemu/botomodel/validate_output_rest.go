package botomodel

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ValidateOutputRESTXML checks a REST-XML (S3) success answer against op's
// output shape: the status code (the operation's responseCode, else 200),
// each member the model places in a header (integers, booleans, enum
// values, timestamps as HTTP dates unless the shape says otherwise), and
// the body: the payload member whole (a blob: any bytes), or an XML
// document whose root holds the body members (by locationName, lists
// wrapped or flattened, required members, no undeclared element). A HEAD
// answer has no body.
func (m *Model) ValidateOutputRESTXML(op, method string, status int, header http.Header, body []byte) []string {
	o := m.Operations[op]
	if o == nil {
		return []string{fmt.Sprintf("operation %s is not in the model", op)}
	}
	var out []string
	want := o.HTTP.ResponseCode
	if want == 0 {
		want = http.StatusOK
	}
	if status != want {
		out = append(out, fmt.Sprintf("HTTP status %d, the model's is %d", status, want))
	}
	var shape *Shape
	if o.Output != nil {
		shape = m.Shapes[o.Output.Shape]
	}
	if shape == nil {
		if len(body) > 0 {
			out = append(out, "operation has no output, but the answer has a body")
		}
		return out
	}
	bodyMembers := map[string]*ShapeRef{}
	for name, ref := range shape.Members {
		switch ref.Location {
		case "header":
			vals, ok := header[http.CanonicalHeaderKey(ref.LocationName)]
			if ok {
				m.checkHeader(ref, vals[0], &out)
			}
		case "":
			bodyMembers[name] = ref
		}
	}
	switch {
	case method == http.MethodHead:
		if len(body) > 0 {
			out = append(out, "a HEAD answer has a body")
		}
	case shape.Payload != "":
		ref := shape.Members[shape.Payload]
		if ps := m.Shapes[ref.Shape]; ps != nil && ps.Type == "structure" && len(body) > 0 {
			root, err := parseXML(body)
			if err != nil {
				out = append(out, "body is not XML: "+err.Error())
			} else {
				m.checkOutRESTXML(ref.Shape, root, shape.Payload, &out)
			}
		}
	case len(bodyMembers) > 0:
		root, err := parseXML(body)
		if err != nil {
			return append(out, "body is not XML: "+err.Error())
		}
		wrapper := &Shape{Type: "structure", Members: bodyMembers, Required: shape.Required}
		m.checkStructRESTXML(wrapper, o.Output.Shape, root, "", &out)
	case len(body) > 0:
		out = append(out, "the output has no body members, but the answer has a body")
	}
	return out
}

// checkHeader checks one header-bound output member.
func (m *Model) checkHeader(ref *ShapeRef, v string, out *[]string) {
	s := m.Shapes[ref.Shape]
	if s == nil {
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("header %s (%s %s): %s", ref.LocationName, s.Type, ref.Shape, fmt.Sprintf(format, args...)))
	}
	checkScalarText(s, v, "rfc822", bad)
}

// validTimestamp checks a timestamp text in a format (def when unset).
func validTimestamp(format, def, v string) bool {
	var err error
	switch orDefault(format, def) {
	case "rfc822":
		_, err = http.ParseTime(v)
	case "iso8601":
		_, err = time.Parse(time.RFC3339Nano, v)
	case "unixTimestamp":
		_, err = strconv.ParseFloat(v, 64)
	}
	return err == nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkOutRESTXML checks an element against a shape (REST-XML rules).
func (m *Model) checkOutRESTXML(shapeName string, n *xmlNode, path string, out *[]string) {
	s := m.Shapes[shapeName]
	if s == nil {
		*out = append(*out, fmt.Sprintf("%s: shape %s is not in the model", show(path), shapeName))
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("%s (%s %s): %s", show(path), s.Type, shapeName, fmt.Sprintf(format, args...)))
	}
	text := strings.TrimSpace(n.text)
	switch s.Type {
	case "structure":
		m.checkStructRESTXML(s, shapeName, n, path, out)
	case "list":
		el := "member"
		if s.Member.LocationName != "" {
			el = s.Member.LocationName
		}
		for i, c := range n.children {
			if c.name != el {
				bad("list element <%s>, want <%s>", c.name, el)
				continue
			}
			m.checkOutRESTXML(s.Member.Shape, c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case "map":
		// no S3 output the emulator answers has a map in its body
	default:
		if len(n.children) > 0 {
			bad("a %s has child elements", s.Type)
			return
		}
		checkScalarText(s, text, "iso8601", bad)
	}
}

// checkStructRESTXML checks a structure's child elements: each a member
// by its element name (a flattened list repeats its element), required
// members present, none undeclared.
func (m *Model) checkStructRESTXML(s *Shape, shapeName string, n *xmlNode, path string, out *[]string) {
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("%s (structure %s): %s", show(path), shapeName, fmt.Sprintf(format, args...)))
	}
	byElement := map[string]string{}
	for name, ref := range s.Members {
		if ref.Location == "" && !ref.XMLAttribute {
			byElement[xmlName(name, ref)] = name
		}
	}
	seen := map[string]int{}
	for _, c := range n.children {
		name, ok := byElement[c.name]
		if !ok {
			bad("member <%s> is not defined by the model", c.name)
			continue
		}
		ref := s.Members[name]
		seen[name]++
		ms := m.Shapes[ref.Shape]
		if ms != nil && ms.Type == "list" && (ms.Flattened || ref.Flattened) {
			m.checkOutRESTXML(ms.Member.Shape, c, fmt.Sprintf("%s[%d]", join(path, name), seen[name]-1), out)
			continue
		}
		if seen[name] > 1 {
			bad("member <%s> appears twice", c.name)
			continue
		}
		m.checkOutRESTXML(ref.Shape, c, join(path, name), out)
	}
	for _, r := range s.Required {
		if ref := s.Members[r]; ref != nil && ref.Location == "" && seen[r] == 0 {
			bad("required member <%s> is missing", xmlName(r, ref))
		}
	}
}
