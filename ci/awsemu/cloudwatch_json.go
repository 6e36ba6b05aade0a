package awsemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

// CloudWatch also speaks awsJson 1.0 (botocore's model lists it after
// smithy-rpc-v2-cbor; boto3 and the AWS CLI use it): POST / with
// X-Amz-Target GraniteServiceVersion20100801.<Action>. The same actions
// answer: the JSON request is re-encoded as the CBOR the action reads
// (timestamps and blobs by the model's input shape), the CBOR answer
// becomes JSON (timestamps as epoch seconds, blobs as base64), and errors
// carry the query code in X-Amzn-Query-Error (awsQueryCompatible).

const cloudWatchJSONTarget = "GraniteServiceVersion20100801."

func (e *Emulator) serveCloudWatchJSON(w http.ResponseWriter, r *http.Request, action string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeCloudWatchJSONError(w, clientError("SerializationException", "reading body: %v", err))
		return
	}
	op := e.cborOps["cloudwatch."+action]
	if op != nil {
		noteOperation(r, "cloudwatch", action, "json")
	}
	out, err := e.dispatch("cloudwatch", action, func() (any, error) {
		if op == nil {
			return nil, clientError("InvalidAction", "%s is not implemented by this emulator", action)
		}
		if err := validateJSONRequest("cloudwatch", action, body); err != nil {
			return nil, err
		}
		cb, err := jsonToCBOR(botomodel.MustLoad("cloudwatch"), action, body)
		if err != nil {
			return nil, clientError("SerializationException", "%v", err)
		}
		return op(cb)
	})
	if err != nil {
		writeCloudWatchJSONError(w, err)
		return
	}
	cb, err := cborOut(out.(smithy.Serializable))
	if err != nil {
		writeCloudWatchJSONError(w, err)
		return
	}
	v, err := cbor.Decode(cb)
	if err != nil {
		writeCloudWatchJSONError(w, err)
		return
	}
	b, err := json.Marshal(botomodel.PlainCBOR(v))
	if err != nil {
		writeCloudWatchJSONError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = w.Write(b)
}

// writeCloudWatchJSONError answers an awsJson 1.0 error: __type (the
// model's shape name) and message, the query code in X-Amzn-Query-Error.
func writeCloudWatchJSONError(w http.ResponseWriter, err error) {
	ae, ok := err.(*APIError)
	if !ok {
		ae = &APIError{Status: http.StatusInternalServerError, Code: "InternalServiceError", Message: err.Error()}
	}
	fault := "Receiver"
	if ae.Sender {
		fault = "Sender"
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Query-Error", ae.Code+";"+fault)
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": cwErrorShape(ae.Code), "message": ae.Message})
}

// jsonToCBOR re-encodes an awsJson request body as CBOR, reading
// timestamps (epoch seconds) and blobs (base64) by op's input shape.
func jsonToCBOR(m *botomodel.Model, op string, body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	shape := ""
	if o := m.Operations[op]; o != nil && o.Input != nil {
		shape = o.Input.Shape
	}
	return cbor.Encode(toCBOR(m, shape, v)), nil
}

func toCBOR(m *botomodel.Model, shapeName string, v any) cbor.Value {
	s := m.Shape(shapeName)
	switch x := v.(type) {
	case map[string]any:
		out := cbor.Map{}
		for k, e := range x {
			next := ""
			if s != nil && s.Type == "structure" && s.Members[k] != nil {
				next = s.Members[k].Shape
			} else if s != nil && s.Type == "map" {
				next = s.Value.Shape
			}
			out[k] = toCBOR(m, next, e)
		}
		return out
	case []any:
		out := cbor.List{}
		next := ""
		if s != nil && s.Type == "list" {
			next = s.Member.Shape
		}
		for _, e := range x {
			out = append(out, toCBOR(m, next, e))
		}
		return out
	case json.Number:
		f, _ := x.Float64()
		if s != nil && s.Type == "timestamp" {
			return &cbor.Tag{ID: 1, Value: cbor.Float64(f)}
		}
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			if i < 0 {
				return cbor.NegInt(uint64(-i))
			}
			return cbor.Uint(uint64(i))
		}
		return cbor.Float64(f)
	case string:
		if s != nil && s.Type == "blob" {
			b, err := base64.StdEncoding.DecodeString(x)
			if err == nil {
				return cbor.Slice(b)
			}
		}
		return cbor.String(x)
	case bool:
		return cbor.Bool(x)
	}
	return &cbor.Nil{}
}

// isCloudWatchJSON tells a CloudWatch awsJson 1.0 request by its target.
func isCloudWatchJSON(r *http.Request) (string, bool) {
	return strings.CutPrefix(r.Header.Get("X-Amz-Target"), cloudWatchJSONTarget)
}
