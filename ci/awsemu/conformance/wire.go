package conformance

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

func decodeJSON(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func parseForm(b []byte) (url.Values, error) { return url.ParseQuery(string(b)) }

// errorCodes reads an error answer's codes: JSON {"__type": ..., "message":
// ...}; Query <ErrorResponse><Error><Code> with a <RequestId>; S3's
// <Error><Code> with the header's <RequestId> (a HEAD answer has no body:
// no code); CBOR {"__type", "message"} and, awsQueryCompatible, the query
// code of X-Amzn-Query-Error ("Code;Sender").
func errorCodes(m *botomodel.Model, x Exchange) ([]string, error) {
	switch x.Protocol {
	case "json":
		var body struct {
			Type    string `json:"__type"`
			Message *string
		}
		if err := json.Unmarshal(x.Response, &body); err != nil || body.Type == "" {
			return nil, fmt.Errorf("error body has no __type: %s", x.Response)
		}
		if body.Message == nil {
			return nil, fmt.Errorf("error body has no message: %s", x.Response)
		}
		return queryCompatibleCode(m, x, body.Type)
	case "query":
		var body struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Error   struct {
				Type, Code, Message string
			}
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(x.Response, &body); err != nil || body.Error.Code == "" {
			return nil, fmt.Errorf("error body is not an <ErrorResponse> with a <Code>: %s", x.Response)
		}
		if body.RequestID == "" || body.RequestID != x.Header.Get("X-Amzn-RequestId") {
			return nil, fmt.Errorf("error body's <RequestId> %q is not the header's %q", body.RequestID, x.Header.Get("X-Amzn-RequestId"))
		}
		if body.Error.Type != "Sender" && body.Error.Type != "Receiver" {
			return nil, fmt.Errorf("error <Type> %q", body.Error.Type)
		}
		return []string{body.Error.Code}, nil
	case "rest-xml":
		if x.Method == http.MethodHead {
			if len(x.Response) > 0 {
				return nil, fmt.Errorf("a HEAD error answer has a body: %s", x.Response)
			}
			return nil, nil
		}
		var body struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   *string
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(x.Response, &body); err != nil || body.Code == "" || body.Message == nil {
			return nil, fmt.Errorf("error body is not an <Error> with a <Code> and <Message>: %s", x.Response)
		}
		if body.RequestID == "" || body.RequestID != x.Header.Get("X-Amz-Request-Id") {
			return nil, fmt.Errorf("error body's <RequestId> %q is not the x-amz-request-id header's %q", body.RequestID, x.Header.Get("X-Amz-Request-Id"))
		}
		return []string{body.Code}, nil
	case "cbor":
		v, err := cbor.Decode(x.Response)
		body, _ := v.(cbor.Map)
		if err != nil || body == nil {
			return nil, fmt.Errorf("error body is not a CBOR map: %x", x.Response)
		}
		typ, _ := body["__type"].(cbor.String)
		if _, ok := body["message"].(cbor.String); !ok || typ == "" {
			return nil, fmt.Errorf("error body has no __type and message: %v", body)
		}
		return queryCompatibleCode(m, x, string(typ))
	}
	return nil, fmt.Errorf("unknown protocol %q", x.Protocol)
}

// queryCompatibleCode is the code the SDKs report of an error whose body
// says __type: the query code of X-Amzn-Query-Error ("Code;Sender") when an
// awsQueryCompatible service sends one (it must be the code the model
// gives that __type's shape), else the __type's shape name.
func queryCompatibleCode(m *botomodel.Model, x Exchange, typ string) ([]string, error) {
	shape := typ
	if i := strings.LastIndex(shape, "#"); i >= 0 {
		shape = shape[i+1:]
	}
	q := x.Header.Get("X-Amzn-Query-Error")
	if q == "" {
		return []string{shape}, nil
	}
	code, fault, _ := strings.Cut(q, ";")
	if code == "" || fault != "Sender" && fault != "Receiver" {
		return nil, fmt.Errorf("X-Amzn-Query-Error %q is not Code;Sender|Receiver", q)
	}
	if s := m.Shape(shape); s != nil && s.Error != nil && s.Error.Code != "" && s.Error.Code != code {
		return nil, fmt.Errorf("__type %s has the query code %s, X-Amzn-Query-Error says %s", shape, s.Error.Code, code)
	}
	return []string{code}, nil
}
