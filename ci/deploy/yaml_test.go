package deploy

import (
	"github.com/bitflow-lms/pipeline/ci/config"
	"go.yaml.in/yaml/v3"
)

// mustYAML writes an environment back to YAML (for tests that build one in code).
func mustYAML(env *config.Environment) []byte {
	b, err := yaml.Marshal(env)
	if err != nil {
		panic(err)
	}
	return b
}
