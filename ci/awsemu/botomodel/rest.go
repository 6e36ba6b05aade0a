package botomodel

import (
	"net/http"
	"net/url"
	"strings"
)

// RESTRequest is a REST-protocol request as it went over the wire: the
// decoded path, the query, the headers and the body.
type RESTRequest struct {
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// RESTValue reads a REST-XML request into the shape of op's input, as
// ValidateInput takes it: each member from where the model says it
// travels (location uri: the label of the operation's requestUri;
// querystring; header; headers: the map of headers with that prefix; no
// location: the body, which the input's payload member is whole). Scalars
// are strings, as in the Query protocol.
func (m *Model) RESTValue(op string, r RESTRequest) map[string]any {
	out := map[string]any{}
	o := m.Operations[op]
	if o == nil || o.Input == nil {
		return out
	}
	in := m.Shapes[o.Input.Shape]
	if in == nil {
		return out
	}
	labels := uriLabels(o.HTTP.RequestURI, r.Path)
	for name, ref := range in.Members {
		loc := ref.LocationName
		if loc == "" {
			loc = name
		}
		s := m.Shapes[ref.Shape]
		switch ref.Location {
		case "uri":
			if v, ok := labels[loc]; ok {
				out[name] = v
			}
		case "querystring":
			if vals, ok := r.Query[loc]; ok {
				if s != nil && s.Type == "list" {
					out[name] = anyList(vals)
				} else if s != nil && s.Type != "map" {
					out[name] = vals[0]
				}
			}
		case "header":
			if vals, ok := r.Header[http.CanonicalHeaderKey(loc)]; ok {
				if s != nil && s.Type == "list" {
					var l []string
					for _, v := range vals {
						for _, p := range strings.Split(v, ",") {
							l = append(l, strings.TrimSpace(p))
						}
					}
					out[name] = anyList(l)
				} else {
					out[name] = vals[0]
				}
			}
		case "headers":
			mv := map[string]any{}
			for k, vals := range r.Header {
				if len(k) > len(loc) && strings.EqualFold(k[:len(loc)], loc) {
					mv[strings.ToLower(k[len(loc):])] = vals[0]
				}
			}
			if len(mv) > 0 {
				out[name] = mv
			}
		case "":
			if in.Payload != name || len(r.Body) == 0 || s == nil {
				continue
			}
			if s.Type == "structure" {
				if root, err := parseXML(r.Body); err == nil {
					out[name] = m.xmlValue(ref.Shape, root)
				} else {
					out[name] = "" // not XML: a type violation
				}
			} else {
				out[name] = string(r.Body)
			}
		}
	}
	return out
}

// xmlValue reads a REST-XML body element into the shape's value: members
// by their locationName (or name), lists wrapped or flattened.
func (m *Model) xmlValue(shapeName string, n *xmlNode) any {
	s := m.Shapes[shapeName]
	if s == nil {
		return nil
	}
	switch s.Type {
	case "structure":
		out := map[string]any{}
		for name, ref := range s.Members {
			el := xmlName(name, ref)
			if ms := m.Shapes[ref.Shape]; ms != nil && ms.Type == "list" && (ms.Flattened || ref.Flattened) {
				var l []any
				for _, c := range n.children {
					if c.name == el {
						l = append(l, m.xmlValue(ms.Member.Shape, c))
					}
				}
				if l != nil {
					out[name] = l
				}
				continue
			}
			for _, c := range n.children {
				if c.name == el {
					out[name] = m.xmlValue(ref.Shape, c)
					break
				}
			}
		}
		return out
	case "list":
		l := []any{}
		for _, c := range n.children {
			l = append(l, m.xmlValue(s.Member.Shape, c))
		}
		return l
	case "map":
		return map[string]any{}
	}
	return strings.TrimSpace(n.text)
}

// xmlName is a member's element name.
func xmlName(member string, ref *ShapeRef) string {
	if ref.LocationName != "" {
		return ref.LocationName
	}
	return member
}

// uriLabels matches a requestUri template ("/{Bucket}/{Key+}?list-type=2")
// against a decoded path: each {Label} is one segment, {Label+} the rest.
func uriLabels(template, path string) map[string]string {
	template, _, _ = strings.Cut(template, "?")
	out := map[string]string{}
	tsegs := strings.Split(strings.TrimPrefix(template, "/"), "/")
	rest := strings.TrimPrefix(path, "/")
	for i, t := range tsegs {
		if rest == "" && i > 0 {
			break
		}
		seg, after, _ := strings.Cut(rest, "/")
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}"):
			out[strings.TrimSuffix(strings.TrimPrefix(t, "{"), "+}")] = rest
			return out
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			if seg != "" {
				out[strings.Trim(t, "{}")] = seg
			}
		case t != seg:
			return out
		}
		rest = after
	}
	return out
}

func anyList(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}
