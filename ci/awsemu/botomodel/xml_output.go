package botomodel

import (
	"fmt"
	"strings"
)

// checkOutXML checks an answer's XML element against a shape, by the rules
// botocore's XML parsers share for the query and REST-XML protocols: members
// by their locationName, lists of <member> (or the member's locationName) or
// flattened into repeated elements, maps of <entry><key/><value/></entry>
// (or their locationNames), scalars by checkScalarText.
func (m *Model) checkOutXML(shapeName string, n *xmlNode, path string, out *[]string) {
	s := m.Shapes[shapeName]
	if s == nil {
		*out = append(*out, fmt.Sprintf("%s: shape %s is not in the model", show(path), shapeName))
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("%s (%s %s): %s", show(path), s.Type, shapeName, fmt.Sprintf(format, args...)))
	}
	switch s.Type {
	case "structure":
		m.checkStructXML(s, shapeName, n, path, out)
	case "list":
		el := elementName(s.Member, "member")
		for i, c := range n.children {
			if c.name != el {
				bad("list element <%s>, want <%s>", c.name, el)
				continue
			}
			m.checkOutXML(s.Member.Shape, c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case "map":
		key, value := elementName(s.Key, "key"), elementName(s.Value, "value")
		for i, c := range n.children {
			if c.name != "entry" {
				bad("map element <%s>, want <entry>", c.name)
				continue
			}
			for _, kv := range c.children {
				switch kv.name {
				case key:
				case value:
					m.checkOutXML(s.Value.Shape, kv, fmt.Sprintf("%s[%d]", path, i), out)
				default:
					bad("map entry element <%s>", kv.name)
				}
			}
		}
	default:
		if len(n.children) > 0 {
			bad("a %s has child elements", s.Type)
			return
		}
		checkScalarText(s, strings.TrimSpace(n.text), "iso8601", bad)
	}
}

// checkStructXML checks a structure's child elements: each a member by its
// element name (a flattened list repeats its element), required members
// present, none undeclared; members bound to headers, the URI or attributes
// are not elements.
func (m *Model) checkStructXML(s *Shape, shapeName string, n *xmlNode, path string, out *[]string) {
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
			m.checkOutXML(ms.Member.Shape, c, fmt.Sprintf("%s[%d]", join(path, name), seen[name]-1), out)
			continue
		}
		if seen[name] > 1 {
			bad("member <%s> appears twice", c.name)
			continue
		}
		m.checkOutXML(ref.Shape, c, join(path, name), out)
	}
	for _, r := range s.Required {
		if ref := s.Members[r]; ref != nil && ref.Location == "" && seen[r] == 0 {
			bad("required member <%s> is missing", xmlName(r, ref))
		}
	}
}

// elementName is a list member's or map key's/value's element name.
func elementName(ref *ShapeRef, def string) string {
	if ref != nil && ref.LocationName != "" {
		return ref.LocationName
	}
	return def
}
