package awsemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

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
	"elbv2": "ValidationError", "sts": "ValidationError", "cloudwatch": "ValidationError",
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
	if err := modelError(service, m.ValidateInput(action, m.FormValue(action, form))); err != nil {
		return err
	}
	if service == "elbv2" {
		return validateELBARNs(form)
	}
	return nil
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

// elbARNKinds maps the ELBv2 request members that name a resource by ARN
// (and their lists) to the ARN's resource type and the name ELBv2 uses in
// its "'…' is not a valid … ARN" ValidationError.
var elbARNKinds = map[string][2]string{
	"LoadBalancerArn": {"loadbalancer", "load balancer"}, "LoadBalancerArns": {"loadbalancer", "load balancer"},
	"TargetGroupArn": {"targetgroup", "target group"}, "TargetGroupArns": {"targetgroup", "target group"},
	"ListenerArn": {"listener", "listener"}, "ListenerArns": {"listener", "listener"},
	"RuleArn": {"listener-rule", "listener rule"}, "RuleArns": {"listener-rule", "listener rule"},
}

var elbARNRE = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:elasticloadbalancing:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:(loadbalancer|targetgroup|listener|listener-rule)/[A-Za-z0-9/._-]+$`)

// validateELBARNs checks every ARN an ELBv2 request names (top level,
// in lists, and in actions' target groups) for its full format.
func validateELBARNs(form url.Values) error {
	for key, vals := range form {
		parts := strings.Split(key, ".")
		name := parts[len(parts)-1]
		if len(parts) >= 3 && parts[len(parts)-2] == "member" {
			name = parts[len(parts)-3]
		}
		kind, ok := elbARNKinds[name]
		if !ok || len(vals) == 0 {
			continue
		}
		v := vals[0]
		m := elbARNRE.FindStringSubmatch(v)
		if m == nil || m[3] != kind[0] {
			return clientError("ValidationError", "'%s' is not a valid %s ARN", v, kind[1])
		}
	}
	return nil
}

// validateS3Request checks a REST-XML S3 request (members read from its
// path, query, headers and body where the model places them). S3 answers
// a value its model refuses with 400 InvalidArgument.
func validateS3Request(action string, r *http.Request, body []byte) error {
	m, err := botomodel.Load("s3")
	if err != nil {
		return nil
	}
	in := m.RESTValue(action, botomodel.RESTRequest{Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header, Body: body})
	if vs := m.ValidateInput(action, in); len(vs) > 0 {
		return clientError("InvalidArgument", "%s", botomodel.Message(vs))
	}
	return nil
}

// validateCBORRequest checks a Smithy RPC v2 CBOR request (CloudWatch): a
// body that is not CBOR or a value of the wrong type is a
// SerializationException, any other violation a ValidationError (the
// query code awsQueryCompatible CloudWatch sends in X-Amzn-Query-Error).
func validateCBORRequest(service, action string, body []byte) error {
	m, err := botomodel.Load(service)
	if err != nil {
		return nil
	}
	v, err := botomodel.CBORInput(body)
	if err != nil {
		return clientError("SerializationException", "decoding CBOR: %v", err)
	}
	vs := m.ValidateInput(action, v)
	for _, x := range vs {
		if x.Type {
			return clientError("SerializationException", "%s", x.Message)
		}
	}
	if len(vs) > 0 {
		return clientError("ValidationError", "%s", botomodel.Message(vs))
	}
	return nil
}
