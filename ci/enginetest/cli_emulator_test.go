package enginetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// emulatorSession is the CLI's way to the emulator, for the tests of the
// words a user types: it builds cmd/bitflow-deploy (its emulator verb) for
// linux/amd64 and runs one `dagger` shell session in which $emu is that
// emulator running inside the engine as a service (seeded with images tagged
// seedTag), followed by lines.
func emulatorSession(t *testing.T, dir, seedTag string, lines ...string) (stdout, stderr string, err error) {
	t.Helper()
	cli := daggerCLI(t)
	root := repoRoot(t)
	emu := filepath.Join(dir, "bitflow-deploy")
	buildEmulator(t, emu)
	script := append([]string{"emu=$(container | from alpine:3 | with-file /usr/local/bin/bitflow-deploy $(host | file " + emu +
		") | with-directory /repo/ci/environments $(host | directory " + filepath.Join(root, "ci", "environments") +
		") | with-file /repo/bitflow-frontend/apps.json $(host | file " + filepath.Join(root, "bitflow-frontend", "apps.json") +
		") | with-workdir /repo | with-exposed-port 4566 | as-service --args " + strings.Join(emulatorArgs(seedTag), ",") + ")"}, lines...)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	// No BITFLOW_DAGGER_ARGS here: `dagger -c` takes no constructor flags, and
	// plan/deploy/rollback use no base image.
	cmd := exec.CommandContext(ctx, cli, "--progress=plain", "-c", strings.Join(script, "\n"))
	cmd.Dir = root
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	t.Logf("dagger shell session (%d calls): %.1fs, err=%v", len(lines), time.Since(start).Seconds(), err)
	return out.String(), errb.String(), err
}

// readManifest reads a manifest a CLI session exported.
func readManifest(t *testing.T, path string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Read(path)
	if err != nil {
		t.Fatalf("manifest not exported: %v", err)
	}
	return m
}

// buildEmulator builds cmd/bitflow-deploy for linux/amd64 at bin.
func buildEmulator(t *testing.T, bin string) {
	t.Helper()
	build := exec.Command("go", "build", "-o", bin, "./ci/cmd/bitflow-deploy")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./ci/cmd/bitflow-deploy: %v\n%s", err, out)
	}
}

// emulatorArgs run the emulator service: every interface, seeded with what
// ci/environments/emulator.yaml and bitflow-frontend/apps.json name (the
// service gets both in a repository-shaped working directory), images tagged
// seedTag.
func emulatorArgs(seedTag string) []string {
	return []string{"/usr/local/bin/bitflow-deploy", "emulator",
		"--addr", "0.0.0.0:4566", "--allow-non-loopback", "--seed", "--seed-bluegreen", "--seed-tag", seedTag, "--quiet"}
}
