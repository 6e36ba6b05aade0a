package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestAppsAreFourteenOnPorts3001To3014(t *testing.T) {
	if len(Apps) != 14 {
		t.Fatalf("%d apps, want 14", len(Apps))
	}
	seen := map[string]bool{}
	for i, a := range Apps {
		if a.Port != 3001+i {
			t.Errorf("%s on port %d, want %d", a.Name, a.Port, 3001+i)
		}
		if seen[a.Name] {
			t.Errorf("%s listed twice", a.Name)
		}
		seen[a.Name] = true
	}
}

// TestAppsMatchFrontendMonorepo keeps Apps equal to the monorepo's own list
// (bitflow-frontend/apps.json: [{"name":..,"port":..}]).
func TestAppsMatchFrontendMonorepo(t *testing.T) {
	path := filepath.Join("..", "..", "bitflow-frontend", "apps.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("SKIP: %s does not exist yet (created with the frontend monorepo); cannot compare the app list", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	var got []App
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !reflect.DeepEqual(got, Apps) {
		t.Errorf("%s differs from config.Apps:\n got  %v\n want %v", path, got, Apps)
	}
}
