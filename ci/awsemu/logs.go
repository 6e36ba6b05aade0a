package awsemu

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// logsState is emulated CloudWatch Logs: groups of streams of events. ECS
// tasks write here through their containers' awslogs configuration.
type logsState struct {
	e      *Emulator
	groups map[string]*logGroup
}

type logGroup struct {
	name      string
	created   time.Time
	retention *int32
	streams   map[string]*logStream
	tags      map[string]string
}

type logStream struct {
	name    string
	created time.Time
	events  []logEvent
}

type logEvent struct {
	ts, ingested int64 // epoch milliseconds
	msg          string
}

func newLogs(e *Emulator) *logsState {
	s := &logsState{e: e, groups: map[string]*logGroup{}}
	s.register()
	return s
}

func (s *logsState) groupExists(name string) bool { return s.groups[name] != nil }

// ensureGroup creates a group if missing (awslogs-create-group).
func (s *logsState) ensureGroup(name string) *logGroup {
	g := s.groups[name]
	if g == nil {
		g = &logGroup{name: name, created: s.e.Now(), streams: map[string]*logStream{}}
		s.groups[name] = g
	}
	return g
}

// appendEvents writes lines to group/stream (creating the stream) at
// instant at, one millisecond apart so their order is kept. A missing group
// drops the lines, as the awslogs driver would fail to deliver them.
func (s *logsState) appendEvents(group, stream string, at time.Time, lines []string) {
	g := s.groups[group]
	if g == nil {
		return
	}
	st := g.streams[stream]
	if st == nil {
		st = &logStream{name: stream, created: at}
		g.streams[stream] = st
	}
	for i, l := range lines {
		ms := at.UnixMilli() + int64(i)
		st.events = append(st.events, logEvent{ts: ms, ingested: ms + 5, msg: l})
	}
}

func (s *logsState) arn(group string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.e.region, s.e.account, group)
}

func notFound(what string) *APIError {
	return clientError("ResourceNotFoundException", "The specified %s does not exist.", what)
}

// logsOp registers a CloudWatch Logs action (see ecsOp).
func logsOp[In any](s *logsState, action string, run func(in *In) (any, error)) {
	s.e.onJSON("logs", action, func(body []byte) (any, error) {
		in := new(In)
		if err := decodeJSON(body, in); err != nil {
			return nil, err
		}
		return run(in)
	})
}

// group resolves logGroupName or logGroupIdentifier (a name or an ARN).
func (s *logsState) group(name, ident *string) (*logGroup, error) {
	n := deref(name)
	if n == "" {
		n = strings.TrimSuffix(deref(ident), ":*")
		if i := strings.Index(n, ":log-group:"); i >= 0 {
			n = n[i+len(":log-group:"):]
		}
	}
	if n == "" {
		return nil, invalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
	}
	g := s.groups[n]
	if g == nil {
		return nil, notFound("log group")
	}
	return g, nil
}

func (s *logsState) register() {
	logsOp(s, "CreateLogGroup", func(in *logs.CreateLogGroupInput) (any, error) {
		name := deref(in.LogGroupName)
		if name == "" || len(name) > 512 || strings.ContainsAny(name, " :*?\"<>|") {
			return nil, invalidParameter("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
		}
		if s.groups[name] != nil {
			return nil, clientError("ResourceAlreadyExistsException", "The specified log group already exists")
		}
		g := s.ensureGroup(name)
		g.tags = in.Tags
		return encodeLogs(&logs.CreateLogGroupOutput{})
	})
	logsOp(s, "DeleteLogGroup", func(in *logs.DeleteLogGroupInput) (any, error) {
		g, err := s.group(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		delete(s.groups, g.name)
		return encodeLogs(&logs.DeleteLogGroupOutput{})
	})
	logsOp(s, "PutRetentionPolicy", func(in *logs.PutRetentionPolicyInput) (any, error) {
		g, err := s.group(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		g.retention = in.RetentionInDays
		return encodeLogs(&logs.PutRetentionPolicyOutput{})
	})
	logsOp(s, "DescribeLogGroups", func(in *logs.DescribeLogGroupsInput) (any, error) {
		names := make([]string, 0, len(s.groups))
		for n := range s.groups {
			switch {
			case in.LogGroupNamePrefix != nil && !strings.HasPrefix(n, *in.LogGroupNamePrefix):
			case in.LogGroupNamePattern != nil && !strings.Contains(strings.ToLower(n), strings.ToLower(*in.LogGroupNamePattern)):
			default:
				names = append(names, n)
			}
		}
		sort.Strings(names)
		page, next, err := paginate(names, in.NextToken, in.Limit, 50)
		if err != nil {
			return nil, err
		}
		out := &logs.DescribeLogGroupsOutput{LogGroups: []types.LogGroup{}, NextToken: next}
		for _, n := range page {
			g := s.groups[n]
			var bytes int64
			for _, st := range g.streams {
				for _, ev := range st.events {
					bytes += int64(len(ev.msg))
				}
			}
			out.LogGroups = append(out.LogGroups, types.LogGroup{
				LogGroupName: ptr(n), Arn: ptr(s.arn(n) + ":*"), LogGroupArn: ptr(s.arn(n)),
				CreationTime: ptr(g.created.UnixMilli()), RetentionInDays: g.retention, StoredBytes: ptr(bytes),
				MetricFilterCount: ptr(int32(0)), LogGroupClass: types.LogGroupClassStandard,
			})
		}
		return encodeLogs(out)
	})
	logsOp(s, "CreateLogStream", func(in *logs.CreateLogStreamInput) (any, error) {
		g, err := s.group(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		name := deref(in.LogStreamName)
		if name == "" || strings.ContainsAny(name, ":*") {
			return nil, invalidParameter("Invalid log stream name: %q", name)
		}
		if g.streams[name] != nil {
			return nil, clientError("ResourceAlreadyExistsException", "The specified log stream already exists")
		}
		g.streams[name] = &logStream{name: name, created: s.e.Now()}
		return encodeLogs(&logs.CreateLogStreamOutput{})
	})
	logsOp(s, "DescribeLogStreams", func(in *logs.DescribeLogStreamsInput) (any, error) {
		g, err := s.group(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		var names []string
		for n := range g.streams {
			if in.LogStreamNamePrefix == nil || strings.HasPrefix(n, *in.LogStreamNamePrefix) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		if in.OrderBy == types.OrderByLastEventTime {
			sort.SliceStable(names, func(i, j int) bool { return lastTS(g.streams[names[i]]) < lastTS(g.streams[names[j]]) })
		}
		if deref(in.Descending) {
			for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
				names[i], names[j] = names[j], names[i]
			}
		}
		page, next, err := paginate(names, in.NextToken, in.Limit, 50)
		if err != nil {
			return nil, err
		}
		out := &logs.DescribeLogStreamsOutput{LogStreams: []types.LogStream{}, NextToken: next}
		for _, n := range page {
			st := g.streams[n]
			ls := types.LogStream{LogStreamName: ptr(n), CreationTime: ptr(st.created.UnixMilli()),
				Arn: ptr(s.arn(g.name) + ":log-stream:" + n), StoredBytes: ptr(int64(0))}
			if len(st.events) > 0 {
				ls.FirstEventTimestamp = ptr(st.events[0].ts)
				ls.LastEventTimestamp = ptr(lastTS(st))
				ls.LastIngestionTime = ptr(st.events[len(st.events)-1].ingested)
			}
			out.LogStreams = append(out.LogStreams, ls)
		}
		return encodeLogs(out)
	})
	logsOp(s, "PutLogEvents", func(in *logs.PutLogEventsInput) (any, error) {
		g, err := s.group(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		st := g.streams[deref(in.LogStreamName)]
		if st == nil {
			return nil, notFound("log stream")
		}
		now := s.e.Now().UnixMilli()
		for i, ev := range in.LogEvents {
			if i > 0 && deref(ev.Timestamp) < deref(in.LogEvents[i-1].Timestamp) {
				return nil, invalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
			}
			st.events = append(st.events, logEvent{ts: deref(ev.Timestamp), ingested: now, msg: deref(ev.Message)})
		}
		return encodeLogs(&logs.PutLogEventsOutput{NextSequenceToken: ptr(strconv.Itoa(len(st.events)))})
	})
	logsOp(s, "GetLogEvents", s.getLogEvents)
	logsOp(s, "FilterLogEvents", s.filterLogEvents)
}

func lastTS(st *logStream) int64 {
	if len(st.events) == 0 {
		return 0
	}
	return st.events[len(st.events)-1].ts
}
