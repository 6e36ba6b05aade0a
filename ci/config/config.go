// Package config is the declarative description of one deploy environment
// (production, staging, the emulator rehearsal): region, account and ECR
// registry, cluster, the ECS services and which container runs which app
// image, the migration task, health URLs, timeouts and the deploy strategy.
// One YAML file per environment lives in environments/; Load parses it
// strictly (unknown keys are errors) and validates everything up front, so a
// bad file never reaches an AWS call.
package config

import (
	"time"

	"github.com/bitflow-lms/pipeline/ci/apps"
)

// Strategy names.
const (
	StrategyRolling   = "rolling"
	StrategyBlueGreen = "bluegreen"
	StrategyCanary    = "canary"
)

// Service roles.
const (
	RoleBackend  = "backend"
	RoleFrontend = "frontend"
)

// BackendApp is the app name of the Laravel API image (repository bitflow-backend).
const BackendApp = apps.Backend

// DefaultMigrationCommand is the seed's migration command.
var DefaultMigrationCommand = []string{"php", "artisan", "migrate", "--force"}

// DefaultPretendCommand is the migration guard's read-only command.
var DefaultPretendCommand = []string{"php", "artisan", "migrate", "--pretend", "--force"}

// Environment is one deploy target, as loaded from environments/<name>.yaml.
type Environment struct {
	// Name of the environment, e.g. "production".
	Name string `yaml:"name"`
	// Region is the AWS region, e.g. "us-east-1".
	Region string `yaml:"region"`
	// AccountID is the 12-digit AWS account.
	AccountID string `yaml:"accountId"`
	// Registry is the ECR registry host; default <account>.dkr.ecr.<region>.amazonaws.com.
	Registry string `yaml:"registry"`
	// RepositoryPrefix makes repository names: app X lives in RepositoryPrefix+X (default "bitflow-").
	RepositoryPrefix string `yaml:"repositoryPrefix"`
	// Cluster is the ECS cluster name (default "bitflow-cluster").
	Cluster string `yaml:"cluster"`
	// Strategy is rolling, bluegreen, canary, native-bluegreen, native-linear
	// or native-canary (default rolling).
	Strategy string `yaml:"strategy"`
	// Services are the ECS services a release updates: the ones written under
	// services, then one per frontend app derived from Portals.
	Services []Service `yaml:"services"`
	// Portals derives one ECS service per frontend app of apps.json.
	Portals *Portals `yaml:"portals"`
	// LoadBalancer is the ALB whose listener rules route to the services' target groups.
	LoadBalancer *LoadBalancer `yaml:"loadBalancer"`
	// Roles are the IAM roles the task definitions run with.
	Roles Roles `yaml:"roles"`
	// Migration is the one-off task run with the new backend image before traffic moves.
	Migration Migration `yaml:"migration"`
	// Health lists URLs that answer when the release is healthy.
	Health Health `yaml:"health"`
	// Timeouts bound every wait.
	Timeouts Timeouts `yaml:"timeouts"`
	// BlueGreen configures the ALB colours (strategies bluegreen and canary).
	BlueGreen *BlueGreen `yaml:"blueGreen"`
	// Canary configures the traffic steps (strategy canary).
	Canary *Canary `yaml:"canary"`
	// Native configures the ECS-run strategies native-bluegreen, native-linear, native-canary.
	Native *Native `yaml:"native"`
	// State is the S3 location of the release ledger and the environment lock.
	State *State `yaml:"state"`

	// File is the path the environment was loaded from (for error messages).
	File string `yaml:"-"`
	// Apps are the frontend portals of bitflow-frontend/apps.json (see FindApps).
	Apps []apps.App `yaml:"-"`
}

// Service is one ECS service and the containers in its task definition that
// run release images.
type Service struct {
	// Name is the ECS service name.
	Name string `yaml:"name"`
	// Role is "backend" or "frontend".
	Role string `yaml:"role"`
	// Family is the task-definition family the service runs (default: Name).
	Family string `yaml:"family,omitempty"`
	// Containers maps container names to apps (at most 10: the ECS quota).
	Containers []Container `yaml:"containers"`
	// TargetGroup is the name of the ALB target group the service is
	// attached to, through its container with a port ("" for none).
	TargetGroup string `yaml:"targetGroup,omitempty"`
	// Rule is the rule of LoadBalancer's listener that forwards to TargetGroup.
	Rule *Rule `yaml:"rule,omitempty"`

	origin *origin // set on services derived from Portals
}

// Container says that the container Name of a service's task definition runs
// the image of App ("backend" or one of the frontend apps).
type Container struct {
	Name string `yaml:"name"`
	App  string `yaml:"app"`
	// Port is the container port the service's target group forwards to
	// (a portal's port comes from apps.json).
	Port int `yaml:"port,omitempty"`
}

// Rule is an ALB listener rule: host-header and/or path-pattern conditions
// and a priority unique on the listener (1..50000).
type Rule struct {
	Host     string `yaml:"host,omitempty"`
	Path     string `yaml:"path,omitempty"`
	Priority int    `yaml:"priority,omitempty"`
}

// LoadBalancer names the application load balancer and the listener whose
// rules route to the services (names, not ARNs: they are known before the
// account exists).
type LoadBalancer struct {
	Name         string `yaml:"name"`
	ListenerPort int    `yaml:"listenerPort"`
}

// Roles are IAM role names (not ARNs: the account comes from accountId).
type Roles struct {
	// Execution pulls images and writes logs (default bitflow-ecs-task-execution-role).
	Execution string `yaml:"execution"`
	// Task is the role the containers run as (default bitflow-ecs-task-role).
	Task string `yaml:"task"`
}

// Migration is the database migration task.
type Migration struct {
	// TaskDefinition is the family (or family:revision / ARN) of the migration task.
	TaskDefinition string `yaml:"taskDefinition"`
	// Container is the container that runs the command and gets the new backend image.
	Container string `yaml:"container"`
	// Command overrides the container command (default php artisan migrate --force).
	Command []string `yaml:"command"`
	// LogLines is how many trailing log lines a failure report shows (default 50).
	LogLines int `yaml:"logLines"`
	// Disabled skips migrations on purpose (recorded as a skipped stage, never silently).
	Disabled bool `yaml:"disabled"`
	// Guard runs PretendCommand before migrating and refuses a release whose
	// pending migrations contract tables the live release may still use
	// (ci/migrations), unless the deploy allows contract steps.
	Guard bool `yaml:"guard"`
	// PretendCommand prints the pending migrations' SQL without running it
	// (default php artisan migrate --pretend --force: --force only skips
	// Laravel's production confirmation prompt).
	PretendCommand []string `yaml:"pretendCommand"`
}

// Health lists health endpoints of the environment.
type Health struct {
	URLs []string `yaml:"urls"`
}

// Timeouts bound every wait of a deploy.
type Timeouts struct {
	// Deploy bounds waiting for services to become stable (default 30m).
	Deploy Duration `yaml:"deploy"`
	// Migration bounds the migration task (default 15m).
	Migration Duration `yaml:"migration"`
	// Poll is the interval between batched DescribeServices calls (default 1s).
	Poll Duration `yaml:"poll"`
}

// BlueGreen describes the two colours behind the ALB listener.
type BlueGreen struct {
	// ListenerArn is the production listener whose action selects the live colour.
	ListenerArn string `yaml:"listenerArn"`
	// RuleArn, if set, is switched instead of the listener's default action.
	RuleArn string `yaml:"ruleArn"`
	// TestListenerArn, if set, forwards to the idle colour for pre-switch checks.
	TestListenerArn string `yaml:"testListenerArn"`
	// TestURL, if set, is a base URL that reaches the idle colour (HTTP health checks).
	TestURL string `yaml:"testUrl"`
	// Blue and Green are the two colour services with their target groups.
	Blue  Colour `yaml:"blue"`
	Green Colour `yaml:"green"`
	// Bake is how long the new colour is watched after the switch (default 10m).
	Bake Duration `yaml:"bake"`
	// ScaleDownTo is the old colour's desired count after a good bake (default 1).
	ScaleDownTo *int32 `yaml:"scaleDownTo"`
	// HealthCheck is the HTTP check against the idle / new colour.
	HealthCheck HealthCheck `yaml:"healthCheck"`
}

// Colour is one side of a blue/green pair.
type Colour struct {
	Service        string `yaml:"service"`
	TargetGroupArn string `yaml:"targetGroupArn"`
}

// HealthCheck is an HTTP health gate.
type HealthCheck struct {
	Path     string   `yaml:"path"`     // default /health
	Status   int      `yaml:"status"`   // default 200
	Retries  int      `yaml:"retries"`  // default 10
	Interval Duration `yaml:"interval"` // default 30s
}

// Canary describes a stepwise weighted traffic shift.
type Canary struct {
	// Steps are percentages of traffic on the new colour, strictly increasing, ending at 100.
	Steps []int `yaml:"steps"`
	// Bake is the wait (with health checks) after each step (default 5m).
	Bake Duration `yaml:"bake"`
}

// Duration is a time.Duration written as "30m", "1h30m", "500ms" in YAML.
type Duration struct{ time.Duration }

// D is shorthand for building a Duration.
func D(d time.Duration) Duration { return Duration{d} }
