package awsemu

// targetsFor returns the tasks that services have registered with a target
// group (the ELBv2 side derives target health from these): RUNNING tasks,
// and stopping ones flagged Stopping while they drain. A task of a native
// (blue/green, linear, canary) revision is registered with its revision's
// target group (taskLoadBalancers).
func (s *ecsState) targetsFor(targetGroupArn string) []lbTarget {
	var out []lbTarget
	for _, c := range s.clusters {
		for _, name := range c.svcOrder {
			svc := c.services[name]
			for _, t := range s.serviceTasks(svc) {
				if t.startedAt.IsZero() {
					continue
				}
				for _, lb := range s.taskLoadBalancers(t) {
					if deref(lb.TargetGroupArn) != targetGroupArn {
						continue
					}
					out = append(out, lbTarget{
						ID: t.ip, Port: deref(lb.ContainerPort), TaskArn: t.arn, TaskDefinitionArn: *t.td.td.TaskDefinitionArn,
						ServiceName: svc.name, RunningSince: t.startedAt, Stopping: t.desiredStatus == "STOPPED",
					})
				}
			}
		}
	}
	return out
}
