// Package apps reads the list of frontend portals from bitflow-frontend/apps.json
// (the one list the monorepo's generator, Dockerfiles and this pipeline share)
// and validates app names given on the command line.
package apps

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Backend is the app name of the Laravel API image.
const Backend = "backend"

// App is one frontend portal.
type App struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

var validName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// Parse decodes apps.json and checks that every app has a usable, unique name
// (it becomes an image repository name) and a port.
func Parse(appsJSON []byte) ([]App, error) {
	var list []App
	if err := json.Unmarshal(appsJSON, &list); err != nil {
		return nil, fmt.Errorf("apps.json: %w", err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("apps.json: no apps listed")
	}
	seen := map[string]bool{}
	for i, a := range list {
		switch {
		case !validName.MatchString(a.Name):
			return nil, fmt.Errorf("apps.json: app %d: name %q is not a lower-case kebab-case name", i, a.Name)
		case a.Name == Backend:
			return nil, fmt.Errorf("apps.json: app %d: %q is reserved for the backend image", i, a.Name)
		case seen[a.Name]:
			return nil, fmt.Errorf("apps.json: app %q listed twice", a.Name)
		case a.Port <= 0 || a.Port > 65535:
			return nil, fmt.Errorf("apps.json: app %q: port %d out of range", a.Name, a.Port)
		}
		seen[a.Name] = true
	}
	return list, nil
}

// Names returns the app names in apps.json order.
func Names(list []App) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.Name
	}
	return out
}

// Find returns the app called name, or an error that lists the valid names.
func Find(list []App, name string) (App, error) {
	for _, a := range list {
		if a.Name == name {
			return a, nil
		}
	}
	return App{}, fmt.Errorf("unknown app %q; valid apps: %s", name, strings.Join(Names(list), ", "))
}

// Select parses a comma-separated selection ("student,parent", "backend",
// "all" or "") into image names: "" and "all" mean the backend plus every
// app. Unknown names are refused with the list of valid ones; duplicates are
// dropped; the backend, when selected, comes first.
func Select(list []App, csv string) ([]string, error) {
	csv = strings.TrimSpace(csv)
	if csv == "" || csv == "all" {
		return append([]string{Backend}, Names(list)...), nil
	}
	var out []string
	seen := map[string]bool{}
	var unknown []string
	for _, n := range strings.Split(csv, ",") {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		if n != Backend {
			if _, err := Find(list, n); err != nil {
				unknown = append(unknown, n)
				continue
			}
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown app(s) %s; valid: %s, %s", strings.Join(unknown, ", "), Backend, strings.Join(Names(list), ", "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no apps selected in %q", csv)
	}
	if seen[Backend] && out[0] != Backend {
		rest := make([]string, 0, len(out))
		for _, n := range out {
			if n != Backend {
				rest = append(rest, n)
			}
		}
		out = append([]string{Backend}, rest...)
	}
	return out, nil
}

// PnpmVersion returns the pnpm version pinned by package.json's
// "packageManager" field ("pnpm@10.34.9" -> "10.34.9"; a "+sha..." suffix is
// dropped).
func PnpmVersion(packageJSON []byte) (string, error) {
	var pkg struct {
		PackageManager string `json:"packageManager"`
	}
	if err := json.Unmarshal(packageJSON, &pkg); err != nil {
		return "", fmt.Errorf("package.json: %w", err)
	}
	name, version, ok := strings.Cut(pkg.PackageManager, "@")
	if !ok || name != "pnpm" || version == "" {
		return "", fmt.Errorf(`package.json: "packageManager" is %q, want "pnpm@<version>"`, pkg.PackageManager)
	}
	version, _, _ = strings.Cut(version, "+")
	return version, nil
}
