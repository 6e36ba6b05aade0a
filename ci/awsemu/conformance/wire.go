package conformance

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
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

// errorCode reads an error answer's code: JSON {"__type": ..., "message":
// ...} (and X-Amzn-ErrorType), or Query <ErrorResponse><Error><Code> with a
// <RequestId>.
func errorCode(x Exchange) (string, error) {
	switch x.Protocol {
	case "json":
		var body struct {
			Type    string `json:"__type"`
			Message *string
		}
		if err := json.Unmarshal(x.Response, &body); err != nil || body.Type == "" {
			return "", fmt.Errorf("error body has no __type: %s", x.Response)
		}
		if body.Message == nil {
			return "", fmt.Errorf("error body has no message: %s", x.Response)
		}
		return body.Type, nil
	case "query":
		var body struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Error   struct {
				Type, Code, Message string
			}
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(x.Response, &body); err != nil || body.Error.Code == "" {
			return "", fmt.Errorf("error body is not an <ErrorResponse> with a <Code>: %s", x.Response)
		}
		if body.RequestID == "" || body.RequestID != x.Header.Get("X-Amzn-RequestId") {
			return "", fmt.Errorf("error body's <RequestId> %q is not the header's %q", body.RequestID, x.Header.Get("X-Amzn-RequestId"))
		}
		if body.Error.Type != "Sender" && body.Error.Type != "Receiver" {
			return "", fmt.Errorf("error <Type> %q", body.Error.Type)
		}
		return body.Error.Code, nil
	}
	return "", fmt.Errorf("unknown protocol %q", x.Protocol)
}
