package awsemu

import (
	"net/url"
	"strconv"
	"strings"
)

// Parsing of ELBv2 Query-protocol request members (actions, conditions,
// targets) into the emulator's shapes, with AWS's ValidationError for
// malformed input.

func elbValidation(format string, args ...any) *APIError {
	return clientError("ValidationError", format, args...)
}

// formInt32 reads an optional integer member; def when absent.
func elbFormInt32(form url.Values, key string, def int32) (int32, error) {
	v := form.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, elbValidation("%s: %q is not an integer", key, v)
	}
	return int32(n), nil
}

// countMembers counts prefix.member.N.* entries (N from 1, contiguous).
func elbCountMembers(form url.Values, prefix string) int {
	n := 0
	for i := 1; ; i++ {
		p := prefix + ".member." + itoa(i)
		found := false
		for k := range form {
			if k == p || strings.HasPrefix(k, p+".") {
				found = true
				break
			}
		}
		if !found {
			return n
		}
		n++
	}
}

// parseActions reads DefaultActions / Actions members and validates them
// against the known target groups (TargetGroupNotFound for unknown ARNs).
func (s *elbv2State) parseActions(form url.Values, prefix string) ([]elbAction, error) {
	n := elbCountMembers(form, prefix)
	if n == 0 {
		return nil, elbValidation("%s: at least one action is required", prefix)
	}
	var out []elbAction
	for i := 1; i <= n; i++ {
		p := prefix + ".member." + itoa(i) + "."
		a := elbAction{Type: form.Get(p + "Type")}
		if o := form.Get(p + "Order"); o != "" {
			v, err := elbFormInt32(form, p+"Order", 0)
			if err != nil {
				return nil, err
			}
			a.Order = &v
		}
		switch a.Type {
		case "forward":
			if err := s.parseForward(form, p, &a); err != nil {
				return nil, err
			}
		case "fixed-response":
			a.FixedResponseConfig = &elbFixedResponse{
				StatusCode:  form.Get(p + "FixedResponseConfig.StatusCode"),
				ContentType: form.Get(p + "FixedResponseConfig.ContentType"),
				MessageBody: form.Get(p + "FixedResponseConfig.MessageBody"),
			}
			if a.FixedResponseConfig.StatusCode == "" {
				return nil, elbValidation("%sFixedResponseConfig.StatusCode is required", p)
			}
		case "redirect":
			a.RedirectConfig = &elbRedirectConfig{
				Protocol: form.Get(p + "RedirectConfig.Protocol"), Port: form.Get(p + "RedirectConfig.Port"),
				Host: form.Get(p + "RedirectConfig.Host"), Path: form.Get(p + "RedirectConfig.Path"),
				Query: form.Get(p + "RedirectConfig.Query"), StatusCode: form.Get(p + "RedirectConfig.StatusCode"),
			}
			if a.RedirectConfig.StatusCode == "" {
				return nil, elbValidation("%sRedirectConfig.StatusCode is required", p)
			}
		case "":
			return nil, elbValidation("%sType is required", p)
		default:
			return nil, elbValidation("%sType %q is not supported by this emulator (forward, fixed-response, redirect)", p, a.Type)
		}
		out = append(out, a)
	}
	return out, nil
}

// parseForward fills a forward action. As AWS does, a single target group
// is reported both as TargetGroupArn and as a one-entry ForwardConfig.
func (s *elbv2State) parseForward(form url.Values, p string, a *elbAction) error {
	single := form.Get(p + "TargetGroupArn")
	fp := p + "ForwardConfig.TargetGroups"
	var tuples []elbTargetGroupTuple
	for j := 1; j <= elbCountMembers(form, fp); j++ {
		tp := fp + ".member." + itoa(j) + "."
		w, err := elbFormInt32(form, tp+"Weight", 1)
		if err != nil {
			return err
		}
		if w < 0 || w > 999 {
			return elbValidation("%sWeight %d is outside 0-999", tp, w)
		}
		tuples = append(tuples, elbTargetGroupTuple{TargetGroupArn: form.Get(tp + "TargetGroupArn"), Weight: w})
	}
	if single == "" && len(tuples) == 0 {
		return elbValidation("%s: a forward action needs TargetGroupArn or ForwardConfig.TargetGroups", p)
	}
	if len(tuples) > 5 {
		return elbValidation("%s: at most 5 target groups per forward action, got %d", fp, len(tuples))
	}
	if single != "" && len(tuples) > 0 && !(len(tuples) == 1 && tuples[0].TargetGroupArn == single) {
		return elbValidation("%s: TargetGroupArn and ForwardConfig name different target groups", p)
	}
	if len(tuples) == 0 {
		tuples = []elbTargetGroupTuple{{TargetGroupArn: single, Weight: 1}}
	}
	seen := map[string]bool{}
	total := int32(0)
	for _, t := range tuples {
		if s.tgs[t.TargetGroupArn] == nil {
			return clientError("TargetGroupNotFound", "One or more target groups not found: %q", t.TargetGroupArn)
		}
		if seen[t.TargetGroupArn] {
			return elbValidation("%s: target group %q is listed twice", fp, t.TargetGroupArn)
		}
		seen[t.TargetGroupArn] = true
		total += t.Weight
	}
	if total == 0 {
		return elbValidation("%s: at least one target group needs a weight above 0", fp)
	}
	a.ForwardConfig = &elbForwardConfig{TargetGroups: tuples}
	if form.Get(p+"ForwardConfig.TargetGroupStickinessConfig.Enabled") == "true" {
		d, err := elbFormInt32(form, p+"ForwardConfig.TargetGroupStickinessConfig.DurationSeconds", 3600)
		if err != nil {
			return err
		}
		a.ForwardConfig.TargetGroupStickinessConfig = &elbStickiness{Enabled: true, DurationSeconds: &d}
	} else {
		a.ForwardConfig.TargetGroupStickinessConfig = &elbStickiness{Enabled: false}
	}
	if len(tuples) == 1 {
		a.TargetGroupArn = tuples[0].TargetGroupArn
	}
	return nil
}

// parseConditions reads rule conditions (path-pattern, host-header,
// http-header), accepting both the legacy Values and the *Config members.
func elbParseConditions(form url.Values, prefix string) ([]elbCondition, error) {
	var out []elbCondition
	for i := 1; i <= elbCountMembers(form, prefix); i++ {
		p := prefix + ".member." + itoa(i) + "."
		c := elbCondition{Field: form.Get(p + "Field"), Values: queryList(form, p+"Values")}
		switch c.Field {
		case "path-pattern":
			if v := queryList(form, p+"PathPatternConfig.Values"); len(v) > 0 {
				c.PathPatternConfig = &elbValues{Values: v}
			} else {
				c.PathPatternConfig = &elbValues{Values: c.Values}
			}
		case "host-header":
			if v := queryList(form, p+"HostHeaderConfig.Values"); len(v) > 0 {
				c.HostHeaderConfig = &elbValues{Values: v}
			} else {
				c.HostHeaderConfig = &elbValues{Values: c.Values}
			}
		case "http-header":
			c.HttpHeaderConfig = &elbHeaderConfig{
				HttpHeaderName: form.Get(p + "HttpHeaderConfig.HttpHeaderName"),
				Values:         queryList(form, p+"HttpHeaderConfig.Values"),
			}
			if c.HttpHeaderConfig.HttpHeaderName == "" {
				return nil, elbValidation("%sHttpHeaderConfig.HttpHeaderName is required", p)
			}
		case "":
			return nil, elbValidation("%sField is required", p)
		default:
			return nil, elbValidation("%sField %q is not supported by this emulator (path-pattern, host-header, http-header)", p, c.Field)
		}
		if len(c.Values) == 0 && c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) == 0 ||
			len(c.Values) == 0 && c.HostHeaderConfig != nil && len(c.HostHeaderConfig.Values) == 0 {
			return nil, elbValidation("%s: condition %q needs at least one value", p, c.Field)
		}
		out = append(out, c)
	}
	return out, nil
}
