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
	backend, img, err := r.migrationInputs()
	if err != nil {
		return err
	}
	mc := r.Env.Migration
	r.mu.Lock()
	var guard *manifest.MigrationGuard // set by the guard stage, if it ran
	if r.Manifest.Migration != nil {
		guard = r.Manifest.Migration.Guard
	}
	r.Manifest.Migration = &manifest.Migration{TaskDefinition: mc.TaskDefinition, Command: mc.Command, Guard: guard}
	r.mu.Unlock()
	res, err := ecs.RunMigration(ctx, r.ecs, r.logs, r.migration(backend, img, mc.Command))
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

// migration is the one-off task that runs command with the new backend
// image and the backend service's network configuration.
func (r *Run) migration(backend *Target, img manifest.Image, command []string) ecs.Migration {
	mc := r.Env.Migration
	return ecs.Migration{Clock: r.clock,
		Cluster: r.Env.Cluster, TaskDefinition: mc.TaskDefinition, Container: mc.Container,
		Image: img.Ref(), Command: command, Service: backend.Current,
		Timeout: r.Env.Timeouts.Migration.Duration, Poll: r.Env.Timeouts.Poll.Duration, LogLines: mc.LogLines, Out: r.Out,
	}
}

// migrationInputs are the backend target and the checked backend image.
func (r *Run) migrationInputs() (*Target, manifest.Image, error) {
	var backend *Target
	for _, t := range r.Targets {
		if t.Role == config.RoleBackend {
			backend = t
		}
	}
	if backend == nil || backend.Current == nil {
		return nil, manifest.Image{}, errors.New("no backend target to take the network configuration from")
	}
	img, ok := r.Images[config.BackendApp]
	if !ok {
		return nil, manifest.Image{}, fmt.Errorf("no checked %s image", config.BackendApp)
	}
	return backend, img, nil
}
