package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/ecs"
)

// prepare builds a target per configured service, lets the strategy adjust
// them (read-only), then describes every target's source service.
func (r *Run) prepare(ctx context.Context, strat Strategy) error {
	r.Targets = nil
	for _, s := range r.Env.Services {
		r.Targets = append(r.Targets, &Target{Role: s.Role, Service: s.Name, Source: s.Name, Containers: s.Containers})
	}
	if err := strat.Prepare(ctx, r); err != nil {
		return fmt.Errorf("strategy %s: %w", strat.Name(), err)
	}
	var names []string
	seen := map[string]bool{}
	for _, t := range r.Targets {
		for _, n := range []string{t.Source, t.Service} {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	svcs, err := ecs.DescribeServices(ctx, r.ecs, r.Env.Cluster, names)
	if err != nil {
		return err
	}
	for _, t := range r.Targets {
		if t.Current == nil {
			cur := svcs[t.Source]
			t.Current = &cur
		}
		live := svcs[t.Service]
		t.Live = &live
		line := fmt.Sprintf("    %s: running %s (desired %d, running %d)", t.Service, shortARN(aws.ToString(live.TaskDefinition)), live.DesiredCount, live.RunningCount)
		if t.Source != t.Service {
			line += fmt.Sprintf("; renders from %s: %s (desired %d, running %d)", t.Source, shortARN(aws.ToString(t.Current.TaskDefinition)), t.Current.DesiredCount, t.Current.RunningCount)
		}
		r.Printf("%s", line)
	}
	if _, native := strat.(*Native); !native {
		return r.rollingSettings()
	}
	return nil
}

// rollingSettings sets every target's DeploymentDiff for a rolling update
// (rolling, and the colours' services) and says which services leave
// another deployment strategy: their next UpdateService switches them to
// ROLLING and clears the hooks, alarms and bake time it left.
func (r *Run) rollingSettings() error {
	for _, t := range r.Targets {
		if t.Live == nil {
			continue
		}
		d, err := ecs.RollingDeploymentDiff(*t.Live)
		if err != nil {
			return err
		}
		t.DeploymentDiff = d
		if dc := t.Live.DeploymentConfiguration; dc != nil && dc.Strategy != "" && dc.Strategy != ecstypes.DeploymentStrategyRolling {
			r.Printf("    %s: deployment strategy %s -> ROLLING (its lifecycle hooks, alarms and bake time are cleared)", t.Service, dc.Strategy)
		}
	}
	return nil
}

func shortARN(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}
