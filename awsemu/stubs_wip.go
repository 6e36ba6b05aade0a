package awsemu

// Placeholders so the core compiles while the service files are written;
// each is replaced by the real service file (ecs_*.go, ecr.go, logs.go,
// elbv2_*.go, sts.go). Delete an entry here when its file defines it.

type ecsState struct{}

func newECS(e *Emulator) *ecsState { return &ecsState{} }

type ecrState struct{}

func newECR(e *Emulator) *ecrState { return &ecrState{} }

type logsState struct{}

func newLogs(e *Emulator) *logsState { return &logsState{} }

type elbv2State struct{}

func newELBv2(e *Emulator) *elbv2State { return &elbv2State{} }

func registerSTS(e *Emulator) {}
