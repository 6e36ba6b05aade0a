package ecs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/internal/clock"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// LogsAPI is the CloudWatch Logs call used to show a failed migration's output.
type LogsAPI interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// Migration describes one migration run.
type Migration struct {
	Cluster        string
	TaskDefinition string   // family, family:revision or ARN of the migration task
	Container      string   // gets Image and runs Command
	Image          string   // the NEW backend image (digest-pinned)
	Command        []string // e.g. php artisan migrate --force
	// Service is the backend service as described: its network configuration,
	// launch type / capacity provider strategy and platform version are used.
	Service  *types.Service
	Timeout  time.Duration // default 15m
	Poll     time.Duration // default 2s
	LogLines int           // default 50
	Out      io.Writer
	Clock    clock.Clock // paces the wait and reads its timeout (default: the wall clock)
	// Group is the RunTask group (default "migration").
	Group string
	// ReadLog reads the log (last LogLines lines) on success too, for a
	// command whose output is the result (migrate --pretend).
	ReadLog bool
}

// MigrationResult is what the migration task did.
type MigrationResult struct {
	TaskArn           string
	TaskDefinitionArn string
	LastStatus        string
	ExitCode          *int32
	StopCode          string
	StoppedReason     string
	ContainerReason   string
	LogTail           []string // last LogLines lines of the container's log stream (failures, or ReadLog)
	LogStream         string   // group/stream the tail was read from
}

// MigrationError is a migration that did not exit 0 (or could not be run or
// awaited). Nothing has been deployed when it is returned.
type MigrationError struct {
	Reason string
	Result *MigrationResult
	Err    error
}

func (e *MigrationError) Error() string {
	var b strings.Builder
	b.WriteString("migration failed: " + e.Reason)
	if r := e.Result; r != nil && r.TaskArn != "" {
		fmt.Fprintf(&b, " [task %s", shortTD(r.TaskArn))
		if r.ExitCode != nil {
			fmt.Fprintf(&b, ", exit code %d", *r.ExitCode)
		}
		if r.StopCode != "" {
			fmt.Fprintf(&b, ", stop code %s", r.StopCode)
		}
		if r.StoppedReason != "" {
			fmt.Fprintf(&b, ", stopped reason %q", r.StoppedReason)
		}
		if r.ContainerReason != "" {
			fmt.Fprintf(&b, ", container reason %q", r.ContainerReason)
		}
		b.WriteString("]")
		if len(r.LogTail) > 0 {
			fmt.Fprintf(&b, "\nlast %d log lines of %s:\n  %s", len(r.LogTail), r.LogStream, strings.Join(r.LogTail, "\n  "))
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *MigrationError) Unwrap() error { return e.Err }

// RunMigration registers a revision of the migration task definition with
// the new backend image, runs it once with the backend service's network
// configuration, waits until it has STOPPED (honouring ctx and m.Timeout),
// and reads the container's exit code. Any outcome other than exit code 0 is
// a *MigrationError with the stop code, stopped reason, exit code and the
// last lines of the container's CloudWatch log stream.
func RunMigration(ctx context.Context, api API, logs LogsAPI, m Migration) (*MigrationResult, error) {
	if m.Timeout <= 0 {
		m.Timeout = 15 * time.Minute
	}
	if m.Poll <= 0 {
		m.Poll = 2 * time.Second
	}
	if m.LogLines <= 0 {
		m.LogLines = 50
	}
	out := m.Out
	if out == nil {
		out = io.Discard
	}
	if m.Service == nil {
		return nil, &MigrationError{Reason: "no backend service given for the network configuration"}
	}
	td, err := DescribeTaskDefinition(ctx, api, m.TaskDefinition)
	if err != nil {
		return nil, &MigrationError{Reason: "cannot read the migration task definition", Err: err}
	}
	in, err := Render(td, map[string]string{m.Container: m.Image})
	if err != nil {
		return nil, &MigrationError{Reason: "cannot render the migration task definition", Err: err}
	}
	reg, err := Register(ctx, api, in)
	if err != nil {
		return nil, &MigrationError{Reason: "cannot register the migration task definition", Err: err}
	}
	res := &MigrationResult{TaskDefinitionArn: aws.ToString(reg.TaskDefinitionArn)}
	run := runTaskInput(m, res.TaskDefinitionArn)
	fmt.Fprintf(out, "migration: running %q in %s (%s) with image %s\n", strings.Join(m.Command, " "), m.Container, shortTD(res.TaskDefinitionArn), manifest.ShortRef(m.Image))
	ran, err := api.RunTask(ctx, run)
	if err != nil {
		return res, &MigrationError{Reason: "RunTask failed", Result: res, Err: err}
	}
	if len(ran.Tasks) == 0 {
		var why []string
		for _, f := range ran.Failures {
			why = append(why, aws.ToString(f.Arn)+": "+aws.ToString(f.Reason)+" "+aws.ToString(f.Detail))
		}
		return res, &MigrationError{Reason: "RunTask started no task: " + strings.Join(why, "; "), Result: res}
	}
	res.TaskArn = aws.ToString(ran.Tasks[0].TaskArn)
	task, err := waitStopped(ctx, api, m, res, out)
	if err != nil {
		return res, err
	}
	fill(res, task, m.Container)
	if res.ExitCode != nil && *res.ExitCode == 0 {
		fmt.Fprintf(out, "migration: task %s exited 0\n", shortTD(res.TaskArn))
		if m.ReadLog {
			if res.LogTail, res.LogStream, err = logTail(ctx, logs, reg, m.Container, res.TaskArn, m.LogLines); err != nil {
				return res, &MigrationError{Reason: "cannot read the task's log", Result: res, Err: err}
			}
		}
		return res, nil
	}
	res.LogTail, res.LogStream, err = logTail(ctx, logs, reg, m.Container, res.TaskArn, m.LogLines)
	if err != nil {
		res.LogTail = []string{"(could not read the log stream: " + err.Error() + ")"}
	}
	reason := "the migration container exited non-zero"
	if res.ExitCode == nil {
		reason = "the migration container has no exit code (it did not run to completion)"
	}
	return res, &MigrationError{Reason: reason, Result: res}
}

// runTaskInput copies the backend service's launch settings.
func runTaskInput(m Migration, tdArn string) *awsecs.RunTaskInput {
	svc := m.Service
	in := &awsecs.RunTaskInput{
		Cluster:              aws.String(m.Cluster),
		TaskDefinition:       aws.String(tdArn),
		Count:                aws.Int32(1),
		NetworkConfiguration: svc.NetworkConfiguration,
		PlatformVersion:      svc.PlatformVersion,
		StartedBy:            aws.String("bitflow-deploy"),
		Group:                aws.String(cmp.Or(m.Group, "migration")),
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{
			Name: aws.String(m.Container), Command: m.Command,
		}}},
	}
	if len(svc.CapacityProviderStrategy) > 0 {
		in.CapacityProviderStrategy = svc.CapacityProviderStrategy
	} else {
		in.LaunchType = svc.LaunchType
	}
	return in
}

// waitStopped waits with the SDK's TasksStopped waiter until the task is
// STOPPED, printing status changes. The clock paces the attempts (Poll apart)
// and reads the timeout; the waiter's own delay is a nanosecond, so a test on
// a manual clock does not wait. Cancellation and the timeout leave the task
// running and say so.
func waitStopped(ctx context.Context, api API, m Migration, res *MigrationResult, out io.Writer) (types.Task, error) {
	clk := clock.Or(m.Clock)
	start := clk.Now()
	deadline := start.Add(m.Timeout)
	var apiErr error
	waiter := awsecs.NewTasksStoppedWaiter(api, func(o *awsecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Nanosecond, time.Nanosecond
		stopped := o.Retryable
		o.Retryable = func(ctx context.Context, in *awsecs.DescribeTasksInput, desc *awsecs.DescribeTasksOutput, err error) (bool, error) {
			if err != nil {
				if ctx.Err() == nil {
					apiErr = err
				}
				return false, err
			}
			if len(desc.Tasks) > 0 {
				if s := aws.ToString(desc.Tasks[0].LastStatus); s != res.LastStatus {
					res.LastStatus = s
					fmt.Fprintf(out, "migration: [%6s] task %s %s\n", clk.Now().Sub(start).Round(time.Second), shortTD(res.TaskArn), s)
				}
			}
			retry, err := stopped(ctx, in, desc, err)
			if !retry || err != nil {
				return retry, err
			}
			left := deadline.Sub(clk.Now())
			if left <= 0 {
				return false, context.DeadlineExceeded
			}
			return true, clk.Sleep(ctx, min(m.Poll, left))
		}
	})
	desc, err := waiter.WaitForOutput(ctx, &awsecs.DescribeTasksInput{Cluster: aws.String(m.Cluster), Tasks: []string{res.TaskArn}}, m.Timeout)
	switch {
	case err == nil:
		return desc.Tasks[0], nil
	case ctx.Err() != nil:
		reason := fmt.Sprintf("cancelled while the migration task was %s; %s", orDash(res.LastStatus), stopMigration(ctx, api, m, res, "the deploy was cancelled", out))
		return types.Task{}, &MigrationError{Reason: reason, Result: res, Err: ctx.Err()}
	case apiErr != nil:
		return types.Task{}, &MigrationError{Reason: "DescribeTasks failed while waiting", Result: res, Err: apiErr}
	default:
		reason := fmt.Sprintf("timed out after %s waiting for the migration task (it was %s); %s", m.Timeout, orDash(res.LastStatus),
			stopMigration(ctx, api, m, res, fmt.Sprintf("the migration ran past its %s timeout", m.Timeout), out))
		return types.Task{}, &MigrationError{Reason: reason, Result: res, Err: context.DeadlineExceeded}
	}
}

// stopTimeout bounds the StopTask call made after a cancel or a timeout.
const stopTimeout = 30 * time.Second

// stopMigration stops the migration task (StopTask, on a fresh context: the
// run's own may be cancelled) so that no migration keeps running unwatched,
// and says what happened.
func stopMigration(ctx context.Context, api API, m Migration, res *MigrationResult, why string, out io.Writer) string {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
	defer cancel()
	_, err := api.StopTask(sctx, &awsecs.StopTaskInput{Cluster: aws.String(m.Cluster), Task: aws.String(res.TaskArn),
		Reason: aws.String("bitflow-deploy: " + why)})
	if err != nil {
		fmt.Fprintf(out, "migration: StopTask %s failed: %v\n", shortTD(res.TaskArn), err)
		return fmt.Sprintf("stopping it failed (%v): it may still be running, check it before retrying", err)
	}
	fmt.Fprintf(out, "migration: stopped task %s (StopTask: %s)\n", shortTD(res.TaskArn), why)
	return "it was stopped (StopTask)"
}

func fill(res *MigrationResult, task types.Task, container string) {
	res.StopCode = string(task.StopCode)
	res.StoppedReason = aws.ToString(task.StoppedReason)
	for _, c := range task.Containers {
		if aws.ToString(c.Name) == container {
			res.ExitCode = c.ExitCode
			res.ContainerReason = aws.ToString(c.Reason)
		}
	}
}

// logTail reads the last n lines of the container's awslogs stream
// (<prefix>/<container>/<task id>).
func logTail(ctx context.Context, logs LogsAPI, td *types.TaskDefinition, container, taskArn string, n int) ([]string, string, error) {
	if logs == nil {
		return nil, "", errors.New("no CloudWatch Logs client")
	}
	var lc *types.LogConfiguration
	for _, c := range td.ContainerDefinitions {
		if aws.ToString(c.Name) == container {
			lc = c.LogConfiguration
		}
		// Secrets the task definition carries in plain text are masked in
		// the tail (and everywhere after) whatever shape the log gives them.
		for _, kv := range c.Environment {
			if scrub.SecretName(aws.ToString(kv.Name)) {
				scrub.Known(aws.ToString(kv.Value))
			}
		}
	}
	if lc == nil || lc.LogDriver != types.LogDriverAwslogs {
		return nil, "", fmt.Errorf("container %s does not log with awslogs", container)
	}
	group, prefix := lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]
	if group == "" || prefix == "" {
		return nil, "", fmt.Errorf("container %s: awslogs-group or awslogs-stream-prefix not set", container)
	}
	stream := prefix + "/" + container + "/" + taskArn[strings.LastIndex(taskArn, "/")+1:]
	ev, err := logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
		StartFromHead: aws.Bool(false), Limit: aws.Int32(int32(n)),
	})
	if err != nil {
		return nil, group + "/" + stream, fmt.Errorf("logs GetLogEvents %s %s: %w", group, stream, err)
	}
	lines := make([]string, 0, len(ev.Events))
	for _, e := range ev.Events {
		lines = append(lines, strings.TrimRight(aws.ToString(e.Message), "\n"))
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return scrub.Lines(lines), group + "/" + stream, nil
}
