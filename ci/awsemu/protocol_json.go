package awsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// jsonTargetPrefixes maps the X-Amz-Target prefix of each JSON 1.1 service
// to the emulator's service name.
var jsonTargetPrefixes = map[string]string{
	"AmazonEC2ContainerServiceV20141113":   "ecs",
	"AmazonEC2ContainerRegistry_V20150921": "ecr",
	"Logs_20140328":                        "logs",
}

func (e *Emulator) serveJSON(w http.ResponseWriter, r *http.Request, target string) {
	prefix, action, ok := strings.Cut(target, ".")
	service := jsonTargetPrefixes[prefix]
	if !ok || service == "" {
		writeJSONError(w, clientError("UnknownOperationException", "unknown target %q", target))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSONError(w, clientError("SerializationException", "reading body: %v", err))
		return
	}
	op := e.jsonOps[service+"."+action]
	if op != nil {
		noteOperation(r, service, action, "json")
	}
	out, err := e.dispatch(service, action, func() (any, error) {
		if op == nil {
			return nil, unknownOperation(service, action)
		}
		if err := validateJSONRequest(service, action, body); err != nil {
			return nil, err
		}
		return op(body)
	})
	if err != nil {
		writeJSONError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeJSONError(w, err)
		return
	}
	_, _ = w.Write(b)
}

// decodeJSON unmarshals a JSON 1.1 request body into v, as a
// SerializationException on malformed input.
func decodeJSON(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return clientError("SerializationException", "%v", err)
	}
	return nil
}

func writeJSONError(w http.ResponseWriter, err error) {
	ae, ok := err.(*APIError)
	if !ok {
		ae = &APIError{Status: http.StatusInternalServerError, Code: "ServerException", Message: err.Error()}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", ae.Code)
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": ae.Code, "message": ae.Message})
}
