package awsemu

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsTask is one task, one-off (RunTask) or started by a service deployment.
// Its lifecycle is a timeline of scheduled instants; advance walks it:
// PROVISIONING -> PENDING -> RUNNING -> DEPROVISIONING -> STOPPED.
type ecsTask struct {
	id, arn    string
	cluster    *ecsCluster
	td         *ecsTaskDef
	service    *ecsService    // nil for a one-off task
	deployment *ecsDeployment // the service deployment that started it
	group      string
	startedBy  string
	launchType types.LaunchType
	capacity   string
	netConf    *types.NetworkConfiguration
	overrides  *types.TaskOverride
	tags       []types.Tag
	ip, eni    string
	subnet, az string

	lastStatus, desiredStatus string
	version                   int64
	createdAt                 time.Time
	pendingAt                 time.Time // PROVISIONING -> PENDING
	startAt                   time.Time // PENDING -> RUNNING (or fail to start)
	startedAt                 time.Time
	healthyAt                 time.Time // service task counts as healthy (zero: never)
	healthy                   bool
	exitAt                    time.Time // RUNNING -> DEPROVISIONING because the essential container exits
	stoppingAt                time.Time
	stoppedAt                 time.Time // DEPROVISIONING -> STOPPED
	exitCodes                 map[string]int32
	stopCode                  types.TaskStopCode
	stoppedReason             string
	containerReason           string
	plan                      taskPlan
}

// taskPlan is what a task will do once it runs: set at launch from faults.
type taskPlan struct {
	exitCode  int32    // exit code of the essential containers when the task exits by itself
	logLines  []string // lines written at exit (nil: the default lines for its command)
	crashes   bool     // a service task that exits after starting (deployment faults)
	oneOff    bool     // exits by itself after Timing.TaskStop
	lbService bool     // health follows ELB target health (ecs_elb_health.go)
}

// nextAt is the instant of the task's next transition, or zero if none is
// scheduled.
func (t *ecsTask) nextAt() time.Time {
	switch t.lastStatus {
	case "PROVISIONING":
		return t.pendingAt
	case "PENDING":
		return t.startAt
	case "RUNNING":
		if !t.healthy && !t.healthyAt.IsZero() && (t.exitAt.IsZero() || t.healthyAt.Before(t.exitAt)) {
			return t.healthyAt
		}
		return t.exitAt
	case "DEPROVISIONING":
		return t.stoppedAt
	}
	return time.Time{}
}

// step performs the task's next transition at instant at.
func (s *ecsState) stepTask(t *ecsTask, at time.Time) {
	t.version++
	switch t.lastStatus {
	case "PROVISIONING":
		t.lastStatus = "PENDING"
	case "PENDING":
		if reason, code := s.startProblem(t); reason != "" {
			t.containerReason = reason
			s.beginStop(t, at, code, reason)
			s.taskFailed(t, at, reason)
			return
		}
		t.lastStatus = "RUNNING"
		t.startedAt = at
		s.writeTaskLogs(t, at, false)
		if t.plan.oneOff || t.plan.crashes {
			t.exitAt = at.Add(s.e.timing.TaskStop)
		}
		if t.service != nil && !t.plan.crashes && !t.plan.lbService { // lbService: health follows ELB (ecs_elb_health.go)
			t.healthyAt = at
			if !t.healthyAt.After(at) {
				t.healthy = true
				s.serviceTaskHealthy(t, at)
			}
		}
	case "RUNNING":
		if !t.healthy && !t.healthyAt.IsZero() && !t.healthyAt.After(at) && (t.exitAt.IsZero() || t.healthyAt.Before(t.exitAt)) {
			t.healthy = true
			s.serviceTaskHealthy(t, at)
			return
		}
		t.exitCodes = map[string]int32{}
		for _, c := range t.td.td.ContainerDefinitions {
			code := int32(0)
			if c.Essential == nil || *c.Essential {
				code = t.plan.exitCode
			}
			t.exitCodes[*c.Name] = code
		}
		s.writeTaskLogs(t, at, true)
		reason := "Essential container in task exited"
		s.beginStop(t, at, types.TaskStopCodeEssentialContainerExited, reason)
		if t.service != nil { // a service task that exits by itself has failed
			s.taskFailed(t, at, fmt.Sprintf("%s (exit code %d)", reason, t.plan.exitCode))
		}
	case "DEPROVISIONING":
		t.lastStatus = "STOPPED"
		if t.service != nil {
			s.serviceTaskStopped(t, at)
		}
	}
}

// beginStop moves a task towards STOPPED: DEPROVISIONING for Timing.TaskStop
// (a task that never started goes straight to STOPPED).
func (s *ecsState) beginStop(t *ecsTask, at time.Time, code types.TaskStopCode, reason string) {
	if t.lastStatus == "DEPROVISIONING" || t.lastStatus == "STOPPED" {
		return
	}
	t.desiredStatus = "STOPPED"
	t.stopCode = code
	t.stoppedReason = reason
	t.stoppingAt = at
	t.healthyAt = time.Time{}
	t.exitAt = time.Time{}
	wasStarted := t.lastStatus == "RUNNING"
	if wasStarted && t.exitCodes == nil {
		t.exitCodes = map[string]int32{}
		for _, c := range t.td.td.ContainerDefinitions {
			t.exitCodes[*c.Name] = 0
		}
	}
	t.lastStatus = "DEPROVISIONING"
	t.stoppedAt = at.Add(s.e.timing.TaskStop)
}

// startProblem reports why a task cannot start, as ECS would: an image
// missing from this emulator's ECR, or an awslogs group that does not exist.
func (s *ecsState) startProblem(t *ecsTask) (string, types.TaskStopCode) {
	for _, c := range t.td.td.ContainerDefinitions {
		image := deref(c.Image)
		if mine, ok := s.e.ecr.imageExists(image); mine && !ok {
			return fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: %s: not found", image, image), types.TaskStopCodeTaskFailedToStart
		}
		if lc := c.LogConfiguration; lc != nil && lc.LogDriver == types.LogDriverAwslogs {
			group := lc.Options["awslogs-group"]
			if !s.e.logs.groupExists(group) {
				if lc.Options["awslogs-create-group"] == "true" {
					s.e.logs.ensureGroup(group)
					continue
				}
				return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1", types.TaskStopCodeTaskFailedToStart
			}
		}
	}
	return "", ""
}

// containerCommand is the command a container runs: the override if any,
// else the container definition's.
func (t *ecsTask) containerCommand(c types.ContainerDefinition) []string {
	if t.overrides != nil {
		for _, o := range t.overrides.ContainerOverrides {
			if deref(o.Name) == deref(c.Name) && o.Command != nil {
				return o.Command
			}
		}
	}
	return c.Command
}

// writeTaskLogs writes each awslogs container's lines for the task's start
// (exited false) or exit (exited true) to "<prefix>/<container>/<taskId>".
func (s *ecsState) writeTaskLogs(t *ecsTask, at time.Time, exited bool) {
	for _, c := range t.td.td.ContainerDefinitions {
		lc := c.LogConfiguration
		if lc == nil || lc.LogDriver != types.LogDriverAwslogs {
			continue
		}
		stream := *c.Name + "/" + t.id
		if p := lc.Options["awslogs-stream-prefix"]; p != "" {
			stream = p + "/" + stream
		}
		lines := containerLogLines(t, c, exited)
		s.e.logs.appendEvents(lc.Options["awslogs-group"], stream, at, lines)
	}
}

// containerLogLines is what a container prints: the fault's lines when the
// task was told to fail, else plausible output for its command.
func containerLogLines(t *ecsTask, c types.ContainerDefinition, exited bool) []string {
	cmd := strings.Join(t.containerCommand(c), " ")
	isMigration := strings.Contains(cmd, "migrate")
	if !exited {
		switch {
		case isMigration || t.plan.oneOff:
			return []string{fmt.Sprintf("Running: %s", cmd)}
		case len(c.PortMappings) > 0 && strings.Contains(deref(c.Name), "backend"):
			return []string{"Starting Laravel application (php-fpm + nginx)", fmt.Sprintf("   INFO  Server running on [http://0.0.0.0:%d].", deref(c.PortMappings[0].ContainerPort))}
		case len(c.PortMappings) > 0:
			return []string{"  ▲ Next.js 14.2.3", fmt.Sprintf("  - Local:        http://0.0.0.0:%d", deref(c.PortMappings[0].ContainerPort)), " ✓ Ready in 412ms"}
		default:
			return []string{"container " + deref(c.Name) + " started"}
		}
	}
	if t.plan.logLines != nil {
		return t.plan.logLines
	}
	code := t.exitCodes[deref(c.Name)]
	switch {
	case t.plan.crashes:
		return []string{"PHP Fatal error:  Uncaught RuntimeException: the application failed to boot", fmt.Sprintf("container %s exited with code %d", deref(c.Name), code)}
	case isMigration && code == 0:
		return []string{
			"",
			"   INFO  Running migrations.",
			"",
			"  2024_05_01_000000_create_admissions_table ............... 38ms DONE",
			"  2024_05_02_000000_add_fee_structure_to_colleges .......... 21ms DONE",
			"",
		}
	case isMigration:
		return []string{
			"",
			"   Illuminate\\Database\\QueryException ",
			"",
			"  SQLSTATE[08006] [7] connection to server failed (Connection: pgsql, SQL: select * from information_schema.tables)",
		}
	default:
		return []string{fmt.Sprintf("%s exited with code %d", deref(c.Name), code)}
	}
}
