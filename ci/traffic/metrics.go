package traffic

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// MetricsAPI is the CloudWatch call the metrics gate makes.
type MetricsAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

var _ MetricsAPI = (*cloudwatch.Client)(nil)

// TargetGroupsAPI finds target groups by name or ARN (the native
// strategies' alternate target group).
type TargetGroupsAPI interface {
	DescribeTargetGroups(ctx context.Context, in *elb.DescribeTargetGroupsInput, optFns ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
}

var _ TargetGroupsAPI = (*elb.Client)(nil)

// MetricsReport is what a target group's ALB metrics said over a window:
// requests, target 5xx responses, their rate and the p95 response time.
type MetricsReport struct {
	TargetGroupArn string
	From, To       time.Time
	Requests       float64
	Errors5xx      float64
	P95            time.Duration // the highest per-minute p95 in the window
	HasP95         bool
}

// Rate5xx is the 5xx share of requests in percent (0 without requests,
// 100 for 5xx counted with no request count).
func (r MetricsReport) Rate5xx() float64 {
	if r.Requests == 0 {
		if r.Errors5xx > 0 {
			return 100
		}
		return 0
	}
	return 100 * r.Errors5xx / r.Requests
}

// String is e.g. "5xx 4.76% (30 of 630 requests), p95 180ms over 12:00:00-12:03:00".
func (r MetricsReport) String() string {
	p95 := "no data"
	if r.HasP95 {
		p95 = r.P95.String()
	}
	return fmt.Sprintf("5xx %.2f%% (%.0f of %.0f requests), p95 %s over %s-%s",
		r.Rate5xx(), r.Errors5xx, r.Requests, p95, r.From.UTC().Format("15:04:05"), r.To.UTC().Format("15:04:05"))
}

// MetricThresholds are the limits of the metrics gate.
type MetricThresholds struct {
	Max5xxRate float64       // percent
	MaxP95     time.Duration // 0: not checked
}

// Check is nil when the 5xx rate and p95 are within the thresholds; the
// error quotes the measured numbers and the limits.
func (r MetricsReport) Check(t MetricThresholds) error {
	var bad []string
	if r.Rate5xx() > t.Max5xxRate {
		bad = append(bad, fmt.Sprintf("5xx rate %.2f%% (%.0f of %.0f requests) > threshold %.2f%%", r.Rate5xx(), r.Errors5xx, r.Requests, t.Max5xxRate))
	}
	if t.MaxP95 > 0 && r.HasP95 && r.P95 > t.MaxP95 {
		bad = append(bad, fmt.Sprintf("p95 response time %s > threshold %s", r.P95, t.MaxP95))
	}
	if len(bad) == 0 {
		return nil
	}
	return &GateError{Gate: "metrics " + shortArn(r.TargetGroupArn), Detail: strings.Join(bad, "; ") +
		fmt.Sprintf(" over %s-%s", r.From.UTC().Format("15:04:05"), r.To.UTC().Format("15:04:05"))}
}

// TargetGroupMetrics reads RequestCount, HTTPCode_Target_5XX_Count (Sum) and
// TargetResponseTime (p95) of a target group behind loadBalancerArn ("" if
// unknown) per minute over [from, to), with one GetMetricData call.
func TargetGroupMetrics(ctx context.Context, api MetricsAPI, targetGroupArn, loadBalancerArn string, from, to time.Time) (MetricsReport, error) {
	from, to = from.Truncate(time.Minute), to.Truncate(time.Minute)
	if !to.After(from) {
		from = to.Add(-time.Minute)
	}
	r := MetricsReport{TargetGroupArn: targetGroupArn, From: from, To: to}
	dims := []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(arnResource(targetGroupArn, ":targetgroup/"))}}
	if loadBalancerArn != "" {
		dims = append(dims, cwtypes.Dimension{Name: aws.String("LoadBalancer"), Value: aws.String(arnResource(loadBalancerArn, ":loadbalancer/"))})
	}
	q := func(id, metric, stat string) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), ReturnData: aws.Bool(true), MetricStat: &cwtypes.MetricStat{
			Period: aws.Int32(60), Stat: aws.String(stat),
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String(metric), Dimensions: dims}}}
	}
	in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(from), EndTime: aws.Time(to), MetricDataQueries: []cwtypes.MetricDataQuery{
		q("requests", "RequestCount", "Sum"), q("errors", "HTTPCode_Target_5XX_Count", "Sum"), q("p95", "TargetResponseTime", "p95")}}
	p := cloudwatch.NewGetMetricDataPaginator(api, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return r, fmt.Errorf("CloudWatch metrics of %s: %w", shortArn(targetGroupArn), err)
		}
		for _, res := range out.MetricDataResults {
			for _, v := range res.Values {
				switch aws.ToString(res.Id) {
				case "requests":
					r.Requests += v
				case "errors":
					r.Errors5xx += v
				case "p95":
					if d := time.Duration(v * float64(time.Second)); !r.HasP95 || d > r.P95 {
						r.P95, r.HasP95 = d, true
					}
				}
			}
		}
	}
	return r, nil
}

// arnResource is the part of an ARN after marker's colon ("targetgroup/x/id").
func arnResource(arn, marker string) string {
	if _, after, ok := strings.Cut(arn, marker); ok {
		return marker[1:] + after
	}
	return arn
}
