package botomodel

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violation is one request value that breaks the input shape. Type is true
// for a value of the wrong type (AWS answers SerializationException for
// JSON, a validation error for Query); Message is AWS's (Coral's) wording,
// e.g. "Value null at 'services' failed to satisfy constraint: Member must
// not be null".
type Violation struct {
	Path    string
	Message string
	Type    bool
}

// Message joins violations the way AWS does: "2 validation errors
// detected: ...; ...".
func Message(vs []Violation) string {
	msgs := make([]string, len(vs))
	for i, v := range vs {
		msgs[i] = v.Message
	}
	noun := "errors"
	if len(vs) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(msgs, "; "))
}

// ValidateInput checks a request against op's input shape: required
// members, types, lengths, ranges, patterns and enums. v is the request as
// decoded JSON (encoding/json with UseNumber; Query requests through
// FormValue, whose scalars are strings). Unknown members are ignored, as
// AWS does.
func (m *Model) ValidateInput(op string, v any) []Violation {
	o := m.Operations[op]
	if o == nil || o.Input == nil {
		return nil
	}
	var out []Violation
	m.checkIn(o.Input.Shape, v, "", &out)
	return out
}

func (m *Model) checkIn(shapeName string, v any, path string, out *[]Violation) {
	s := m.Shapes[shapeName]
	if s == nil || v == nil {
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, Violation{Path: path, Message: fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", showValue(v), path, fmt.Sprintf(format, args...))})
	}
	typeErr := func() {
		*out = append(*out, Violation{Path: path, Type: true, Message: fmt.Sprintf("Value %s at '%s' is not a valid %s", showValue(v), path, s.Type)})
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			typeErr()
			return
		}
		for _, r := range s.Required {
			if obj[r] == nil {
				*out = append(*out, Violation{Path: join(path, r), Message: fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", join(path, r))})
			}
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if ref := s.Members[k]; ref != nil {
				m.checkIn(ref.Shape, obj[k], join(path, k), out)
			}
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			typeErr()
			return
		}
		checkLen(s, len(arr), bad)
		for i, e := range arr {
			m.checkIn(s.Member.Shape, e, fmt.Sprintf("%s.%d.member", path, i+1), out)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			typeErr()
			return
		}
		checkLen(s, len(obj), bad)
		for k, e := range obj {
			m.checkIn(s.Key.Shape, k, path+".key", out)
			m.checkIn(s.Value.Shape, e, fmt.Sprintf("%s.%s.member", path, k), out)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			typeErr()
			return
		}
		checkLen(s, utf8.RuneCountInString(str), bad)
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			bad("Member must satisfy enum value set: [%s]", strings.Join(s.Enum, ", "))
		}
		if s.Pattern != "" {
			if re := m.pattern(s.Pattern); re != nil && !re.MatchString(str) {
				bad("Member must satisfy regular expression pattern: %s", s.Pattern)
			}
		}
	case "integer", "long", "double", "float":
		f, ok := number(v)
		if !ok || s.Type != "double" && s.Type != "float" && f != float64(int64(f)) {
			typeErr()
			return
		}
		if s.Min != nil && f < *s.Min {
			bad("Member must have value greater than or equal to %s", num(*s.Min))
		}
		if s.Max != nil && f > *s.Max {
			bad("Member must have value less than or equal to %s", num(*s.Max))
		}
	case "boolean":
		switch b := v.(type) {
		case bool:
		case string:
			if b != "true" && b != "false" {
				typeErr()
			}
		default:
			typeErr()
		}
	case "timestamp":
		if _, ok := number(v); !ok {
			if str, isStr := v.(string); !isStr || str == "" {
				typeErr()
			}
		}
	case "blob":
		if _, ok := v.(string); !ok {
			typeErr()
		}
	}
}

// checkLen applies min/max to a length (strings, lists, maps).
func checkLen(s *Shape, n int, bad func(string, ...any)) {
	if s.Min != nil && float64(n) < *s.Min {
		bad("Member must have length greater than or equal to %s", num(*s.Min))
	}
	if s.Max != nil && float64(n) > *s.Max {
		bad("Member must have length less than or equal to %s", num(*s.Max))
	}
}

// number reads a JSON number (json.Number or float64) or a Query string.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// showValue prints a value as AWS's messages do: 'text', '[a, b]', null.
func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strings.Trim(showValue(e), "'")
		}
		return "'[" + strings.Join(parts, ", ") + "]'"
	case map[string]any:
		return "'{...}'"
	}
	return fmt.Sprintf("'%v'", v)
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
