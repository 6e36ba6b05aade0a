package botomodel

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// CBORInput reads a Smithy RPC v2 CBOR request body into the form
// ValidateInput takes: maps, lists, strings, numbers as json.Number,
// timestamps (tag 1) as their epoch seconds, blobs as base64. An empty
// body is an empty input.
func CBORInput(body []byte) (any, error) {
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, err
	}
	return PlainCBOR(v), nil
}

// PlainCBOR turns a decoded CBOR value into the values of an awsJson body:
// maps, lists, strings, json.Numbers (NaN and infinities as AWS's strings),
// booleans, blobs as base64, timestamps (tag 1) as their epoch seconds; an
// absent member (CBOR nil or undefined) is left out of its map.
func PlainCBOR(v cbor.Value) any { return PlainCBORTimes(v, nil) }

// PlainCBORTimes is PlainCBOR with each timestamp (tag 1) given by
// timestamp(epoch seconds) instead, e.g. RFC 3339 text for encoding/json to
// decode into a time.Time; nil keeps the epoch seconds.
func PlainCBORTimes(v cbor.Value, timestamp func(secs float64) any) any {
	plain := func(e cbor.Value) any { return PlainCBORTimes(e, timestamp) }
	switch x := v.(type) {
	case cbor.Map:
		m := make(map[string]any, len(x))
		for k, e := range x {
			if p := plain(e); p != nil {
				m[k] = p
			}
		}
		return m
	case cbor.List:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plain(e)
		}
		return l
	case cbor.String:
		return string(x)
	case cbor.Uint:
		return json.Number(strconv.FormatUint(uint64(x), 10))
	case cbor.NegInt:
		return json.Number("-" + strconv.FormatUint(uint64(x), 10))
	case cbor.Float32:
		return jsonFloat(float64(x), 32)
	case cbor.Float64:
		return jsonFloat(float64(x), 64)
	case cbor.Bool:
		return bool(x)
	case cbor.Slice:
		return base64.StdEncoding.EncodeToString(x)
	case *cbor.Tag:
		if x.ID == 1 && timestamp != nil {
			if secs, err := strconv.ParseFloat(fmt.Sprint(plain(x.Value)), 64); err == nil {
				return timestamp(secs)
			}
		}
		return plain(x.Value)
	}
	return nil // Nil, Undefined: an absent member
}

// jsonFloat is a float as JSON: NaN and infinities as AWS's strings.
func jsonFloat(f float64, bits int) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, bits))
}

// ValidateOutputCBOR checks a Smithy RPC v2 CBOR response body against
// op's output shape: a CBOR map, required members present, no member the
// model does not define, CBOR types per shape type (integers as CBOR
// integers, timestamps as tag 1 over epoch seconds, blobs as byte
// strings), enum values.
func (m *Model) ValidateOutputCBOR(op string, body []byte) []string {
	o := m.Operations[op]
	if o == nil {
		return []string{fmt.Sprintf("operation %s is not in the model", op)}
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return []string{"body is not CBOR: " + err.Error()}
	}
	if o.Output == nil {
		if mv, ok := v.(cbor.Map); ok && len(mv) == 0 {
			return nil
		}
		return []string{"operation has no output, but the body is not an empty map"}
	}
	var out []string
	m.checkOutCBOR(o.Output.Shape, v, "", &out)
	return out
}

func (m *Model) checkOutCBOR(shapeName string, v cbor.Value, path string, out *[]string) {
	s := m.Shapes[shapeName]
	if s == nil {
		*out = append(*out, fmt.Sprintf("%s: shape %s is not in the model", show(path), shapeName))
		return
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fmt.Sprintf("%s (%s %s): %s", show(path), s.Type, shapeName, fmt.Sprintf(format, args...)))
	}
	switch v.(type) {
	case nil, *cbor.Nil, *cbor.Undefined:
		bad("null")
		return
	}
	switch s.Type {
	case "structure":
		obj, ok := v.(cbor.Map)
		if !ok {
			bad("want a map, got %T", v)
			return
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				bad("required member %q is missing", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ref := s.Members[k]
			if ref == nil {
				bad("member %q is not defined by the model", k)
				continue
			}
			m.checkOutCBOR(ref.Shape, obj[k], join(path, k), out)
		}
	case "list":
		arr, ok := v.(cbor.List)
		if !ok {
			bad("want a list, got %T", v)
			return
		}
		for i, e := range arr {
			m.checkOutCBOR(s.Member.Shape, e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case "map":
		obj, ok := v.(cbor.Map)
		if !ok {
			bad("want a map, got %T", v)
			return
		}
		for k, e := range obj {
			m.checkOutCBOR(s.Value.Shape, e, fmt.Sprintf("%s[%q]", path, k), out)
		}
	case "string":
		str, ok := v.(cbor.String)
		if !ok {
			bad("want a text string, got %T %v", v, v)
			return
		}
		if len(s.Enum) > 0 && !contains(s.Enum, string(str)) {
			bad("%q is not one of the enum values [%s]", str, strings.Join(s.Enum, ", "))
		}
	case "integer", "long":
		var n float64
		switch x := v.(type) {
		case cbor.Uint:
			n = float64(x)
		case cbor.NegInt:
			n = -float64(x)
		default:
			bad("want a CBOR integer, got %T %v", v, v)
			return
		}
		if s.Type == "integer" && (n < math.MinInt32 || n > math.MaxInt32) {
			bad("%v is not a valid integer", n)
		}
	case "double", "float":
		switch v.(type) {
		case cbor.Float64, cbor.Float32, cbor.Uint, cbor.NegInt:
		default:
			bad("want a number, got %T %v", v, v)
		}
	case "boolean":
		if _, ok := v.(cbor.Bool); !ok {
			bad("want a boolean, got %T %v", v, v)
		}
	case "timestamp":
		t, ok := v.(*cbor.Tag)
		if !ok || t.ID != 1 {
			bad("want tag 1 (epoch seconds), got %T %v", v, v)
			return
		}
		switch t.Value.(type) {
		case cbor.Uint, cbor.NegInt, cbor.Float64, cbor.Float32:
		default:
			bad("tag 1 over %T, want a number", t.Value)
		}
	case "blob":
		if _, ok := v.(cbor.Slice); !ok {
			bad("want a byte string, got %T", v)
		}
	default:
		bad("unknown shape type")
	}
}
