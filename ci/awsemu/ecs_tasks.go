package awsemu

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// launchSpec is how a task is placed: shared by RunTask and services.
type launchSpec struct {
	launchType types.LaunchType
	cps        []types.CapacityProviderStrategyItem
	netConf    *types.NetworkConfiguration
}

// validateLaunch applies ECS's placement checks for a task definition.
func (s *ecsState) validateLaunch(td *ecsTaskDef, l launchSpec) error {
	if l.launchType != "" && len(l.cps) > 0 {
		return invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	for _, cp := range l.cps {
		if cp.CapacityProvider == nil || *cp.CapacityProvider == "" {
			return invalidParameter("capacityProviderStrategy: capacityProvider can not be empty.")
		}
	}
	fargate := l.launchType == types.LaunchTypeFargate
	for _, cp := range l.cps {
		if strings.HasPrefix(*cp.CapacityProvider, "FARGATE") {
			fargate = true
		}
	}
	if fargate {
		ok := false
		for _, c := range td.td.Compatibilities {
			if c == types.CompatibilityFargate {
				ok = true
			}
		}
		if !ok {
			return clientError("ClientException", "Task definition does not support launch_type FARGATE.")
		}
	}
	if td.td.NetworkMode == types.NetworkModeAwsvpc {
		if l.netConf == nil || l.netConf.AwsvpcConfiguration == nil {
			return invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		vpc := l.netConf.AwsvpcConfiguration
		if len(vpc.Subnets) == 0 {
			return invalidParameter("subnets can not be empty.")
		}
		for _, sn := range vpc.Subnets {
			if !subnetIDRE.MatchString(sn) {
				return invalidParameter("Error retrieving subnet information for [%s]: The subnet ID '%s' is malformed", sn, sn)
			}
		}
		for _, sg := range vpc.SecurityGroups {
			if !securityGroupIDRE.MatchString(sg) {
				return invalidParameter("Error retrieving security group information for [%s]: The security group '%s' is malformed", sg, sg)
			}
		}
	}
	return nil
}

// launchTask creates a task in PROVISIONING at instant at.
func (s *ecsState) launchTask(c *ecsCluster, td *ecsTaskDef, l launchSpec, at time.Time) *ecsTask {
	id := newID(16)
	s.ipSeq++
	t := &ecsTask{
		id: id, arn: s.arn("task/" + c.name + "/" + id), cluster: c, td: td,
		launchType: l.launchType, netConf: l.netConf,
		lastStatus: "PROVISIONING", desiredStatus: "RUNNING", version: 1, createdAt: at,
		pendingAt: at.Add(s.e.timing.TaskStart / 2), startAt: at.Add(s.e.timing.TaskStart),
		ip:  fmt.Sprintf("10.0.%d.%d", 1+(s.ipSeq/250)%250, 4+s.ipSeq%250),
		eni: "eni-" + newID(9)[:17], az: s.e.region + "a",
		group: "family:" + *td.td.Family,
	}
	if len(l.cps) > 0 {
		t.capacity = *l.cps[0].CapacityProvider
		t.launchType = types.LaunchTypeFargate
		if !strings.HasPrefix(t.capacity, "FARGATE") {
			t.launchType = types.LaunchTypeEc2
		}
	} else if t.launchType == "" {
		t.launchType = types.LaunchTypeEc2
	}
	if l.netConf != nil && l.netConf.AwsvpcConfiguration != nil && len(l.netConf.AwsvpcConfiguration.Subnets) > 0 {
		t.subnet = l.netConf.AwsvpcConfiguration.Subnets[s.ipSeq%len(l.netConf.AwsvpcConfiguration.Subnets)]
		t.az = s.e.region + string(rune('a'+s.ipSeq%len(l.netConf.AwsvpcConfiguration.Subnets)%3))
	}
	c.tasks[id] = t
	c.taskOrder = append(c.taskOrder, id)
	c.active = append(c.active, t)
	return t
}

func (s *ecsState) registerTaskOps() {
	ecsOp(s, "RunTask", s.runTask)
	ecsOp(s, "DescribeTasks", func(in *ecs.DescribeTasksInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Tasks) == 0 {
			return nil, invalidParameter("Tasks cannot be empty.")
		}
		if len(in.Tasks) > 100 {
			return nil, invalidParameter("Tasks cannot contain more than 100 elements.")
		}
		out := &ecs.DescribeTasksOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
		for _, ref := range in.Tasks {
			t, err := s.taskRef(c, ref)
			if err != nil {
				return nil, err
			}
			if t == nil {
				arn := ref
				if !strings.HasPrefix(ref, "arn:") {
					arn = s.arn("task/" + c.name + "/" + ref)
				}
				out.Failures = append(out.Failures, types.Failure{Arn: ptr(arn), Reason: ptr("MISSING")})
				continue
			}
			out.Tasks = append(out.Tasks, s.taskShape(t, in.Include))
		}
		return encodeECS(out)
	})
	ecsOp(s, "StopTask", func(in *ecs.StopTaskInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		t, err := s.taskRef(c, deref(in.Task))
		if err != nil {
			return nil, err
		}
		if t == nil {
			return nil, invalidParameter("The referenced task was not found.")
		}
		reason := deref(in.Reason)
		if reason == "" {
			reason = "Task stopped by user"
		}
		now := s.e.Now()
		if t.lastStatus != "STOPPED" && t.lastStatus != "DEPROVISIONING" {
			s.beginStop(t, now, types.TaskStopCodeUserInitiated, reason)
			t.version++
		}
		return encodeECS(&ecs.StopTaskOutput{Task: ptr(s.taskShape(t, nil))})
	})
	ecsOp(s, "ListTasks", func(in *ecs.ListTasksInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		var svc *ecsService
		if in.ServiceName != nil {
			if svc, err = s.serviceRef(c, *in.ServiceName); err != nil {
				return nil, err
			}
			if svc == nil {
				return nil, clientError("ServiceNotFoundException", "Service not found.")
			}
		}
		want := in.DesiredStatus
		if want == "" {
			want = types.DesiredStatusRunning
		}
		var arns []string
		for _, id := range c.taskOrder {
			t := c.tasks[id]
			switch {
			case t.desiredStatus != string(want) && !(want == types.DesiredStatusPending && t.lastStatus == "PENDING"):
			case in.Family != nil && *in.Family != *t.td.td.Family:
			case svc != nil && t.service != svc:
			case in.StartedBy != nil && *in.StartedBy != t.startedBy:
			case in.LaunchType != "" && in.LaunchType != t.launchType:
			default:
				arns = append(arns, t.arn)
			}
		}
		page, next, err := paginate(arns, in.NextToken, in.MaxResults, 100)
		if err != nil {
			return nil, err
		}
		return encodeECS(&ecs.ListTasksOutput{TaskArns: page, NextToken: next})
	})
}

func (s *ecsState) runTask(in *ecs.RunTaskInput) (any, error) {
	c, err := s.cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	if deref(in.TaskDefinition) == "" {
		return nil, invalidParameter("TaskDefinition can not be blank.")
	}
	td, err := s.taskDef(*in.TaskDefinition)
	if err != nil {
		return nil, invalidParameter("TaskDefinition not found.")
	}
	if td.td.Status != types.TaskDefinitionStatusActive && !strings.Contains(nameFromARN(*in.TaskDefinition), ":") {
		return nil, invalidParameter("TaskDefinition is inactive.")
	}
	l := launchSpec{launchType: in.LaunchType, cps: in.CapacityProviderStrategy, netConf: in.NetworkConfiguration}
	if l.launchType == "" && len(l.cps) == 0 {
		l.cps = c.defaultCP
	}
	if err := s.validateLaunch(td, l); err != nil {
		return nil, err
	}
	if in.Overrides != nil {
		names := map[string]bool{}
		for _, cd := range td.td.ContainerDefinitions {
			names[*cd.Name] = true
		}
		for _, o := range in.Overrides.ContainerOverrides {
			if !names[deref(o.Name)] {
				return nil, invalidParameter("Override for container named %s is not a container in the TaskDefinition.", deref(o.Name))
			}
		}
	}
	count := int(deref(in.Count))
	if count == 0 {
		count = 1
	}
	if count > 10 {
		return nil, invalidParameter("count must be between 1 and 10.")
	}
	now := s.e.Now()
	out := &ecs.RunTaskOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	for i := 0; i < count; i++ {
		t := s.launchTask(c, td, l, now)
		t.overrides = in.Overrides
		t.tags = in.Tags
		t.startedBy = deref(in.StartedBy)
		if in.Group != nil {
			t.group = *in.Group
		}
		t.plan = taskPlan{oneOff: true}
		if f, ok := s.faults.failTasks[*td.td.Family]; ok {
			t.plan.exitCode = f.exitCode
			t.plan.logLines = f.logLines
		}
		out.Tasks = append(out.Tasks, s.taskShape(t, nil))
	}
	return encodeECS(out)
}

// taskShape renders a task as DescribeTasks returns it.
func (s *ecsState) taskShape(t *ecsTask, include []types.TaskField) types.Task {
	out := types.Task{
		TaskArn: ptr(t.arn), ClusterArn: ptr(t.cluster.arn), TaskDefinitionArn: t.td.td.TaskDefinitionArn,
		LastStatus: ptr(t.lastStatus), DesiredStatus: ptr(t.desiredStatus), Version: t.version,
		Group: ptr(t.group), LaunchType: t.launchType, CreatedAt: ptr(t.createdAt),
		Cpu: t.td.td.Cpu, Memory: t.td.td.Memory, AvailabilityZone: ptr(t.az),
		Overrides: t.overrides, HealthStatus: types.HealthStatusUnknown,
		Connectivity: types.ConnectivityConnected, ConnectivityAt: ptr(t.createdAt),
	}
	if out.Overrides == nil {
		out.Overrides = &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{}}
	}
	if t.capacity != "" {
		out.CapacityProviderName = ptr(t.capacity)
	}
	if t.launchType == types.LaunchTypeFargate {
		out.PlatformVersion = ptr("1.4.0")
		out.PlatformFamily = ptr("Linux")
	}
	if t.startedBy != "" {
		out.StartedBy = ptr(t.startedBy)
	}
	if t.lastStatus != "PROVISIONING" {
		out.PullStartedAt = ptr(t.pendingAt)
		if t.lastStatus != "PENDING" && !t.startedAt.IsZero() {
			out.PullStoppedAt = ptr(t.startedAt)
		}
	}
	if !t.startedAt.IsZero() {
		out.StartedAt = ptr(t.startedAt)
	}
	if t.desiredStatus == "STOPPED" {
		out.StopCode = t.stopCode
		out.StoppedReason = ptr(t.stoppedReason)
		out.StoppingAt = ptr(t.stoppingAt)
		out.ExecutionStoppedAt = ptr(t.stoppingAt)
	}
	if t.lastStatus == "STOPPED" {
		out.StoppedAt = ptr(t.stoppedAt)
	}
	if t.td.td.NetworkMode == types.NetworkModeAwsvpc {
		status := map[string]string{"PROVISIONING": "PRECREATED", "PENDING": "ATTACHED", "RUNNING": "ATTACHED", "DEPROVISIONING": "DETACHING", "STOPPED": "DELETED"}[t.lastStatus]
		out.Attachments = []types.Attachment{{
			Id: ptr(t.id[:8] + "-eni0-" + t.id[8:12]), Type: ptr("ElasticNetworkInterface"), Status: ptr(status),
			Details: []types.KeyValuePair{
				{Name: ptr("subnetId"), Value: ptr(t.subnet)},
				{Name: ptr("networkInterfaceId"), Value: ptr(t.eni)},
				{Name: ptr("macAddress"), Value: ptr("0a:" + t.id[0:2] + ":" + t.id[2:4] + ":" + t.id[4:6] + ":" + t.id[6:8] + ":" + t.id[8:10])},
				{Name: ptr("privateDnsName"), Value: ptr("ip-" + strings.ReplaceAll(t.ip, ".", "-") + ".ec2.internal")},
				{Name: ptr("privateIPv4Address"), Value: ptr(t.ip)},
			},
		}}
	}
	for _, cd := range t.td.td.ContainerDefinitions {
		ct := types.Container{
			ContainerArn: ptr(s.arn("container/" + t.cluster.name + "/" + t.id + "/" + newIDFrom(t.id+*cd.Name))),
			TaskArn:      ptr(t.arn), Name: cd.Name, Image: cd.Image, HealthStatus: types.HealthStatusUnknown,
			LastStatus: ptr(containerStatus(t)),
		}
		if d := s.e.ecr.digestFor(deref(cd.Image)); d != "" && t.lastStatus != "PROVISIONING" {
			ct.ImageDigest = ptr(d)
		}
		if t.lastStatus == "RUNNING" || t.lastStatus == "DEPROVISIONING" || t.lastStatus == "STOPPED" && !t.startedAt.IsZero() {
			ct.RuntimeId = ptr(t.id + "-" + newIDFrom(*cd.Name)[:10])
		}
		if t.td.td.NetworkMode == types.NetworkModeAwsvpc {
			ct.NetworkInterfaces = []types.NetworkInterface{{AttachmentId: out.Attachments[0].Id, PrivateIpv4Address: ptr(t.ip)}}
		}
		if code, ok := t.exitCodes[*cd.Name]; ok && (t.lastStatus == "STOPPED" || t.lastStatus == "DEPROVISIONING") {
			ct.ExitCode = ptr(code)
		}
		if t.containerReason != "" {
			ct.Reason = ptr(t.containerReason)
		}
		if cd.HealthCheck != nil && t.lastStatus == "RUNNING" && (t.healthy || t.service == nil) {
			ct.HealthStatus = types.HealthStatusHealthy
			out.HealthStatus = types.HealthStatusHealthy
		}
		out.Containers = append(out.Containers, ct)
	}
	for _, f := range include {
		if f == types.TaskFieldTags {
			out.Tags = t.tags
		}
	}
	return out
}

func containerStatus(t *ecsTask) string {
	switch t.lastStatus {
	case "PROVISIONING", "PENDING":
		return "PENDING"
	case "RUNNING":
		return "RUNNING"
	}
	return "STOPPED"
}

// newIDFrom is a stable pseudo-id derived from s (container ARNs and runtime
// ids must not change between describes).
func newIDFrom(s string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("%016x%016x", h, h*31+7)
}

// gcStoppedTasks forgets tasks stopped more than an hour ago, as ECS does.
func (s *ecsState) gcStoppedTasks(now time.Time) {
	for _, c := range s.clusters {
		keep := c.taskOrder[:0]
		for _, id := range c.taskOrder {
			t := c.tasks[id]
			if t.lastStatus == "STOPPED" && now.Sub(t.stoppedAt) > time.Hour {
				delete(c.tasks, id)
				continue
			}
			keep = append(keep, id)
		}
		c.taskOrder = keep
	}
}

// activeTasks returns a cluster's tasks that have not STOPPED, in launch
// order, forgetting the stopped ones.
func activeTasks(c *ecsCluster) []*ecsTask {
	live := c.active[:0]
	for _, t := range c.active {
		if t.lastStatus != "STOPPED" {
			live = append(live, t)
		}
	}
	clear(c.active[len(live):])
	c.active = live
	return live
}
