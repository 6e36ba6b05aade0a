package awsemu

import (
	"bytes"
	"encoding/json"
	"net/url"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

// Every request is first checked against its operation's input shape in
// AWS's model (botomodel: required members, types, lengths, ranges,
// patterns, enums), with the error each service answers: the JSON services
// InvalidParameterException (SerializationException for a value of the
// wrong type), the Query services ValidationError; the message is AWS's
// "1 validation error detected: Value ... at '...' failed to satisfy
// constraint: ...". The rules the model cannot express are in the
// operations (validate_ecs.go and the services' files).

// modelErrorCode is the error a service answers for a model violation.
var modelErrorCode = map[string]string{
	"ecs": "InvalidParameterException", "ecr": "InvalidParameterException", "logs": "InvalidParameterException",
	"elbv2": "ValidationError", "sts": "ValidationError",
}

func validateJSONRequest(service, action string, body []byte) error {
	m, err := botomodel.Load(service)
	if err != nil {
		return nil
	}
	var v any = map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return clientError("SerializationException", "%v", err)
		}
	}
	return modelError(service, m.ValidateInput(action, v))
}

func validateQueryRequest(service, action string, form url.Values) error {
	m, err := botomodel.Load(service)
	if err != nil {
		return nil
	}
	return modelError(service, m.ValidateInput(action, m.FormValue(action, form)))
}

func modelError(service string, vs []botomodel.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	for _, v := range vs {
		if v.Type && service != "elbv2" && service != "sts" {
			return clientError("SerializationException", "%s", v.Message)
		}
	}
	return clientError(modelErrorCode[service], "%s", botomodel.Message(vs))
}
