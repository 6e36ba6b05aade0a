package botomodel

import (
	"net/url"
	"strconv"
	"strings"
)

// FormValue reads a Query-protocol request (Action=...&Name.member.1=...)
// into the shape of op's input, as ValidateInput takes it: structures as
// maps, lists as slices, scalars as strings.
func (m *Model) FormValue(op string, form url.Values) map[string]any {
	o := m.Operations[op]
	if o == nil || o.Input == nil {
		return map[string]any{}
	}
	v, _ := m.formValue(o.Input.Shape, form, "").(map[string]any)
	if v == nil {
		v = map[string]any{}
	}
	return v
}

func (m *Model) formValue(shapeName string, form url.Values, prefix string) any {
	s := m.Shapes[shapeName]
	if s == nil {
		return nil
	}
	switch s.Type {
	case "structure":
		out := map[string]any{}
		for name, ref := range s.Members {
			p := name
			if prefix != "" {
				p = prefix + "." + name
			}
			if !hasPrefix(form, p) {
				continue
			}
			if v := m.formValue(ref.Shape, form, p); v != nil {
				out[name] = v
			}
		}
		if prefix != "" && len(out) == 0 {
			return nil
		}
		return out
	case "list":
		out := []any{}
		if vals, ok := form[prefix]; ok && len(vals) == 1 && vals[0] == "" {
			return out // an explicitly empty list
		}
		for i := 1; ; i++ {
			p := prefix + ".member." + strconv.Itoa(i)
			if !hasPrefix(form, p) {
				break
			}
			out = append(out, m.formValue(s.Member.Shape, form, p))
		}
		return out
	case "map":
		out := map[string]any{}
		for i := 1; ; i++ {
			p := prefix + ".entry." + strconv.Itoa(i)
			if !hasPrefix(form, p) {
				break
			}
			out[form.Get(p+".key")] = m.formValue(s.Value.Shape, form, p+".value")
		}
		return out
	}
	vals, ok := form[prefix]
	if !ok {
		return nil
	}
	return vals[0]
}

// hasPrefix tells whether form has key p or any key under p.
func hasPrefix(form url.Values, p string) bool {
	if _, ok := form[p]; ok {
		return true
	}
	for k := range form {
		if strings.HasPrefix(k, p+".") {
			return true
		}
	}
	return false
}
