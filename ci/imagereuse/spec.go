package imagereuse

import (
	"fmt"
	"sort"
)

// BuildArg is one Dockerfile build argument.
type BuildArg struct{ Name, Value string }

// Spec is the build of one image: the directory of the repository that is
// its context, the part of it the build reads, and how the build is run.
type Spec struct {
	App        string
	Dir        string   // context directory in the repository, e.g. "bitflow-frontend"
	Include    []string // patterns of Dir the build reads (empty: all of it)
	Exclude    []string // patterns of Dir left out
	Dockerfile string   // path of the Dockerfile inside the context
	Target     string   // build target ("" = the last stage)
	BuildArgs  []BuildArg
}

// frontendShared are the files of bitflow-frontend every portal's Dockerfile
// COPYs besides its own apps/<app>/ directory (templates/Dockerfile).
var frontendShared = []string{
	"pnpm-lock.yaml", "pnpm-workspace.yaml", "package.json", "apps.json", "tsconfig.base.json", ".dockerignore", "packages/**",
}

// Frontend is the Spec of one portal image: bitflow-frontend/ as context,
// but only the shared files and apps/<app>/, so a change in another portal
// leaves this image's inputs (and its cached context) unchanged.
func Frontend(app, nodeImage, runtimeImage string) Spec {
	return Spec{
		App:        app,
		Dir:        "bitflow-frontend",
		Include:    append(append([]string{}, frontendShared...), "apps/"+app+"/**"),
		Exclude:    []string{"**/node_modules", "**/.next", "**/out", "**/coverage", "**/*.tsbuildinfo", "**/next-env.d.ts", "**/.env", "**/.env.*"},
		Dockerfile: "apps/" + app + "/Dockerfile",
		BuildArgs:  []BuildArg{{"NODE_IMAGE", nodeImage}, {"RUNTIME_IMAGE", runtimeImage}},
	}
}

// BackendRuntimeExclude is what the production backend image never reads:
// the tests and the test tooling (the Dockerfile's test stage has them).
var BackendRuntimeExclude = []string{
	"tests", "phpunit.xml", "scripts", "README.md", "vendor", "node_modules", ".env", ".env.*",
	"storage/logs/*.log", ".phpunit.result.cache", ".phpunit.cache", "database/*.sqlite",
}

// Backend is the Spec of the production backend image (target runtime of
// bitflow-core/Dockerfile) with its build args (base images first).
func Backend(app string, args []BuildArg) Spec {
	return Spec{App: app, Dir: "bitflow-core", Exclude: BackendRuntimeExclude, Dockerfile: "Dockerfile", Target: "runtime", BuildArgs: args}
}

// recipe is the part of the input digest that is not file content: the
// Dockerfile path, the target and the build args sorted by name (the order
// they are given in does not change the build).
func (s Spec) recipe() string {
	args := append([]BuildArg{}, s.BuildArgs...)
	sort.SliceStable(args, func(i, j int) bool { return args[i].Name < args[j].Name })
	out := fmt.Sprintf("dockerfile %q\ntarget %q\n", s.Dockerfile, s.Target)
	for _, a := range args {
		out += fmt.Sprintf("arg %q=%q\n", a.Name, a.Value)
	}
	return out
}
