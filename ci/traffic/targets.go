package traffic

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/bitflow-lms/pipeline/ci/internal/clock"
)

// TargetReport is the ELBv2 target health of one target group at one moment.
type TargetReport struct {
	TargetGroupArn string
	Healthy        int      // targets in state healthy
	Total          int      // registered targets, draining ones excluded
	Draining       int      // targets being deregistered (old tasks going away)
	Problems       []string // one line per target that is not healthy, with its reason
}

// String is e.g. "2/3 healthy; 10.0.1.7:8000 initial (Elb.InitialHealthChecking)".
func (r TargetReport) String() string {
	s := fmt.Sprintf("%d/%d healthy", r.Healthy, r.Total)
	if r.Draining > 0 {
		s += fmt.Sprintf(", %d draining", r.Draining)
	}
	if len(r.Problems) > 0 {
		s += "; " + strings.Join(r.Problems, "; ")
	}
	return s
}

// Check is nil when every (non-draining) target is healthy and there are at
// least min of them.
func (r TargetReport) Check(min int) error {
	if min < 1 {
		min = 1
	}
	if r.Total >= min && r.Healthy == r.Total {
		return nil
	}
	return &GateError{Gate: "target health " + shortArn(r.TargetGroupArn), Detail: fmt.Sprintf("%s (need all healthy and at least %d)", r, min)}
}

// GateError is a health gate that did not pass.
type GateError struct {
	Gate   string // e.g. "target health bitflow-backend-green", "HTTP https://green.example/health"
	Detail string
}

func (e *GateError) Error() string { return e.Gate + ": " + e.Detail }

// Targets reads a target group's target health once.
func Targets(ctx context.Context, api ELBAPI, targetGroupArn string) (TargetReport, error) {
	out, err := api.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(targetGroupArn)})
	if err != nil {
		return TargetReport{TargetGroupArn: targetGroupArn}, fmt.Errorf("describe target health of %s: %w", targetGroupArn, err)
	}
	r := TargetReport{TargetGroupArn: targetGroupArn}
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth == nil {
			continue
		}
		state := d.TargetHealth.State
		if state == elbtypes.TargetHealthStateEnumDraining {
			r.Draining++
			continue
		}
		r.Total++
		if state == elbtypes.TargetHealthStateEnumHealthy {
			r.Healthy++
			continue
		}
		id := ""
		if d.Target != nil {
			id = aws.ToString(d.Target.Id)
			if d.Target.Port != nil {
				id += fmt.Sprintf(":%d", *d.Target.Port)
			}
		}
		p := fmt.Sprintf("%s %s", id, state)
		if d.TargetHealth.Reason != "" {
			p += " (" + string(d.TargetHealth.Reason)
			if desc := aws.ToString(d.TargetHealth.Description); desc != "" {
				p += ": " + desc
			}
			p += ")"
		}
		r.Problems = append(r.Problems, p)
	}
	return r, nil
}

// TargetCheck is a Check that passes when a target group has at least Min
// targets and all of them are healthy.
func TargetCheck(api ELBAPI, targetGroupArn string, min int) Check {
	return Check{Name: "target health " + shortArn(targetGroupArn), Run: func(ctx context.Context) error {
		r, err := Targets(ctx, api, targetGroupArn)
		if err != nil {
			return err
		}
		return r.Check(min)
	}}
}

// WaitOptions bound a wait for a gate to pass.
type WaitOptions struct {
	Timeout  time.Duration // whole wait (default 5m: the seed's 10 checks 30 s apart)
	Interval time.Duration // between polls (default 5s)
	Out      io.Writer     // progress lines when the state changes (optional)
	Clock    clock.Clock   // paces the polls and reads the timeout (default: the wall clock)
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	return o
}

// WaitTargetsHealthy polls target health until every non-draining target is
// healthy and there are at least minHealthy, or the timeout passes (the error then
// carries the last report's reasons). Draining targets are ignored and a
// minimum is enforced, which the SDK's TargetInService waiter does not do,
// hence this poll loop.
func WaitTargetsHealthy(ctx context.Context, api ELBAPI, targetGroupArn string, minHealthy int, o WaitOptions) (TargetReport, error) {
	o = o.withDefaults()
	clk := clock.Or(o.Clock)
	deadline := clk.Now().Add(o.Timeout)
	ctx, cancel := context.WithTimeout(ctx, o.Timeout) // also bounds a call that hangs
	defer cancel()
	last := ""
	var r TargetReport
	var gate error = fmt.Errorf("no target health read yet")
	for {
		cur, err := Targets(ctx, api, targetGroupArn)
		if err == nil {
			r = cur
			if line := r.String(); line != last {
				fmt.Fprintf(o.Out, "target health %s: %s\n", shortArn(targetGroupArn), line)
				last = line
			}
			if gate = r.Check(minHealthy); gate == nil {
				return r, nil
			}
		} else if ctx.Err() == nil {
			gate = err
		}
		left := deadline.Sub(clk.Now())
		if left <= 0 {
			return r, fmt.Errorf("waiting for targets of %s to be healthy: %w: %w", shortArn(targetGroupArn), context.DeadlineExceeded, gate)
		}
		if err := clk.Sleep(ctx, min(o.Interval, left)); err != nil {
			return r, fmt.Errorf("waiting for targets of %s to be healthy: %w: %w", shortArn(targetGroupArn), err, gate)
		}
	}
}

// shortArn turns a target group ARN into its name.
func shortArn(arn string) string {
	if _, after, ok := strings.Cut(arn, ":targetgroup/"); ok {
		name, _, _ := strings.Cut(after, "/")
		return name
	}
	return arn
}
