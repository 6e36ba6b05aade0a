package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/migrations"
)

// pretendLogLines is how much of the pretend task's log is read: all of it
// up to GetLogEvents' largest page.
const pretendLogLines = 10000

// guardMigrations runs the migration command's read-only twin (migration.
// pretendCommand) with the new backend image, classifies the SQL it prints
// (ci/migrations) and refuses the release when a statement contracts a table
// the live release may still use, unless the deploy allows contract steps.
// What it found is recorded in the manifest either way.
func (r *Run) guardMigrations(ctx context.Context) error {
	backend, img, err := r.migrationInputs()
	if err != nil {
		return err
	}
	mc := r.Env.Migration
	r.mu.Lock()
	r.Manifest.Migration = &manifest.Migration{TaskDefinition: mc.TaskDefinition, Command: mc.PretendCommand}
	r.mu.Unlock()
	task := r.migration(backend, img, mc.PretendCommand)
	task.Group, task.ReadLog, task.LogLines = "migration-pretend", true, pretendLogLines
	res, err := ecs.RunMigration(ctx, r.ecs, r.logs, task)
	if err != nil {
		return fmt.Errorf("migration guard: the pretend task failed, so the pending migrations are unknown: %w", err)
	}
	stmts, pending := migrations.ParsePretend(res.LogTail)
	findings := migrations.Classify(stmts)
	g := &manifest.MigrationGuard{TaskArn: res.TaskArn, Pending: append([]string{}, pending...), ContractSteps: []manifest.ContractStep{}, Allowed: r.AllowContract}
	for _, f := range findings {
		g.ContractSteps = append(g.ContractSteps, manifest.ContractStep{Migration: f.Migration, Statement: f.Statement, Kind: string(f.Kind), Why: f.Why})
	}
	r.mu.Lock()
	r.Manifest.Migration.Guard = g
	r.mu.Unlock()
	r.Printf("migration guard: %d pending migration(s), %d statement(s), %d contract step(s)", len(pending), len(stmts), len(findings))
	for _, p := range pending {
		r.Printf("  pending %s", p)
	}
	if len(findings) == 0 {
		return nil
	}
	lines := make([]string, len(findings))
	for i, f := range findings {
		lines[i] = "  " + f.String()
	}
	if r.AllowContract {
		r.Warn("migration guard: %d contract step(s) allowed by --allow-contract:\n%s", len(findings), strings.Join(lines, "\n"))
		return nil
	}
	return fmt.Errorf("migration guard: refused %d contract step(s) against tables the live release may still use (deploy with --allow-contract once the release that stopped using them is live):\n%s",
		len(findings), strings.Join(lines, "\n"))
}
