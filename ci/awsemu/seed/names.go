package seed

import "github.com/bitflow-lms/pipeline/ci/config"

// Default resource names, as in the deployment guide and
// ci/environments/emulator.yaml (the environment the seed creates by
// default; every other name comes from the environment file).
const (
	Cluster           = "bitflow-cluster"
	BackendService    = "bitflow-backend"
	BackendFamily     = "bitflow-backend"
	MigrationFamily   = "bitflow-migration"
	BackendRepository = "bitflow-backend"
	BackendContainer  = "backend"
	BackendPort       = 8000
	// FrontendHealthPath is what the portals answer for their target groups.
	FrontendHealthPath = "/api/health"
)

// MigrationCommand is the migration container's command.
var MigrationCommand = config.DefaultMigrationCommand

// EnvironmentFile is the environment the seed creates by default.
const EnvironmentFile = "ci/environments/emulator.yaml"
