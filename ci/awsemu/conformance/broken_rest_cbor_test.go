package conformance_test

import (
	"net/http"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/bitflow-lms/pipeline/ci/awsemu/conformance"
)

const (
	s3ReqID   = "4442587FB7D0A2F9"
	listStart = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>state</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`
)

func s3Header(extra ...string) http.Header {
	h := http.Header{"X-Amz-Request-Id": {s3ReqID}, "Content-Length": {"1"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

func s3x(op, method, url string, status int, h http.Header, body string) conformance.Exchange {
	return conformance.Exchange{Service: "s3", Operation: op, Protocol: "rest-xml", Method: method, URL: url, RequestHeader: http.Header{},
		Status: status, Header: h, Response: []byte(body)}
}

// brokenS3 are S3 (REST-XML) answers that break botocore's s3 model, one
// way each.
func brokenS3(json func() http.Header) []conformance.Exchange {
	refusedPut := s3x("PutObject", "PUT", "/state/k", 200, s3Header("ETag", `"0f"`), "")
	refusedPut.RequestHeader.Set("X-Amz-Storage-Class", "MOON")
	return []conformance.Exchange{
		s3x("PutObject", "PUT", "/state/k", 200, json(), ""),                                                                                                                                           // x-amzn-RequestId but no x-amz-request-id
		s3x("PutObject", "PUT", "/state/k", 200, s3Header("X-Amzn-RequestId", "0c8b3a4e-1111-2222-3333-444455556666"), ""),                                                                             // two request ids
		s3x("ListObjectsV2", "GET", "/state?list-type=2", 200, s3Header(), `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><KeyCount>many</KeyCount></ListBucketResult>`),                     // integer
		s3x("ListObjectsV2", "GET", "/state?list-type=2", 200, s3Header(), listStart+`<Colour>blue</Colour></ListBucketResult>`),                                                                       // undeclared element
		s3x("ListObjectsV2", "GET", "/state?list-type=2", 200, s3Header(), listStart+`<Contents><Key>k</Key><StorageClass>SHINY</StorageClass></Contents></ListBucketResult>`),                         // enum in a flattened list
		s3x("ListObjectsV2", "GET", "/state?list-type=2", 200, s3Header(), listStart+`<Contents><Key>k</Key><LastModified>Tue, 01 Dec 2026 10:00:00 GMT</LastModified></Contents></ListBucketResult>`), // body timestamps are ISO 8601
		s3x("ListObjectsV2", "GET", "/state?list-type=2", 200, s3Header(), `{"Name":"state"}`),                                                                                                         // not XML
		s3x("DeleteObject", "DELETE", "/state/k", 200, s3Header(), ""),                                                                                                                                 // the model's responseCode is 204
		s3x("HeadObject", "HEAD", "/state/k", 200, s3Header("Last-Modified", "yesterday"), ""),                                                                                                         // header timestamp not an HTTP date
		s3x("HeadObject", "HEAD", "/state/k", 200, s3Header("Content-Length", "lots"), ""),                                                                                                             // header long
		s3x("HeadObject", "HEAD", "/state/k", 200, s3Header("X-Amz-Storage-Class", "SHINY"), ""),                                                                                                       // header enum
		s3x("HeadObject", "HEAD", "/state/k", 404, s3Header(), `<Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>`+s3ReqID+`</RequestId></Error>`),                                          // a HEAD error has no body
		s3x("GetObject", "GET", "/state/k", 404, s3Header(), `<Error><Code>NoSuchThing</Code><Message>m</Message><RequestId>`+s3ReqID+`</RequestId></Error>`),                                          // undeclared error
		s3x("GetObject", "GET", "/state/k", 400, s3Header(), `<Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>`+s3ReqID+`</RequestId></Error>`),                                            // NoSuchKey is 404
		s3x("PutObject", "PUT", "/state/k", 400, s3Header(), `<Error><Code>PreconditionFailed</Code><Message>m</Message><RequestId>`+s3ReqID+`</RequestId></Error>`),                                   // S3's list: 412
		s3x("GetObject", "GET", "/state/k", 404, s3Header(), `<Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>other</RequestId></Error>`),                                                  // request id differs
		s3x("GetObject", "GET", "/state/k", 404, s3Header(), `<ErrorResponse><Error><Code>NoSuchKey</Code></Error></ErrorResponse>`),                                                                   // Query's envelope, not S3's
		s3x("ListObjectsV2", "GET", "/?list-type=2", 200, s3Header(), listStart+`</ListBucketResult>`),                                                                                                 // answered without the required Bucket
		refusedPut, // answered a storage class the model refuses
	}
}

func cborHeader() http.Header {
	return http.Header{"X-Amzn-Requestid": {"0c8b3a4e-1111-2222-3333-444455556666"}, "Content-Length": {"1"},
		"Smithy-Protocol": {"rpc-v2-cbor"}, "Content-Type": {"application/cbor"}}
}

func cwx(op string, req cbor.Map, status int, h http.Header, resp cbor.Value) conformance.Exchange {
	return conformance.Exchange{Service: "cloudwatch", Operation: op, Protocol: "cbor", Method: "POST",
		URL: "/service/GraniteServiceVersion20100801/operation/" + op, Request: cbor.Encode(req), Status: status, Header: h, Response: cbor.Encode(resp)}
}

// cwJSON is a CloudWatch DescribeAlarms answer over awsJson 1.0 (as boto3 speaks it).
func cwJSON(resp string, status int, extra http.Header) conformance.Exchange {
	h := http.Header{"X-Amzn-Requestid": {"0c8b3a4e-1111-2222-3333-444455556666"}, "Content-Length": {"1"}}
	for k, v := range extra {
		h[k] = v
	}
	return conformance.Exchange{Service: "cloudwatch", Operation: "DescribeAlarms", Protocol: "json", Method: "POST", URL: "/",
		Request: []byte(`{}`), Status: status, Header: h, Response: []byte(resp)}
}

func alarms(alarm cbor.Map) cbor.Map {
	return cbor.Map{"MetricAlarms": cbor.List{alarm}, "CompositeAlarms": cbor.List{}}
}

var (
	epoch          = &cbor.Tag{ID: 1, Value: cbor.Float64(1.7e9)}
	metricsRequest = cbor.Map{"StartTime": epoch, "EndTime": epoch,
		"MetricDataQueries": cbor.List{cbor.Map{"Id": cbor.String("q"), "Expression": cbor.String("SUM(METRICS())")}}}
)

// brokenCloudWatch are CloudWatch (RPC v2 CBOR) answers that break
// botocore's cloudwatch model, one way each.
func brokenCloudWatch() []conformance.Exchange {
	noProtocol := cborHeader()
	noProtocol.Del("Smithy-Protocol")
	queryErr := func(q string) http.Header { h := cborHeader(); h.Set("X-Amzn-Query-Error", q); return h }
	return []conformance.Exchange{
		cwx("DescribeAlarms", cbor.Map{}, 200, cborHeader(), alarms(cbor.Map{"AlarmName": cbor.String("a"), "StateValue": cbor.String("PURPLE")})),                                 // enum
		cwx("DescribeAlarms", cbor.Map{}, 200, cborHeader(), alarms(cbor.Map{"AlarmName": cbor.String("a"), "StateUpdatedTimestamp": cbor.String("2026-01-01")})),                  // timestamp not tag 1
		cwx("DescribeAlarms", cbor.Map{}, 200, cborHeader(), alarms(cbor.Map{"AlarmName": cbor.String("a"), "Colour": cbor.String("blue")})),                                       // undeclared member
		cwx("DescribeAlarms", cbor.Map{}, 200, cborHeader(), alarms(cbor.Map{"AlarmName": cbor.String("a"), "EvaluationPeriods": cbor.Float64(1.5)})),                              // integer as a float
		cwx("GetMetricData", metricsRequest, 200, cborHeader(), cbor.Map{"MetricDataResults": cbor.List{cbor.Map{"Id": cbor.String("q"), "Values": cbor.List{cbor.String("1")}}}}), // double as text
		cwx("DescribeAlarms", cbor.Map{}, 200, noProtocol, alarms(cbor.Map{"AlarmName": cbor.String("a")})),                                                                        // no Smithy-Protocol header
		cwx("DescribeAlarms", cbor.Map{"MaxRecords": cbor.Uint(101)}, 200, cborHeader(), alarms(cbor.Map{"AlarmName": cbor.String("a")})),                                          // answered MaxRecords over 100
		cwx("DescribeAlarms", cbor.Map{}, 400, cborHeader(), cbor.Map{"__type": cbor.String("NoSuchThing"), "message": cbor.String("m")}),                                          // undeclared error
		cwx("DescribeAlarms", cbor.Map{}, 400, cborHeader(), cbor.Map{"__type": cbor.String("InvalidNextToken")}),                                                                  // no message
		cwx("DescribeAlarms", cbor.Map{}, 400, queryErr("ResourceNotFound;Sender"), cbor.Map{"__type": cbor.String("InvalidNextToken"), "message": cbor.String("m")}),              // __type and query code disagree
		cwx("DescribeAlarms", cbor.Map{}, 500, queryErr("InvalidNextToken;Sender"), cbor.Map{"__type": cbor.String("InvalidNextToken"), "message": cbor.String("m")}),              // InvalidNextToken is 400
		cwJSON(`{"MetricAlarms":[{"AlarmName":"a","StateUpdatedTimestamp":"2026-01-01T00:00:00Z"}]}`, 200, nil),                                                                    // awsJson 1.0: timestamps are epoch seconds
		cwJSON(`{"__type":"InvalidParameterValueException","message":"m"}`, 400, http.Header{"X-Amzn-Query-Error": {"MissingParameter;Sender"}}),                                   // __type and query code disagree
	}
}

// conformingS3AndCloudWatch are answers as AWS gives them.
func conformingS3AndCloudWatch() []conformance.Exchange {
	ok := cborHeader()
	return []conformance.Exchange{
		s3x("ListObjectsV2", "GET", "/state?list-type=2&max-keys=1", 200, s3Header(), listStart+`<Contents><Key>k</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><ETag>"0f"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>l</Key></Contents></ListBucketResult>`),
		s3x("HeadObject", "HEAD", "/state/k", 200, s3Header("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT", "ETag", `"0f"`, "Content-Length", "3"), ""),
		s3x("HeadObject", "HEAD", "/state/k", 404, s3Header(), ""),
		s3x("DeleteObject", "DELETE", "/state/k", 204, s3Header(), ""),
		s3x("PutObject", "PUT", "/state/k", 412, s3Header(), `<Error><Code>PreconditionFailed</Code><Message>m</Message><Condition>If-None-Match</Condition><RequestId>`+s3ReqID+`</RequestId></Error>`),
		cwx("DescribeAlarms", cbor.Map{"AlarmNames": cbor.List{cbor.String("a")}}, 200, ok, alarms(cbor.Map{"AlarmName": cbor.String("a"), "StateValue": cbor.String("ALARM"), "StateUpdatedTimestamp": epoch, "EvaluationPeriods": cbor.Uint(1)})),
		cwx("DescribeAlarms", cbor.Map{}, 400, func() http.Header {
			h := cborHeader()
			h.Set("X-Amzn-Query-Error", "InvalidNextToken;Sender")
			return h
		}(),
			cbor.Map{"__type": cbor.String("InvalidNextToken"), "message": cbor.String("m")}),
		cwJSON(`{"MetricAlarms":[{"AlarmName":"a","StateValue":"OK","StateUpdatedTimestamp":1767225600}],"CompositeAlarms":[]}`, 200, nil),
		cwJSON(`{"__type":"InvalidParameterValueException","message":"m"}`, 400, http.Header{"X-Amzn-Query-Error": {"InvalidParameterValue;Sender"}}),
	}
}
