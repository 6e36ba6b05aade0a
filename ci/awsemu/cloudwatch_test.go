package awsemu_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
)

func tgQuery(id, metric, stat string) cwtypes.MetricDataQuery {
	return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String(stat),
		Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String(metric), Dimensions: []cwtypes.Dimension{
			{Name: aws.String("TargetGroup"), Value: aws.String("targetgroup/bitflow-backend-green/0123456789abcdef")},
			{Name: aws.String("LoadBalancer"), Value: aws.String("app/bitflow-alb/0123456789abcdef")}}}}}
}

// The CloudWatch subset speaks RPC v2 CBOR to the real SDK client: scripted
// target-group metrics per minute, scripted alarm states, CloudWatch errors.
func TestCloudWatchScriptedMetricsAndAlarmsThroughTheSDK(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := awsemu.NewManualClock(start)
	srv := emutest.Start(t, awsemu.Options{Clock: clk})
	cw := cloudwatch.NewFromConfig(srv.AWSConfig())
	ctx := context.Background()
	srv.SetMetric("bitflow-backend-green", awsemu.MetricRequestCount, start, 600)
	srv.SetMetric("bitflow-backend-green", awsemu.MetricTarget5XX, start, 0)
	srv.SetMetric("bitflow-backend-green", awsemu.MetricTarget5XX, start.Add(2*time.Minute), 30)
	srv.SetMetric("bitflow-backend-green", awsemu.MetricTargetResponseTime, start, 0.120)
	clk.Advance(5 * time.Minute)
	out, err := cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(start.Add(4 * time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{tgQuery("req", awsemu.MetricRequestCount, "Sum"), tgQuery("e5", awsemu.MetricTarget5XX, "Sum"), tgQuery("p95", awsemu.MetricTargetResponseTime, "p95")}})
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]float64{}
	for _, r := range out.MetricDataResults {
		if len(r.Values) != 4 || len(r.Timestamps) != 4 {
			t.Fatalf("%s: %d values, want 4 (one per minute)", *r.Id, len(r.Values))
		}
		if !r.Timestamps[0].After(r.Timestamps[3]) {
			t.Errorf("%s: timestamps not newest first: %v", *r.Id, r.Timestamps)
		}
		for _, v := range r.Values {
			sums[*r.Id] += v
		}
	}
	if sums["req"] != 2400 || sums["e5"] != 60 || sums["p95"] != 0.48 {
		t.Errorf("sums %v, want req 2400, 5xx 60 (two minutes of 30), p95 4×0.120", sums)
	}
	srv.DefineAlarm("bitflow-backend-5xx")
	srv.SetAlarmState("bitflow-backend-5xx", "ALARM", start.Add(6*time.Minute), "Threshold Crossed")
	a, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"bitflow-backend-5xx"}})
	if err != nil || len(a.MetricAlarms) != 1 || a.MetricAlarms[0].StateValue != cwtypes.StateValueOk {
		t.Fatalf("before: %v %+v", err, a)
	}
	clk.Advance(time.Minute)
	a, err = cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"bitflow-backend-5xx"}})
	if err != nil || a.MetricAlarms[0].StateValue != cwtypes.StateValueAlarm || aws.ToString(a.MetricAlarms[0].StateReason) != "Threshold Crossed" {
		t.Fatalf("after: %v %+v", err, a)
	}
	_, err = cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(start),
		MetricDataQueries: []cwtypes.MetricDataQuery{tgQuery("req", awsemu.MetricRequestCount, "Sum")}})
	var bad *cwtypes.InvalidParameterValueException
	if !asErr(err, &bad) {
		t.Errorf("StartTime == EndTime: %v, want InvalidParameterValueException", err)
	}
	// The same scripts over HTTP, for a served emulator.
	resp, err := http.Post(srv.URL+"/_emulator/cloudwatch/alarm?name=bitflow-backend-5xx&state=OK&from=1m", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("alarm control: %v %v", err, resp)
	}
	resp, err = http.Post(srv.URL+"/_emulator/cloudwatch/metric?targetGroup=bitflow-backend-green&metric=RequestCount&value=abc", "", nil)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad metric control: %v %v", err, resp)
	}
	clk.Advance(2 * time.Minute)
	a, err = cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"bitflow-backend-5xx"}})
	if err != nil || a.MetricAlarms[0].StateValue != cwtypes.StateValueOk {
		t.Errorf("after the HTTP script: %v %+v", err, a)
	}
	if n := srv.CountCalls("cloudwatch.GetMetricData"); n != 2 {
		t.Errorf("%d GetMetricData calls logged, want 2", n)
	}
}
