package config

import "fmt"

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
