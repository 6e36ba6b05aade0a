package enginetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The design card's words through the real CLI: `dagger call deploy --env
// ENV`, `plan`, `rollback`, with AWS from a laptop's profile files.

// profileFiles writes an AWS config and credentials file as a laptop has
// them: the profile bitflow assumes a role with the keys of profile base.
func profileFiles(t *testing.T, dir string) (config, credentials string) {
	t.Helper()
	config, credentials = filepath.Join(dir, "aws-config"), filepath.Join(dir, "aws-credentials")
	files := map[string]string{
		config:      "[profile bitflow]\nrole_arn = arn:aws:iam::123456789012:role/bitflow-deployer\nsource_profile = base\n",
		credentials: "[base]\naws_access_key_id = " + e2eAK + "\naws_secret_access_key = " + e2eSK + "\n",
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return config, credentials
}

// TestFrontDoorDeployRollbackWithAProfile deploys and rolls back the
// emulator environment through `deploy --env` and `rollback --env`, the
// credentials read from a profile file (a role assumed through the
// emulator's STS), and plans with --sha defaulting to the commit checked out.
func TestFrontDoorDeployRollbackWithAProfile(t *testing.T) {
	daggerCLI(t)
	dir := t.TempDir()
	head, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (the default --sha is HEAD): %v", err)
	}
	sha := strings.TrimSpace(string(head))
	// --sha defaults to the HEAD read from the source's .git; a linked
	// worktree's .git is a file pointing outside the source: say it there.
	shaFlag := ""
	if fi, err := os.Stat(filepath.Join(repoRoot(t), ".git")); err == nil && !fi.IsDir() {
		t.Logf("linked git worktree: plan and deploy get --sha %s (the default needs a .git directory)", sha)
		shaFlag = " --sha " + sha
	}
	config, credentials := profileFiles(t, dir)
	profile := " --aws-profile bitflow --aws-config file://" + config + " --aws-credentials file://" + credentials + " --aws-endpoint $emu"
	deployed, rolled := filepath.Join(dir, "manifest.json"), filepath.Join(dir, "rollback.json")
	out, stderr, err := emulatorSession(t, dir, sha,
		".echo '=== PLAN'",
		"plan --env emulator --strategy rolling"+shaFlag+profile,
		".echo '=== END PLAN'",
		"deploy --env emulator --strategy rolling"+shaFlag+profile+" | export "+deployed,
		"rollback --env emulator"+profile+" | export "+rolled,
	)
	if err != nil {
		t.Fatalf("dagger shell failed: %v\nstdout:\n%s\nstderr (tail):\n%s", err, lastLines(out, 40), lastLines(stderr, 60))
	}
	noSecrets(t, out+stderr)
	if !strings.Contains(out, "Plan: emulator, release "+sha) {
		t.Errorf("plan without --sha did not plan HEAD (%s):\n%s", sha, lastLines(out, 30))
	}
	dm := readManifest(t, deployed)
	if dm.Outcome != "succeeded" || dm.GitSHA != sha {
		t.Fatalf("deploy manifest: outcome %q sha %q, want succeeded %s", dm.Outcome, dm.GitSHA, sha)
	}
	rm := readManifest(t, rolled)
	if rm.Outcome != "succeeded" || rm.ID != "rollback-"+dm.ID {
		t.Fatalf("rollback manifest: outcome %q id %q, want succeeded rollback-%s", rm.Outcome, rm.ID, dm.ID)
	}
}

// TestFrontDoorHelpAndRefusals: each front-door function documents itself
// with examples, needs --env, and refuses AWS declared twice before any call.
func TestFrontDoorHelpAndRefusals(t *testing.T) {
	for _, fn := range []string{"deploy", "plan", "rollback"} {
		out := mustSucceed(t, call(t, 10*time.Minute, fn, "--help"))
		for _, want := range []string{"--env string", "--aws-profile", "--aws-credentials-process", "dagger call " + fn + " --env"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q:\n%s", fn, want, out)
			}
		}
	}
	if r := call(t, 10*time.Minute, "deploy"); r.err == nil || !strings.Contains(r.stderr, `"env"`) {
		t.Errorf("deploy without --env: %v\n%s", r.err, lastLines(r.stderr, 10))
	}
	t.Setenv("BITFLOW_TEST_FAKE_KEY", e2eAK)
	t.Setenv("BITFLOW_TEST_FAKE_SECRET", e2eSK)
	r := call(t, 10*time.Minute, "with-aws", "--access-key-id", "env:BITFLOW_TEST_FAKE_KEY", "--secret-access-key", "env:BITFLOW_TEST_FAKE_SECRET",
		"deploy", "--env", "production", "--sha", "abc1234", "--aws-profile", "bitflow", "--aws-config", "env:BITFLOW_TEST_FAKE_KEY")
	if r.err == nil || !strings.Contains(r.stdout+r.stderr, "AWS is declared twice") {
		t.Errorf("AWS declared twice accepted or unexplained: %v\n%s", r.err, lastLines(r.stderr, 10))
	}
	noSecrets(t, r.stdout+r.stderr)
}
