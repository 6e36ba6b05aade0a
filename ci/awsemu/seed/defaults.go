package seed

import (
	_ "embed"
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"github.com/bitflow-lms/pipeline/ci/config"
)

// Copies of the repository's emulator environment and app list, so that
// `bitflow-deploy emulator --seed` also runs outside a checkout (a binary
// on its own); TestEmbeddedDefaultsMatchTheRepository keeps them equal.
//
//go:generate cp ../../environments/emulator.yaml defaults/emulator.yaml
//go:generate cp ../../../bitflow-frontend/apps.json defaults/apps.json
var (
	//go:embed defaults/emulator.yaml
	embeddedEnvironment []byte
	//go:embed defaults/apps.json
	embeddedApps []byte
)

// EmbeddedEnvironmentName is how errors and logs name the embedded copy.
const EmbeddedEnvironmentName = "emulator.yaml (built in)"

// DefaultEnvironment loads EnvironmentFile from the repository that holds
// the working directory (or its parents), with the app list of
// bitflow-frontend/apps.json; outside a repository it is the built-in copy
// of both (from says which was used).
func DefaultEnvironment() (env *config.Environment, from string, err error) {
	path, ferr := config.FindRepoFile(EnvironmentFile, ".")
	if ferr == nil {
		env, err = config.Load(path)
		if err != nil {
			return nil, path, fmt.Errorf("seed: %w", err)
		}
		return env, path, nil
	}
	list, err := apps.Parse(embeddedApps)
	if err != nil {
		return nil, EmbeddedEnvironmentName, fmt.Errorf("seed: built-in apps.json: %w", err)
	}
	env, err = config.Parse(EmbeddedEnvironmentName, embeddedEnvironment, list)
	if err != nil {
		return nil, EmbeddedEnvironmentName, fmt.Errorf("seed: %w", err)
	}
	return env, EmbeddedEnvironmentName, nil
}
