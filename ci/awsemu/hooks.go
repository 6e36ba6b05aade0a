package awsemu

import "time"

// lbTarget is a task that an ECS service has registered with an ELBv2 target
// group: ECS owns the list (ecsState.targetsFor), ELBv2 derives target health
// from it (elbv2State), so target health follows the tasks of a service.
type lbTarget struct {
	ID                string // the task's private IPv4 address (awsvpc)
	Port              int32
	TaskArn           string
	TaskDefinitionArn string
	ServiceName       string
	RunningSince      time.Time // when the task reached RUNNING
	Stopping          bool      // the task is being stopped (target is draining)
}
