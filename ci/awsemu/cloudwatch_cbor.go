package awsemu

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/encoding/cbor"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/rpcv2"
	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

// CloudWatch speaks Smithy RPC v2 CBOR in the pinned SDK (botocore's model
// lists smithy-rpc-v2-cbor first, awsQueryCompatible): POST
// /service/GraniteServiceVersion20100801/operation/<Action> with a CBOR
// body. Outputs are encoded with the SDK's own CBOR codec (as the JSON
// services use the SDK's JSON codec); inputs, which the SDK can only
// serialize, are decoded from CBOR into the SDK's input structs. boto3 and
// the AWS CLI speak awsJson 1.0 to the same actions (cloudwatch_json.go).

const cborPathPrefix = "/service/GraniteServiceVersion20100801/operation/"

// cborOp handles one RPC v2 CBOR action.
type cborOp func(body []byte) (smithy.Serializable, error)

var wireCBOR = rpcv2.NewCBOR(cwschemas.GraniteServiceVersion20100801)

// isCBOR tells an RPC v2 CBOR request by its path.
func isCBOR(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, cborPathPrefix) }

func (e *Emulator) serveCBOR(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.URL.Path, cborPathPrefix)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeCBORError(w, clientError("SerializationException", "reading body: %v", err))
		return
	}
	op := e.cborOps["cloudwatch."+action]
	if op != nil {
		noteOperation(r, "cloudwatch", action, "cbor")
	}
	out, err := e.dispatch("cloudwatch", action, func() (any, error) {
		if op == nil {
			return nil, clientError("InvalidAction", "%s is not implemented by this emulator", action)
		}
		if err := validateCBORRequest("cloudwatch", action, body); err != nil {
			return nil, err
		}
		return op(body)
	})
	if err != nil {
		writeCBORError(w, err)
		return
	}
	b, err := cborOut(out.(smithy.Serializable))
	if err != nil {
		writeCBORError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// cborOut encodes an SDK output shape with the SDK's CBOR codec.
func cborOut(v smithy.Serializable) ([]byte, error) {
	schema := cwschemas.GraniteServiceVersion20100801.Schema
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	op := smithy.NewOperationSchema(schema, schema, nil)
	if err := wireCBOR.SerializeRequest(context.Background(), op, v, req); err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	if req.GetStream() == nil {
		return cbor.Encode(cbor.Map{}), nil
	}
	return io.ReadAll(req.GetStream())
}

// decodeCBOR decodes a CBOR request body into an SDK input struct: the CBOR
// value becomes JSON (timestamps, CBOR tag 1, as RFC 3339) that
// encoding/json matches to the struct's field names.
func decodeCBOR(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	val, err := cbor.Decode(body)
	if err != nil {
		return clientError("SerializationException", "decoding CBOR: %v", err)
	}
	j, err := json.Marshal(botomodel.PlainCBORTimes(val, rfc3339))
	if err != nil {
		return clientError("SerializationException", "decoding CBOR: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	if err := dec.Decode(v); err != nil {
		return clientError("SerializationException", "decoding CBOR: %v", err)
	}
	return nil
}

// rfc3339 is an epoch-seconds timestamp as the text encoding/json decodes
// into a time.Time.
func rfc3339(secs float64) any {
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9)).UTC().Format(time.RFC3339Nano)
}

// writeCBORError answers an RPC v2 CBOR error: a CBOR map with __type and
// message, and (awsQueryCompatible) the query error code in
// X-Amzn-Query-Error.
func writeCBORError(w http.ResponseWriter, err error) {
	ae, ok := err.(*APIError)
	if !ok {
		ae = &APIError{Status: http.StatusInternalServerError, Code: "InternalServiceError", Message: err.Error()}
	}
	b := cbor.Encode(cbor.Map{"__type": cbor.String(cwErrorShape(ae.Code)), "message": cbor.String(ae.Message)})
	fault := "Receiver"
	if ae.Sender {
		fault = "Sender"
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.Header().Set("X-Amzn-Query-Error", ae.Code+";"+fault)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(ae.Status)
	_, _ = w.Write(b)
}

// cwErrorShape is the model's shape name of a CloudWatch error code.
func cwErrorShape(code string) string {
	switch code {
	case "InvalidParameterValue", "MissingParameter", "InvalidParameterCombination":
		return code + "Exception"
	case "ValidationError":
		return "ValidationException" // Coral's validation error; the query code goes in X-Amzn-Query-Error
	}
	return code
}
