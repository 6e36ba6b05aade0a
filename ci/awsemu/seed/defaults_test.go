package seed

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The built-in copies are the repository's files (run go generate
// ./ci/awsemu/seed after changing either).
func TestEmbeddedDefaultsMatchTheRepository(t *testing.T) {
	for path, embedded := range map[string][]byte{
		filepath.Join("..", "..", "environments", "emulator.yaml"):       embeddedEnvironment,
		filepath.Join("..", "..", "..", "bitflow-frontend", "apps.json"): embeddedApps,
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, embedded) {
			t.Errorf("the built-in copy of %s differs: go generate ./ci/awsemu/seed", path)
		}
	}
}

// Outside a checkout the default environment is the built-in one (15
// services: the backend and one per portal); inside, the repository's file.
func TestDefaultEnvironmentOutsideTheRepository(t *testing.T) {
	_, from, err := DefaultEnvironment()
	if err != nil || filepath.Base(from) != "emulator.yaml" || from == EmbeddedEnvironmentName {
		t.Fatalf("inside the repository: %q %v", from, err)
	}
	t.Chdir(t.TempDir())
	env, from, err := DefaultEnvironment()
	if err != nil || from != EmbeddedEnvironmentName || len(env.Services) != 15 {
		t.Fatalf("outside: %q %v", from, err)
	}
}
