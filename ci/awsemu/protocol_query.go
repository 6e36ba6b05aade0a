package awsemu

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
)

// queryVersions maps the Query protocol's Version field to the service.
var queryVersions = map[string]string{
	"2015-12-01": "elbv2",
	"2011-06-15": "sts",
}

// queryNamespaces is the xmlns of each Query service's responses.
var queryNamespaces = map[string]string{
	"elbv2": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
	"sts":   "https://sts.amazonaws.com/doc/2011-06-15/",
}

func (e *Emulator) serveQuery(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeQueryError(w, clientError("MalformedQueryString", "%v", err))
		return
	}
	action := r.Form.Get("Action")
	service := queryVersions[r.Form.Get("Version")]
	if action == "" || service == "" {
		writeQueryError(w, clientError("InvalidAction", "no such action/version: %q %q", action, r.Form.Get("Version")))
		return
	}
	op := e.queryOps[service+"."+action]
	if op != nil {
		noteOperation(r, service, action, "query")
	}
	out, err := e.dispatch(service, action, func() (any, error) {
		if op == nil {
			return nil, &APIError{Status: http.StatusBadRequest, Code: "InvalidAction", Message: action + " is not implemented by this emulator", Sender: true}
		}
		if err := validateQueryRequest(service, action, r.Form); err != nil {
			return nil, err
		}
		return op(r.Form)
	})
	if err != nil {
		if ae, ok := err.(*APIError); ok && service == "elbv2" && ae.Code == "ThrottlingException" {
			ae.Code = "Throttling" // ELBv2's documented throttling code
		}
		writeQueryError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<" + action + "Response xmlns=\"" + queryNamespaces[service] + "\">")
	b.WriteString("<" + action + "Result>")
	if out != nil {
		inner, merr := xml.Marshal(out)
		if merr != nil {
			writeQueryError(w, merr)
			return
		}
		b.Write(stripOuterElement(inner))
	}
	b.WriteString("</" + action + "Result>")
	b.WriteString("<ResponseMetadata><RequestId>" + responseRequestID(w) + "</RequestId></ResponseMetadata>")
	b.WriteString("</" + action + "Response>")
	_, _ = w.Write([]byte(b.String()))
}

// stripOuterElement drops the wrapper element encoding/xml puts around a
// struct, leaving its children: result structs then need no XMLName.
func stripOuterElement(b []byte) []byte {
	s := string(b)
	start := strings.Index(s, ">")
	end := strings.LastIndex(s, "</")
	if start < 0 || end < start || strings.HasSuffix(s[:start+1], "/>") {
		return nil
	}
	return []byte(s[start+1 : end])
}

func writeQueryError(w http.ResponseWriter, err error) {
	ae, ok := err.(*APIError)
	if !ok {
		ae = &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
	}
	typ := "Receiver"
	if ae.Sender {
		typ = "Sender"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(ae.Status)
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(ae.Message))
	_, _ = w.Write([]byte(xml.Header + "<ErrorResponse><Error><Type>" + typ + "</Type><Code>" + ae.Code +
		"</Code><Message>" + msg.String() + "</Message></Error><RequestId>" + responseRequestID(w) + "</RequestId></ErrorResponse>"))
}

// queryList reads a Query-protocol list such as TargetGroupArns.member.1,
// TargetGroupArns.member.2 ... in order.
func queryList(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+".member."+itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
