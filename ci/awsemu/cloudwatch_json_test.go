package awsemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

// cloudWatchJSON posts an awsJson 1.0 CloudWatch request, as botocore (boto3,
// the AWS CLI) sends it.
func cloudWatchJSON(t *testing.T, srv *awsemu.Server, action, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801."+action)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("x-amzn-query-mode", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: not JSON: %s", action, b)
	}
	return resp.StatusCode, resp.Header, out
}

// CloudWatch's awsJson 1.0 (the protocol botocore picks from the model's
// list): the same alarms and metrics as over CBOR, timestamps as epoch
// seconds, errors with the query code in X-Amzn-Query-Error. emutest checks
// every answer against botocore's model.
func TestCloudWatchAwsJSON10(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := awsemu.NewManualClock(start)
	srv := emutest.Start(t, awsemu.Options{Clock: clk})
	srv.SetAlarmState("bitflow-5xx", "ALARM", start, "5xx over threshold")
	srv.SetMetric("bitflow-backend-green", awsemu.MetricRequestCount, start, 600)
	clk.Advance(5 * time.Minute)

	st, _, out := cloudWatchJSON(t, srv, "DescribeAlarms", `{"AlarmNames":["bitflow-5xx"]}`)
	alarms, _ := out["MetricAlarms"].([]any)
	if st != 200 || len(alarms) != 1 {
		t.Fatalf("DescribeAlarms: %d %v", st, out)
	}
	a := alarms[0].(map[string]any)
	if a["StateValue"] != "ALARM" {
		t.Errorf("StateValue %v, want ALARM", a["StateValue"])
	}
	if ts, ok := a["StateUpdatedTimestamp"].(float64); !ok || int64(ts) != start.Unix() {
		t.Errorf("StateUpdatedTimestamp %v, want epoch seconds %d", a["StateUpdatedTimestamp"], start.Unix())
	}

	st, _, out = cloudWatchJSON(t, srv, "GetMetricData", `{"StartTime":`+itoa(start.Unix())+`,"EndTime":`+itoa(start.Add(4*time.Minute).Unix())+`,
		"MetricDataQueries":[{"Id":"req","MetricStat":{"Period":60,"Stat":"Sum","Metric":{"Namespace":"AWS/ApplicationELB","MetricName":"RequestCount",
		"Dimensions":[{"Name":"TargetGroup","Value":"targetgroup/bitflow-backend-green/0123456789abcdef"}]}}}]}`)
	res, _ := out["MetricDataResults"].([]any)
	if st != 200 || len(res) != 1 {
		t.Fatalf("GetMetricData: %d %v", st, out)
	}
	if vals, _ := res[0].(map[string]any)["Values"].([]any); len(vals) != 4 || vals[0] != 600.0 {
		t.Errorf("GetMetricData values %v, want 4 minutes of 600", vals)
	}

	st, h, out := cloudWatchJSON(t, srv, "DescribeAlarms", `{"StateValue":"PURPLE"}`)
	if st != 400 || out["__type"] != "ValidationException" || h.Get("X-Amzn-Query-Error") != "ValidationError;Sender" ||
		!strings.Contains(out["message"].(string), "Value 'PURPLE' at 'StateValue' failed to satisfy constraint") {
		t.Errorf("bad StateValue: %d %v %v", st, h.Get("X-Amzn-Query-Error"), out)
	}
	st, _, out = cloudWatchJSON(t, srv, "DescribeAlarms", `{"MaxRecords":"ten"}`)
	if st != 400 || out["__type"] != "SerializationException" {
		t.Errorf("MaxRecords as text: %d %v", st, out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
