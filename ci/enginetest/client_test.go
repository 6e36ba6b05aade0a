package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"dagger.io/dagger"
	"github.com/pmezard/go-difflib/difflib"

	"github.com/bitflow-lms/pipeline/ci/enginetest/internal/clientgen"
)

// The generator notes each declaration's place in the module's source
// ("// bitflow (../../ci/dagger/main.go:22:6)"): an edit that only moves
// lines leaves the API as it was, so those notes are not compared.
var sourcePosition = regexp.MustCompile(`(?m) // bitflow \([^)]*:[0-9]+:[0-9]+\)$`)

func withoutPositions(src string) string { return sourcePosition.ReplaceAllString(src, "") }

// TestGeneratedClientIsCurrent regenerates the client of internal/dagger from
// the module's source (Dagger's Go client generator, see package clientgen)
// and compares the files generation changed with the committed ones: a module
// function added, renamed, given a new argument or a new doc must come with
// `go generate ./ci/enginetest/...`.
func TestGeneratedClientIsCurrent(t *testing.T) {
	daggerCLI(t)
	engine(t) // sets _EXPERIMENTAL_DAGGER_CLI_BIN for the SDK
	root := repoRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	c, err := dagger.Connect(ctx, dagger.WithWorkdir(root), dagger.WithLogOutput(&session.log))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	start := time.Now()
	files, err := clientgen.Generate(ctx, c, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("client generated: %d file(s) changed by generation, %.1fs", len(files), time.Since(start).Seconds())
	dir := filepath.Join(root, clientgen.Dir)
	for _, name := range clientgen.Names(files) {
		have, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s/%s is generated but not committed", clientgen.Dir, name)
			continue
		}
		a, b := withoutPositions(string(have)), withoutPositions(files[name])
		if a == b {
			continue
		}
		diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(a), B: difflib.SplitLines(b),
			FromFile: "committed " + name, ToFile: "generated " + name, Context: 2,
		})
		if len(diff) > 6000 {
			diff = diff[:6000] + "\n..."
		}
		t.Errorf("%s/%s is stale: run `go generate ./ci/enginetest/...` with an engine:\n%s", clientgen.Dir, name, diff)
	}
}
