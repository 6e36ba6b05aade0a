package deploy

import (
	"context"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Strategy is how rendered task definitions reach traffic.
//
// The orchestrator calls Prepare (read-only; it may rewrite run.Targets,
// e.g. blue/green points the backend target at the idle colour with the live
// colour as Source, and record run.Manifest.Traffic), then renders and
// registers a task definition per target, runs migrations, and calls Deploy
// only if they succeeded. Deploy records its own stages with run.Stage
// (rolling: "deploy", "wait", "health").
type Strategy interface {
	Name() string
	Prepare(ctx context.Context, run *Run) error
	Deploy(ctx context.Context, run *Run) error
}

// NewStrategy builds the named strategy for env (validated config).
func NewStrategy(name string, env *config.Environment) (Strategy, error) {
	switch name {
	case config.StrategyRolling:
		return Rolling{}, nil
	case config.StrategyBlueGreen, config.StrategyCanary:
		return newColours(env, name)
	case config.StrategyNativeBlueGreen, config.StrategyNativeLinear, config.StrategyNativeCanary:
		return newNative(env, name)
	}
	return nil, fmt.Errorf("unknown strategy %q (known: %s, %s, %s, %s, %s, %s)", name, config.StrategyRolling, config.StrategyBlueGreen, config.StrategyCanary,
		config.StrategyNativeBlueGreen, config.StrategyNativeLinear, config.StrategyNativeCanary)
}
