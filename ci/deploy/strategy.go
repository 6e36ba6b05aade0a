package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

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

// StrategyFactory builds a strategy for an environment (validated config).
type StrategyFactory func(env *config.Environment) (Strategy, error)

var (
	strategiesMu sync.RWMutex
	strategies   = map[string]StrategyFactory{}
)

// RegisterStrategy makes a strategy available by name (call it from init).
func RegisterStrategy(name string, f StrategyFactory) {
	strategiesMu.Lock()
	defer strategiesMu.Unlock()
	strategies[name] = f
}

// Strategies lists the registered strategy names.
func Strategies() []string {
	strategiesMu.RLock()
	defer strategiesMu.RUnlock()
	var out []string
	for n := range strategies {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// NewStrategy builds the named strategy for env.
func NewStrategy(name string, env *config.Environment) (Strategy, error) {
	strategiesMu.RLock()
	f := strategies[name]
	strategiesMu.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("strategy %q is not available in this build (available: %s)", name, strings.Join(Strategies(), ", "))
	}
	return f(env)
}
