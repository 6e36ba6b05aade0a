package awsemu

// Placeholder so the core compiles while ELBv2 is written (elbv2_*.go).
// Delete this file once the real elbv2State exists.

type elbv2State struct{}

func newELBv2(e *Emulator) *elbv2State { return &elbv2State{} }

// targetGroupExists tells ECS whether a target group ARN named in a
// service's loadBalancers exists (CreateService validates it).
func (s *elbv2State) targetGroupExists(arn string) bool { return true }
