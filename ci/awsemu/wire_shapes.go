package awsemu

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	ecsschemas "github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// The JSON 1.1 services answer with the SDK's own generated shapes
// (ecs.DescribeServicesOutput, types.TaskDefinition, ...), encoded by the
// SDK's own awsJson 1.1 codec: member names, timestamp formats and nesting
// are therefore exactly what the client deserializer expects, and nothing a
// caller registered is lost on the way back.

// wireJSON is the awsJson 1.1 protocol of smithy-go, used as a codec.
var wireJSON = awsjson.New11(ecsschemas.AmazonEC2ContainerServiceV20141113)

// codecSchema only satisfies the codec's operation plumbing: each generated
// shape serializes and deserializes itself against its own schema.
var codecSchema = ecsschemas.TaskDefinition

// shapeOut encodes an SDK output (or any generated shape) with the wire
// codec; the result is a json.RawMessage the JSON protocol writes verbatim.
func shapeOut(v smithy.Serializable) (json.RawMessage, error) {
	schema := codecSchema
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	op := smithy.NewOperationSchema(schema, schema, nil)
	if err := wireJSON.SerializeRequest(context.Background(), op, v, req); err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	b, err := io.ReadAll(req.GetStream())
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	return json.RawMessage(b), nil
}

// shapeIn decodes wire JSON into a generated shape that has a Deserialize
// method (nested SDK types such as types.TaskDefinition), with the SDK's
// own codec, as a SerializationException on malformed input. what names the
// shape in the error.
func shapeIn(body []byte, what string, v smithy.Deserializable) error {
	schema := codecSchema
	if len(body) == 0 {
		return nil
	}
	resp := &smithyhttp.Response{Response: &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{},
		Body:       io.NopCloser(bytes.NewReader(body)),
	}}
	op := smithy.NewOperationSchema(schema, nil, schema)
	if err := wireJSON.DeserializeResponse(context.Background(), op, nil, resp, v); err != nil {
		return clientError("SerializationException", "decoding %s: %v", what, err)
	}
	return nil
}

// encodeECS, encodeECR and encodeLogs encode an output shape of their
// service, with the members AWS sends even when zero (withZeros).
func encodeECS(v smithy.Serializable) (any, error)  { return encodeFor("ecs", v) }
func encodeECR(v smithy.Serializable) (any, error)  { return encodeFor("ecr", v) }
func encodeLogs(v smithy.Serializable) (any, error) { return encodeFor("logs", v) }

func encodeFor(service string, v smithy.Serializable) (any, error) {
	raw, err := shapeOut(v)
	if err != nil {
		return nil, err
	}
	return withZeros(service, v, raw)
}
