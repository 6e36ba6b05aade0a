package botomodel

import (
	"fmt"
	"net/http"
	"strconv"
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
				m.checkOutXML(ref.Shape, root, shape.Payload, &out)
			}
		}
	case len(bodyMembers) > 0:
		root, err := parseXML(body)
		if err != nil {
			return append(out, "body is not XML: "+err.Error())
		}
		wrapper := &Shape{Type: "structure", Members: bodyMembers, Required: shape.Required}
		m.checkStructXML(wrapper, o.Output.Shape, root, "", &out)
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
