package enginetest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDeployPlanRollbackAgainstTheEmulator runs plan, deploy and rollback end
// to end: the in-repo AWS emulator (bitflow-deploy emulator, built here for
// linux/amd64) runs INSIDE the engine as a Dagger service and is passed to the
// module as with-aws --endpoint; one `dagger` shell session drives the three
// functions against that one emulator, so its state carries from call to call.
func TestDeployPlanRollbackAgainstTheEmulator(t *testing.T) {
	dir := t.TempDir()
	const sha = "abc1234"
	deployed := filepath.Join(dir, "manifest.json")
	rolled := filepath.Join(dir, "rollback-manifest.json")
	// The emulator env's blue/green test URL names 127.0.0.1:4566, which is not
	// the service's host inside the engine: rolling exercises the whole path.
	out, stderr, err := emulatorSession(t, dir, sha,
		".echo '=== PLAN'",
		e2eEnv+" | plan --sha "+sha+" --strategy rolling",
		".echo '=== END PLAN'",
		e2eEnv+" | plan --sha "+sha+" --strategy rolling --json-output",
		".echo '=== END JSON'",
		e2eEnv+" | deploy --sha "+sha+" --strategy rolling | export "+deployed,
		e2eEnv+" | rollback --manifest $(host | file "+deployed+") | export "+rolled,
	)
	if err != nil {
		t.Fatalf("dagger shell failed: %v\nstdout:\n%s\nstderr (tail):\n%s", err, lastLines(out, 40), lastLines(stderr, 60))
	}
	noSecrets(t, out+stderr)

	// Plan: names the task-definition diff (tag -> digest) and changes nothing.
	p0, p1 := strings.Index(out, "=== PLAN"), strings.Index(out, "=== END PLAN")
	if p0 < 0 || p1 < p0 {
		t.Fatalf("plan output markers missing:\n%s", lastLines(out, 40))
	}
	plan := out[p0:p1]
	for _, want := range []string{"bitflow-backend", "bitflow-frontend", "-      \"image\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend:" + sha, "bitflow-backend@sha256:", "php artisan migrate --force"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan output lacks %q:\n%s", want, lastLines(plan, 30))
		}
	}

	var pj struct {
		Strategy string `json:"strategy"`
		Services []struct {
			Service string `json:"service"`
			Diff    string `json:"diff"`
		} `json:"services"`
	}
	if j1 := strings.Index(out, "=== END JSON"); j1 < p1 {
		t.Errorf("--json-output plan missing")
	} else if err := json.Unmarshal([]byte(out[p1+len("=== END PLAN"):j1]), &pj); err != nil {
		t.Errorf("--json-output is not JSON: %v", err)
	} else if pj.Strategy != "rolling" || len(pj.Services) != 15 || !strings.Contains(pj.Services[0].Diff, "@sha256:") {
		t.Errorf("--json-output plan: %+v", pj)
	}

	dm := readManifest(t, deployed)
	if dm.Outcome != "succeeded" || dm.Strategy != "rolling" || dm.GitSHA != sha {
		t.Fatalf("deploy manifest: outcome %q strategy %q sha %q, want succeeded rolling %s", dm.Outcome, dm.Strategy, dm.GitSHA, sha)
	}
	// Plan registered nothing: the deploy found revision 1 live and made 2.
	want := map[string][2]string{}
	for _, s := range dm.Services {
		want[s.Service] = [2]string{s.TaskDefinitionBefore, s.TaskDefinitionAfter}
	}
	// 15 services: the backend and one per portal; two of them checked here.
	for _, svc := range []string{"bitflow-backend", "bitflow-frontend-student"} {
		got := want[svc]
		if !strings.HasSuffix(got[0], "/"+svc+":1") || !strings.HasSuffix(got[1], "/"+svc+":2") {
			t.Errorf("deploy of %s: task definition %s -> %s, want :1 -> :2 (plan must not register revisions)", svc, got[0], got[1])
		}
	}

	rm := readManifest(t, rolled)
	if rm.Outcome != "succeeded" || rm.Strategy != "rollback" || rm.ID != "rollback-"+dm.ID {
		t.Fatalf("rollback manifest: outcome %q strategy %q id %q, want succeeded rollback rollback-%s", rm.Outcome, rm.Strategy, rm.ID, dm.ID)
	}
	for _, s := range rm.Services {
		if s.Service == "bitflow-backend" || s.Service == "bitflow-frontend-student" {
			if !strings.HasSuffix(s.TaskDefinitionBefore, ":2") || !strings.HasSuffix(s.TaskDefinitionAfter, ":1") {
				t.Errorf("rollback of %s: %s -> %s, want :2 -> :1 (back to the release before the deploy)", s.Service, s.TaskDefinitionBefore, s.TaskDefinitionAfter)
			}
		}
	}
	if len(rm.Services) == 0 {
		t.Error("rollback manifest lists no services")
	}
}

type e2eManifest struct {
	ID       string `json:"id"`
	GitSHA   string `json:"gitSha"`
	Strategy string `json:"strategy"`
	Outcome  string `json:"outcome"`
	Services []struct {
		Service              string `json:"service"`
		TaskDefinitionBefore string `json:"taskDefinitionBefore"`
		TaskDefinitionAfter  string `json:"taskDefinitionAfter"`
	} `json:"services"`
}

func readManifest(t *testing.T, path string) e2eManifest {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("manifest not exported: %v", err)
	}
	var m e2eManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestDeployAllowFailureReturnsTheFailedManifest deploys a sha with no images
// in the emulator's ECR: with --allow-failure the call succeeds and returns the
// manifest of the failed deploy; without it the call fails and exports nothing.
func TestDeployAllowFailureReturnsTheFailedManifest(t *testing.T) {
	dir := t.TempDir()
	withFlag, without := filepath.Join(dir, "allowed.json"), filepath.Join(dir, "default.json")
	deploy := e2eEnv + " | deploy --sha 0badc0de --strategy rolling"
	out, stderr, err := emulatorSession(t, dir, "abc1234",
		deploy+" --allow-failure | export "+withFlag,
		".echo '=== DEFAULT'",
		deploy+" | export "+without,
	)
	noSecrets(t, out+stderr)
	m := readManifest(t, withFlag)
	if m.Outcome != "failed" || m.GitSHA != "0badc0de" {
		t.Errorf("--allow-failure manifest: outcome %q sha %q, want failed 0badc0de", m.Outcome, m.GitSHA)
	}
	if !strings.Contains(out, "=== DEFAULT") {
		t.Fatalf("the --allow-failure deploy stopped the session:\n%s", lastLines(stderr, 40))
	}
	if err == nil {
		t.Fatal("a failed deploy without --allow-failure exited 0")
	}
	if _, serr := os.Stat(without); serr == nil {
		t.Error("a failed deploy without --allow-failure exported a manifest")
	}
	if !strings.Contains(stderr, "release manifest:") || !strings.Contains(stderr, `"outcome": "failed"`) {
		t.Errorf("the error of a failed deploy lacks its manifest:\n%s", lastLines(stderr, 40))
	}
}

// Dummy credentials: the emulator accepts any; they must never be printed.
const e2eAK, e2eSK = "AKIAENGINETESTFAKE01", "engineTestSecretNeverPrinted0123456789"

// e2eEnv declares the credentials once and opens the emulator environment.
const e2eEnv = "with-aws --access-key-id env://BITFLOW_E2E_AK --secret-access-key env://BITFLOW_E2E_SK --endpoint $emu | environment --name emulator"

// emulatorSession builds cmd/bitflow-deploy (its emulator verb) for linux/amd64, and runs one
// `dagger` shell session in which $emu is that emulator running inside the
// engine as a service (seeded with images tagged seedTag), followed by lines.
func emulatorSession(t *testing.T, dir, seedTag string, lines ...string) (stdout, stderr string, err error) {
	t.Helper()
	cli := daggerCLI(t)
	root := repoRoot(t)
	emu := filepath.Join(dir, "bitflow-deploy")
	build := exec.Command("go", "build", "-o", emu, "./cmd/bitflow-deploy")
	build.Dir = filepath.Join(root, "ci")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/bitflow-deploy: %v\n%s", err, out)
	}
	t.Setenv("BITFLOW_E2E_AK", e2eAK)
	t.Setenv("BITFLOW_E2E_SK", e2eSK)
	// The seed creates what ci/environments/emulator.yaml names, with the
	// portals of bitflow-frontend/apps.json: the service gets both, in a
	// repository-shaped working directory.
	script := append([]string{"emu=$(container | from alpine:3 | with-file /usr/local/bin/bitflow-deploy $(host | file " + emu +
		") | with-directory /repo/ci/environments $(host | directory " + filepath.Join(root, "ci", "environments") +
		") | with-file /repo/bitflow-frontend/apps.json $(host | file " + filepath.Join(root, "bitflow-frontend", "apps.json") +
		") | with-workdir /repo | with-exposed-port 4566 | as-service --args /usr/local/bin/bitflow-deploy,emulator,--addr,0.0.0.0:4566,--allow-non-loopback,--seed,--seed-bluegreen,--seed-tag," +
		seedTag + ",--quiet)"}, lines...)
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

func noSecrets(t *testing.T, output string) {
	t.Helper()
	for _, secret := range []string{e2eAK, e2eSK} {
		if strings.Contains(output, secret) {
			t.Fatal("a dummy AWS secret value appeared in the output")
		}
	}
}
