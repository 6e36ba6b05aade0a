package awsemu

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

// The SDK's serializers skip a member whose Go field is a value type
// (int32, bool, ...) holding zero, because a client never needs to send
// such a default. AWS does send them: DescribeServices answers
// "desiredCount": 0, "runningCount": 0, "enableExecuteCommand": false, a
// container definition "cpu": 0. withZeros puts them back: every
// value-typed field of the Go shape (a member with a default in AWS's
// model) that the encoding left out is added with its zero value, under the
// member name of the botocore model.

// withZeros returns raw (the SDK encoding of v) with zero-valued members
// added; raw unchanged if nothing was missing.
func withZeros(service string, v any, raw json.RawMessage) (json.RawMessage, error) {
	m, err := botomodel.Load(service)
	if err != nil {
		return raw, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	shape := shapeOfType(m, rv.Type())
	if shape == "" {
		return raw, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return nil, err
	}
	if !addZeros(m, shape, rv, doc) {
		return raw, nil
	}
	return json.Marshal(doc)
}

// shapeOfType is the model shape of an SDK type: an operation's output for
// <Op>Output, else the shape of the same name (types.Service -> Service).
func shapeOfType(m *botomodel.Model, t reflect.Type) string {
	if op, ok := strings.CutSuffix(t.Name(), "Output"); ok {
		if o := m.Operations[op]; o != nil && o.Output != nil {
			return o.Output.Shape
		}
	}
	if m.Shape(t.Name()) != nil {
		return t.Name()
	}
	return ""
}

// addZeros walks the Go value and its JSON encoding together; it reports
// whether it added anything.
func addZeros(m *botomodel.Model, shapeName string, rv reflect.Value, doc any) bool {
	s := m.Shape(shapeName)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return false
		}
		rv = rv.Elem()
	}
	if s == nil {
		return false
	}
	changed := false
	switch s.Type {
	case "structure":
		obj, ok := doc.(map[string]any)
		if !ok || rv.Kind() != reflect.Struct {
			return false
		}
		for i := 0; i < rv.NumField(); i++ {
			f := rv.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, ref := s.MemberFold(f.Name)
			if ref == nil {
				continue
			}
			fv := rv.Field(i)
			if _, present := obj[name]; !present {
				switch fv.Kind() {
				case reflect.Bool:
					obj[name], changed = false, true
				case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
					obj[name], changed = json.Number("0"), true
				}
				continue
			}
			changed = addZeros(m, ref.Shape, fv, obj[name]) || changed
		}
	case "list":
		arr, ok := doc.([]any)
		if !ok || rv.Kind() != reflect.Slice || rv.Len() != len(arr) {
			return false
		}
		for i := range arr {
			changed = addZeros(m, s.Member.Shape, rv.Index(i), arr[i]) || changed
		}
	case "map":
		obj, ok := doc.(map[string]any)
		if !ok || rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
			return false
		}
		for k, e := range obj {
			if ev := rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())); ev.IsValid() {
				changed = addZeros(m, s.Value.Shape, ev, e) || changed
			}
		}
	}
	return changed
}
