package awsemu

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestLogsPagingAndErrors(t *testing.T) {
	te := newTestEnv(t, Timing{})
	ctx := te.ctx
	_, err := te.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/none"), LogStreamName: aws.String("s")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "The specified log group does not exist." {
		t.Fatalf("missing group: %v", err)
	}
	if _, err := te.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app")}); err != nil {
		t.Fatal(err)
	}
	_, err = te.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app")})
	var dup *types.ResourceAlreadyExistsException
	if !errors.As(err, &dup) {
		t.Fatalf("duplicate group: %v", err)
	}
	groups, err := te.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/")})
	if err != nil || len(groups.LogGroups) != 1 || *groups.LogGroups[0].LogGroupName != "/ecs/app" {
		t.Fatalf("describe groups: %+v %v", groups, err)
	}
	if _, err := te.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	var evs []types.InputLogEvent
	for i := 0; i < 25; i++ {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(testStart.UnixMilli() + int64(i)), Message: aws.String(fmt.Sprintf("line %02d", i))})
	}
	if _, err := te.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s1"), LogEvents: evs}); err != nil {
		t.Fatal(err)
	}

	// Forward from the head, 10 at a time, until the token repeats.
	var got []string
	var token *string
	for pages := 0; ; pages++ {
		out, err := te.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s1"),
			StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range out.Events {
			got = append(got, *ev.Message)
		}
		if token != nil && *out.NextForwardToken == *token {
			break
		}
		token = out.NextForwardToken
		if pages > 5 {
			t.Fatal("forward token never repeated")
		}
	}
	if len(got) != 25 || got[0] != "line 00" || got[24] != "line 24" {
		t.Fatalf("forward read %d events: %v", len(got), got)
	}
	// Default (no startFromHead) is the tail; the backward token pages back.
	tail, err := te.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s1"), Limit: aws.Int32(5)})
	if err != nil || len(tail.Events) != 5 || *tail.Events[0].Message != "line 20" {
		t.Fatalf("tail: %+v %v", tail.Events, err)
	}
	back, err := te.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("s1"), Limit: aws.Int32(5), NextToken: tail.NextBackwardToken})
	if err != nil || *back.Events[0].Message != "line 15" || *back.Events[4].Message != "line 19" {
		t.Fatalf("backward page: %+v %v", back.Events, err)
	}
	_, err = te.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/app"), LogStreamName: aws.String("nope")})
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "The specified log stream does not exist." {
		t.Fatalf("missing stream: %v", err)
	}

	filtered, err := te.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/ecs/app"), FilterPattern: aws.String(`"line 1"`)})
	if err != nil || len(filtered.Events) != 10 || *filtered.Events[0].LogStreamName != "s1" {
		t.Fatalf("filter: %d events %v", len(filtered.Events), err)
	}
}
