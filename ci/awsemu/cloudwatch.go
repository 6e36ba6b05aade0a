package awsemu

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	smithy "github.com/aws/smithy-go"
)

// cloudwatchState is the CloudWatch subset a native ECS deployment uses:
// GetMetricData for the ALB target-group metrics (namespace
// AWS/ApplicationELB, dimension TargetGroup) and DescribeAlarms. Tests script
// both: a metric's value per target group from an instant on (SetMetric),
// and an alarm's state from an instant on (SetAlarmState). ECS reads the
// alarms too (alarm-triggered rollback of a native deployment).
type cloudwatchState struct {
	e       *Emulator
	metrics map[string][]scripted // "<target group name>|<metric>" -> values by time
	alarms  map[string]*cwAlarm
}

// scripted is a value in force from an instant on.
type scripted struct {
	from  time.Time
	value float64
	state string
	why   string
}

// cwAlarm is a metric alarm whose state follows a script.
type cwAlarm struct {
	name    string
	created time.Time
	states  []scripted // ordered by from
}

// ALB target-group metric names the emulator serves.
const (
	MetricRequestCount       = "RequestCount"
	MetricTarget5XX          = "HTTPCode_Target_5XX_Count"
	MetricTargetResponseTime = "TargetResponseTime"
)

func newCloudWatch(e *Emulator) *cloudwatchState {
	s := &cloudwatchState{e: e, metrics: map[string][]scripted{}, alarms: map[string]*cwAlarm{}}
	e.onCBOR("cloudwatch", "GetMetricData", func(body []byte) (smithy.Serializable, error) {
		in := &cloudwatch.GetMetricDataInput{}
		if err := decodeCBOR(body, in); err != nil {
			return nil, err
		}
		return s.getMetricData(in)
	})
	e.onCBOR("cloudwatch", "DescribeAlarms", func(body []byte) (smithy.Serializable, error) {
		in := &cloudwatch.DescribeAlarmsInput{}
		if err := decodeCBOR(body, in); err != nil {
			return nil, err
		}
		return s.describeAlarms(in)
	})
	e.onControl("cloudwatch/metric", s.serveMetricControl)
	e.onControl("cloudwatch/alarm", s.serveAlarmControl)
	return s
}

// controlFrom reads the optional "from" (a duration relative to the
// emulator's clock, e.g. -5m or 30s; default now).
func (s *cloudwatchState) controlFrom(r *http.Request) (time.Time, error) {
	now := s.e.Now()
	v := r.URL.Query().Get("from")
	if v == "" {
		return now, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return now, err
	}
	return now.Add(d), nil
}

// serveMetricControl: POST /_emulator/cloudwatch/metric?targetGroup=&metric=&value=[&from=].
func (s *cloudwatchState) serveMetricControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := strconv.ParseFloat(q.Get("value"), 64)
	from, ferr := s.controlFrom(r)
	if r.Method != http.MethodPost || q.Get("targetGroup") == "" || q.Get("metric") == "" || err != nil || ferr != nil {
		http.Error(w, "POST with targetGroup, metric, value (number) and optional from (duration, e.g. -5m)", http.StatusBadRequest)
		return
	}
	s.e.SetMetric(q.Get("targetGroup"), q.Get("metric"), from, v)
	writeControlJSON(w, http.StatusOK, map[string]any{"targetGroup": q.Get("targetGroup"), "metric": q.Get("metric"), "value": v, "from": from})
}

// serveAlarmControl: POST /_emulator/cloudwatch/alarm?name=&state=[&from=][&reason=].
func (s *cloudwatchState) serveAlarmControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := s.controlFrom(r)
	st := q.Get("state")
	if r.Method != http.MethodPost || q.Get("name") == "" || err != nil || (st != "OK" && st != "ALARM" && st != "INSUFFICIENT_DATA") {
		http.Error(w, "POST with name, state (OK, ALARM, INSUFFICIENT_DATA) and optional from (duration), reason", http.StatusBadRequest)
		return
	}
	s.e.SetAlarmState(q.Get("name"), st, from, q.Get("reason"))
	writeControlJSON(w, http.StatusOK, map[string]any{"name": q.Get("name"), "state": st, "from": from})
}

// SetMetric scripts an ALB metric of a target group (by name) from instant
// from on: for RequestCount and HTTPCode_Target_5XX_Count the value is the
// count per minute (Sum over a period scales with its length); for
// TargetResponseTime it is the response time in seconds that every
// statistic (p95, Average, Maximum) reports.
func (e *Emulator) SetMetric(targetGroup, metric string, from time.Time, value float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := targetGroup + "|" + metric
	s := append(e.cloudwatch.metrics[k], scripted{from: from, value: value})
	sort.SliceStable(s, func(i, j int) bool { return s[i].from.Before(s[j].from) })
	e.cloudwatch.metrics[k] = s
}

// DefineAlarm creates a metric alarm in state OK (idempotent).
func (e *Emulator) DefineAlarm(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cloudwatch.alarm(name)
}

// SetAlarmState scripts alarm name (created if needed) to be in state
// (OK, ALARM, INSUFFICIENT_DATA) from instant from on, with reason.
func (e *Emulator) SetAlarmState(name, state string, from time.Time, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.cloudwatch.alarm(name)
	a.states = append(a.states, scripted{from: from, state: state, why: reason})
	sort.SliceStable(a.states, func(i, j int) bool { return a.states[i].from.Before(a.states[j].from) })
}

func (s *cloudwatchState) alarm(name string) *cwAlarm {
	a := s.alarms[name]
	if a == nil {
		a = &cwAlarm{name: name, created: s.e.clock.Now()}
		s.alarms[name] = a
	}
	return a
}

// state is the alarm's state at instant at, with its reason and since when.
func (a *cwAlarm) state(at time.Time) (string, string, time.Time) {
	st, why, since := "OK", "Threshold Crossed: no datapoints were breaching", a.created
	for _, x := range a.states {
		if x.from.After(at) {
			break
		}
		st, why, since = x.state, x.why, x.from
	}
	return st, why, since
}

// nextChange is the first scripted change of any named alarm after t.
func (s *cloudwatchState) nextChange(names []string, after time.Time) time.Time {
	var next time.Time
	for _, n := range names {
		if a := s.alarms[n]; a != nil {
			for _, x := range a.states {
				if x.from.After(after) && (next.IsZero() || x.from.Before(next)) {
					next = x.from
				}
			}
		}
	}
	return next
}

// inAlarm lists the named alarms in state ALARM at instant at.
func (s *cloudwatchState) inAlarm(names []string, at time.Time) []string {
	var out []string
	for _, n := range names {
		if a := s.alarms[n]; a != nil {
			if st, _, _ := a.state(at); st == "ALARM" {
				out = append(out, n)
			}
		}
	}
	return out
}

func (s *cloudwatchState) arn(name string) string {
	return "arn:aws:cloudwatch:" + s.e.region + ":" + s.e.account + ":alarm:" + name
}

func (s *cloudwatchState) describeAlarms(in *cloudwatch.DescribeAlarmsInput) (smithy.Serializable, error) {
	if len(in.AlarmNames) > 100 {
		return nil, clientError("InvalidParameterValue", "AlarmNames can contain at most 100 names.")
	}
	now := s.e.clock.Now()
	names := in.AlarmNames
	if len(names) == 0 {
		for n := range s.alarms {
			if in.AlarmNamePrefix == nil || strings.HasPrefix(n, *in.AlarmNamePrefix) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
	}
	out := &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{}, CompositeAlarms: []cwtypes.CompositeAlarm{}}
	for _, n := range names {
		a := s.alarms[n]
		if a == nil {
			continue
		}
		st, why, since := a.state(now)
		if in.StateValue != "" && string(in.StateValue) != st {
			continue
		}
		out.MetricAlarms = append(out.MetricAlarms, cwtypes.MetricAlarm{
			AlarmName: ptr(n), AlarmArn: ptr(s.arn(n)), StateValue: cwtypes.StateValue(st), StateReason: ptr(why),
			StateUpdatedTimestamp: ptr(since), StateTransitionedTimestamp: ptr(since), AlarmConfigurationUpdatedTimestamp: ptr(a.created),
			ActionsEnabled: ptr(true), Namespace: ptr("AWS/ApplicationELB"),
		})
	}
	return out, nil
}

// getMetricData answers MetricStat queries of AWS/ApplicationELB target
// group metrics, one datapoint per period from StartTime to EndTime (newest
// first, as CloudWatch's default ScanBy TimestampDescending).
func (s *cloudwatchState) getMetricData(in *cloudwatch.GetMetricDataInput) (smithy.Serializable, error) {
	if len(in.MetricDataQueries) == 0 {
		return nil, clientError("MissingParameter", "The parameter MetricDataQueries is required.")
	}
	if len(in.MetricDataQueries) > 500 {
		return nil, clientError("InvalidParameterValue", "MetricDataQueries can contain at most 500 queries.")
	}
	if in.StartTime == nil || in.EndTime == nil {
		return nil, clientError("MissingParameter", "The parameters StartTime and EndTime are required.")
	}
	start, end := *in.StartTime, *in.EndTime
	if !start.Before(end) {
		return nil, clientError("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.")
	}
	out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []cwtypes.MetricDataResult{}, Messages: []cwtypes.MessageData{}}
	for _, q := range in.MetricDataQueries {
		if deref(q.Id) == "" {
			return nil, clientError("MissingParameter", "The parameter MetricDataQueries.member.Id is required.")
		}
		ms := q.MetricStat
		if ms == nil || ms.Metric == nil {
			return nil, clientError("InvalidParameterValue", "Query %s: this emulator serves MetricStat queries only.", *q.Id)
		}
		period := deref(ms.Period)
		if period < 1 || period%60 != 0 && period > 60 || deref(ms.Stat) == "" {
			return nil, clientError("InvalidParameterValue", "Query %s: the Period must be 1, 5, 10, 30 or a multiple of 60, and Stat is required.", *q.Id)
		}
		res := cwtypes.MetricDataResult{Id: q.Id, Label: ptr(deref(ms.Metric.MetricName)), StatusCode: cwtypes.StatusCodeComplete,
			Timestamps: []time.Time{}, Values: []float64{}}
		tg := metricTargetGroup(ms.Metric)
		step := time.Duration(period) * time.Second
		for t := start.Truncate(step); t.Before(end); t = t.Add(step) {
			if t.Before(start) {
				continue
			}
			v, ok := s.value(tg, deref(ms.Metric.MetricName), deref(ms.Stat), t, step)
			if !ok {
				continue
			}
			res.Timestamps = append([]time.Time{t}, res.Timestamps...)
			res.Values = append([]float64{v}, res.Values...)
		}
		if q.ReturnData == nil || *q.ReturnData {
			out.MetricDataResults = append(out.MetricDataResults, res)
		}
	}
	return out, nil
}

// metricTargetGroup is the target group name of a TargetGroup dimension
// ("targetgroup/<name>/<id>").
func metricTargetGroup(m *cwtypes.Metric) string {
	if deref(m.Namespace) != "AWS/ApplicationELB" {
		return ""
	}
	for _, d := range m.Dimensions {
		if deref(d.Name) == "TargetGroup" {
			parts := strings.Split(deref(d.Value), "/")
			if len(parts) >= 2 {
				return parts[1]
			}
		}
	}
	return ""
}

// value is the statistic of a scripted metric over [t, t+step): counts are
// summed per minute, response times take the scripted value. No script (or
// no datapoint yet) is no datapoint, as CloudWatch omits empty periods.
func (s *cloudwatchState) value(tg, metric, stat string, t time.Time, step time.Duration) (float64, bool) {
	script := s.metrics[tg+"|"+metric]
	at := func(x time.Time) (float64, bool) {
		v, ok := 0.0, false
		for _, p := range script {
			if p.from.After(x) {
				break
			}
			v, ok = p.value, true
		}
		return v, ok
	}
	if metric == MetricTargetResponseTime {
		return at(t)
	}
	sum, any := 0.0, false
	minute := time.Minute
	for x := t; x.Before(t.Add(step)); x = x.Add(minute) {
		v, ok := at(x)
		if ok {
			sum += v * math.Min(1, float64(step)/float64(minute))
			any = true
		}
		if step < minute {
			break
		}
	}
	if stat != "Sum" && any {
		return sum / math.Max(1, float64(step/minute)), true
	}
	return sum, any
}
