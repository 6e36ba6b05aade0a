package awsemu

import "time"

// Placeholders so the core compiles while ECS, ECR, Logs and STS are written.
// Delete each entry once its real file defines it; delete this file at the end.

type ecsState struct{}

func newECS(e *Emulator) *ecsState { return &ecsState{} }

// targetsFor returns the RUNNING tasks that services have registered with a
// target group (the ELBv2 side derives target health from these).
func (s *ecsState) targetsFor(targetGroupArn string) []lbTarget { return nil }

type ecrState struct{}

func newECR(e *Emulator) *ecrState { return &ecrState{} }

type logsState struct{}

func newLogs(e *Emulator) *logsState { return &logsState{} }

func registerSTS(e *Emulator) {}

var _ = time.Now
