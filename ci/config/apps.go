package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/apps"
)

// AppsFile is where the frontend monorepo lists its portals, relative to the
// repository root: the one app list of the whole pipeline.
const AppsFile = "bitflow-frontend/apps.json"

// FindApps reads AppsFile from the first of the given directories, or one of
// their parents, that has it; it returns the list and the path it read.
func FindApps(dirs ...string) ([]apps.App, string, error) {
	path, err := FindRepoFile(AppsFile, dirs...)
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	list, err := apps.Parse(b)
	if err != nil {
		return nil, path, fmt.Errorf("%s: %w", path, err)
	}
	return list, path, nil
}

// IsApp tells whether name is one of the environment's frontend apps.
func (e *Environment) IsApp(name string) bool {
	_, err := apps.Find(e.Apps, name)
	return err == nil
}

// AppNames lists the frontend app names in apps.json order.
func (e *Environment) AppNames() []string { return apps.Names(e.Apps) }

// FindRepoFile returns the path of rel (a slash-separated path from the
// repository root) in the first of dirs, or one of their parents, that has it.
func FindRepoFile(rel string, dirs ...string) (string, error) {
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		for dir := abs; ; dir = filepath.Dir(dir) {
			path := filepath.Join(dir, filepath.FromSlash(rel))
			if _, err := os.Stat(path); err == nil {
				return path, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", fmt.Errorf("cannot find %s in %s or a parent directory", rel, strings.Join(dirs, ", "))
}
