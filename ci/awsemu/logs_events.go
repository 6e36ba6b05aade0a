package awsemu

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// getLogEvents pages through one stream with CloudWatch's token semantics:
// "f/<n>" reads forward from position n, "b/<n>" reads the page ending at n;
// without a token startFromHead picks the head, else the tail. At the end
// of the stream nextForwardToken repeats the token passed in.
func (s *logsState) getLogEvents(in *logs.GetLogEventsInput) (any, error) {
	g, err := s.group(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	st := g.streams[deref(in.LogStreamName)]
	if st == nil {
		return nil, notFound("log stream")
	}
	var evs []logEvent
	for _, ev := range st.events {
		if in.StartTime != nil && ev.ts < *in.StartTime || in.EndTime != nil && ev.ts >= *in.EndTime {
			continue
		}
		evs = append(evs, ev)
	}
	limit := int(deref(in.Limit))
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	var start, end int
	switch tok := deref(in.NextToken); {
	case tok == "" && deref(in.StartFromHead):
		start, end = 0, min(limit, len(evs))
	case tok == "":
		end = len(evs)
		start = max(0, end-limit)
	default:
		dir, n, ok := parseLogToken(tok)
		if !ok || n > len(evs) {
			return nil, invalidParameter("The specified nextToken is invalid.")
		}
		if dir == 'f' {
			start, end = n, min(n+limit, len(evs))
		} else {
			start, end = max(0, n-limit), n
		}
	}
	out := &logs.GetLogEventsOutput{
		Events:            []types.OutputLogEvent{},
		NextForwardToken:  ptr(fmt.Sprintf("f/%020d/s", end)),
		NextBackwardToken: ptr(fmt.Sprintf("b/%020d/s", start)),
	}
	for _, ev := range evs[start:end] {
		out.Events = append(out.Events, types.OutputLogEvent{Timestamp: ptr(ev.ts), IngestionTime: ptr(ev.ingested), Message: ptr(ev.msg)})
	}
	return encodeLogs(out)
}

func parseLogToken(tok string) (byte, int, bool) {
	parts := strings.Split(tok, "/")
	if len(parts) != 3 || parts[0] != "f" && parts[0] != "b" {
		return 0, 0, false
	}
	n, err := strconv.Atoi(parts[1])
	return parts[0][0], n, err == nil && n >= 0
}

// filterLogEvents searches streams of a group: filterPattern terms must all
// appear in a message (a quoted pattern matches as one phrase).
func (s *logsState) filterLogEvents(in *logs.FilterLogEventsInput) (any, error) {
	g, err := s.group(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, invalidParameter("Cannot specify both logStreamNames and logStreamNamePrefix.")
	}
	want := map[string]bool{}
	for _, n := range in.LogStreamNames {
		want[n] = true
	}
	terms := filterTerms(deref(in.FilterPattern))
	var all []types.FilteredLogEvent
	for name, st := range g.streams {
		if len(want) > 0 && !want[name] || in.LogStreamNamePrefix != nil && !strings.HasPrefix(name, *in.LogStreamNamePrefix) {
			continue
		}
		for i, ev := range st.events {
			if in.StartTime != nil && ev.ts < *in.StartTime || in.EndTime != nil && ev.ts > *in.EndTime || !matchesTerms(ev.msg, terms) {
				continue
			}
			all = append(all, types.FilteredLogEvent{
				EventId: ptr(fmt.Sprintf("%d%06d", ev.ts, i)), LogStreamName: ptr(name), Message: ptr(ev.msg),
				Timestamp: ptr(ev.ts), IngestionTime: ptr(ev.ingested),
			})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if *all[i].Timestamp != *all[j].Timestamp {
			return *all[i].Timestamp < *all[j].Timestamp
		}
		return *all[i].LogStreamName < *all[j].LogStreamName
	})
	start := 0
	if tok := deref(in.NextToken); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(all) {
			return nil, invalidParameter("The specified nextToken is invalid.")
		}
		start = n
	}
	limit := int(deref(in.Limit))
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	end := min(start+limit, len(all))
	out := &logs.FilterLogEventsOutput{Events: append([]types.FilteredLogEvent{}, all[start:end]...)}
	if end < len(all) {
		out.NextToken = ptr(strconv.Itoa(end))
	}
	return encodeLogs(out)
}

func filterTerms(p string) []string {
	p = strings.TrimSpace(p)
	if p == "" {
		return nil
	}
	if strings.HasPrefix(p, "\"") && strings.HasSuffix(p, "\"") && len(p) > 1 {
		return []string{p[1 : len(p)-1]}
	}
	return strings.Fields(p)
}

func matchesTerms(msg string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	return true
}
