package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// migrate runs the migration task with the new backend image and the
// backend target's network configuration, recording it in the manifest.
func (r *Run) migrate(ctx context.Context) error {
	var backend *Target
	for _, t := range r.Targets {
		if t.Role == config.RoleBackend {
			backend = t
		}
	}
	if backend == nil || backend.Current == nil {
		return errors.New("no backend target to take the network configuration from")
	}
	img, ok := r.Images[config.BackendApp]
	if !ok {
		return fmt.Errorf("no checked %s image", config.BackendApp)
	}
	mc := r.Env.Migration
	r.mu.Lock()
	r.Manifest.Migration = &manifest.Migration{TaskDefinition: mc.TaskDefinition, Command: mc.Command}
	r.mu.Unlock()
	res, err := ecs.RunMigration(ctx, r.ecs, r.logs, ecs.Migration{Clock: r.clock,
		Cluster: r.Env.Cluster, TaskDefinition: mc.TaskDefinition, Container: mc.Container,
		Image: img.Ref(), Command: mc.Command, Service: backend.Current,
		Timeout: r.Env.Timeouts.Migration.Duration, Poll: r.Env.Timeouts.Poll.Duration, LogLines: mc.LogLines, Out: r.Out,
	})
	if res != nil {
		r.mu.Lock()
		mm := r.Manifest.Migration
		mm.TaskArn, mm.ExitCode, mm.StoppedReason = res.TaskArn, res.ExitCode, res.StoppedReason
		if res.TaskDefinitionArn != "" {
			mm.TaskDefinition = res.TaskDefinitionArn
		}
		r.mu.Unlock()
	}
	return err
}
