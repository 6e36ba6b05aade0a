package config

import (
	"fmt"
	"strings"
)

// Backend returns the service with role backend (validation guarantees one).
func (e *Environment) Backend() *Service {
	for i := range e.Services {
		if e.Services[i].Role == RoleBackend {
			return &e.Services[i]
		}
	}
	return nil
}

// Repository is the ECR repository name of app ("backend" or a frontend app).
func (e *Environment) Repository(app string) string { return e.RepositoryPrefix + app }

// RepositoryURI is the full image repository of app, registry included.
func (e *Environment) RepositoryURI(app string) string {
	return e.Registry + "/" + e.Repository(app)
}

// AppsDeployed lists every app the environment's services run, backend
// first, each once, in service and container order.
func (e *Environment) AppsDeployed() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range e.Services {
		for _, c := range s.Containers {
			if !seen[c.App] {
				seen[c.App] = true
				out = append(out, c.App)
			}
		}
	}
	return out
}

// WithStrategy returns a copy of the environment using strategy name (a
// per-run override), validated again; "" keeps the configured strategy.
func (e *Environment) WithStrategy(name string) (*Environment, error) {
	cp := *e
	if name == "" {
		return &cp, nil
	}
	cp.Strategy = name
	if err := cp.Validate(); err != nil {
		return nil, fmt.Errorf("strategy override %q: %w", name, err)
	}
	return &cp, nil
}

// LogGroup is the CloudWatch Logs group of a task-definition family's
// awslogs driver: /ecs/<family>.
func LogGroup(family string) string { return "/ecs/" + family }

// LogGroups lists the log groups of every service family and of the
// migration task, each once.
func (e *Environment) LogGroups() []string {
	var out []string
	seen := map[string]bool{}
	add := func(family string) {
		if family != "" && !seen[family] {
			seen[family] = true
			out = append(out, LogGroup(family))
		}
	}
	for i := range e.Services {
		add(e.Services[i].TaskFamily())
	}
	if !e.Migration.Disabled {
		add(e.MigrationFamily())
	}
	return out
}

// MigrationFamily is the family of the migration task definition (its
// family[:revision] or ARN without the revision).
func (e *Environment) MigrationFamily() string {
	td := e.Migration.TaskDefinition
	if i := strings.LastIndex(td, "task-definition/"); i >= 0 {
		td = td[i+len("task-definition/"):]
	}
	fam, _, _ := strings.Cut(td, ":")
	return fam
}

// RoleArn is the ARN of an IAM role name in the environment's account.
func (e *Environment) RoleArn(name string) string {
	return "arn:aws:iam::" + e.AccountID + ":role/" + name
}
