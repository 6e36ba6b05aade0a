// Package clientgen generates the Go client through which the engine tests
// call the bitflow module: Dagger's own client generator (what `dagger client
// install go DIR` runs), asked through the Go SDK so that dagger.json does not
// record the client and `dagger develop` of the module is not slowed by it.
// The generated package is committed in Dir; `go generate ./ci/enginetest/...`
// with an engine reachable rewrites it, and the engine tests check it is current.
package clientgen

//go:generate go run ./genclient

import (
	"context"
	"fmt"
	"path"
	"sort"

	"dagger.io/dagger"
)

// Dir is the generated package, relative to the repository root (dagger.json).
const Dir = "ci/enginetest/internal/dagger"

// Generate runs the Go client generator on the module at root (the directory
// holding dagger.json) and returns, by name in Dir, the generated Go files
// whose content differs from the source's: the engine hands back only what
// generation changed, so nothing means the committed client is current. The
// generator also writes a go.mod for the client and edits the root one; those
// are left out: the client is a package of the root module.
func Generate(ctx context.Context, c *dagger.Client, root string) (map[string]string, error) {
	out := c.ModuleSource(root).WithClient("go", Dir).GeneratedContextDirectory().Directory(Dir)
	names, err := out.Glob(ctx, "**/*.gen.go")
	if err != nil {
		return nil, fmt.Errorf("generate the client of %s: %w", root, err)
	}
	files := map[string]string{}
	for _, name := range names {
		body, err := out.File(name).Contents(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the generated %s: %w", path.Join(Dir, name), err)
		}
		files[name] = body
	}
	return files, nil
}

// Names lists the files of a Generate result in order.
func Names(files map[string]string) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
