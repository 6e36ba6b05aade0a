package deploy

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/traffic"
)

// GateError is a failed gate of a native deployment: which service, at
// which stage and production weight, and every check that failed with its
// numbers (measured value and threshold).
type GateError struct {
	Service string
	Stage   ecstypes.ServiceDeploymentLifecycleStage
	Weight  float64 // production percent on the new revision when the gate ran
	Failed  []string
}

func (e *GateError) Error() string {
	return fmt.Sprintf("%s: gate at %s (%.1f%% production traffic on the new revision) failed: %s", e.Service, e.Stage, e.Weight, strings.Join(e.Failed, "; "))
}

// gate runs the checks of one pause against the new revision: its target
// health, the HTTP check through the test listener, and its target group's
// CloudWatch metrics since the previous gate (at most gates.window). It
// prints one line with what it measured and returns a *GateError naming
// every failed check.
func (s *Native) gate(ctx context.Context, run *Run, ns *nativeService, sd ecstypes.ServiceDeployment, since time.Time) error {
	g := ns.cfg.Gates
	weight := 0.0
	if tr := sd.TargetServiceRevision; tr != nil {
		weight = aws.ToFloat64(tr.RequestedProductionTrafficWeight)
	}
	var passed, failed []string
	rep, err := traffic.Targets(ctx, run.nelb, ns.greenTG)
	if err == nil {
		err = rep.Check(1)
	}
	if err != nil {
		failed = append(failed, err.Error())
	} else {
		passed = append(passed, "targets "+rep.String())
	}
	if g.TestURL != "" {
		hc := traffic.HTTPCheck{URL: strings.TrimRight(g.TestURL, "/") + g.HealthCheck.Path, Status: g.HealthCheck.Status,
			Retries: g.HealthCheck.Retries, Interval: g.HealthCheck.Interval.Duration, Clock: run.clock}
		if err := hc.Wait(ctx, io.Discard); err != nil {
			failed = append(failed, err.Error())
		} else {
			passed = append(passed, fmt.Sprintf("HTTP %s %d", hc.URL, hc.Status))
		}
	}
	if ns.cfg.MetricsGate() {
		to := run.now()
		from := since
		if w := g.Window.Duration; to.Sub(from) > w {
			from = to.Add(-w)
		}
		m, err := traffic.TargetGroupMetrics(ctx, run.cw, ns.greenTG, ns.lbArn, from, to)
		if err == nil {
			err = m.Check(traffic.MetricThresholds{Max5xxRate: g.Max5xxRate, MaxP95: g.MaxP95.Duration})
		}
		if err != nil {
			failed = append(failed, err.Error())
		} else {
			passed = append(passed, m.String())
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	verdict := "continue"
	if len(failed) > 0 {
		verdict = "ROLLBACK: " + strings.Join(failed, "; ")
	}
	run.Printf("    %s: gate at %s (%.1f%% production): %s -> %s", ns.t.Service, sd.LifecycleStage, weight, strings.Join(passed, "; "), verdict)
	if len(failed) > 0 {
		return &GateError{Service: ns.t.Service, Stage: sd.LifecycleStage, Weight: weight, Failed: failed}
	}
	return nil
}
