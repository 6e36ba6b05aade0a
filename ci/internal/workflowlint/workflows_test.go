package workflowlint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// root is the repository root, relative to this package.
const root = "../../.."

var (
	deployPath   = filepath.Join(root, ".github", "workflows", "deploy.yml")
	ciPath       = filepath.Join(root, ".github", "workflows", "ci.yml")
	rollbackPath = filepath.Join(root, ".github", "workflows", "rollback.yml")
	allPaths     = []string{deployPath, ciPath, rollbackPath}
)

func load(t *testing.T, path string) *Workflow {
	t.Helper()
	w, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestActionlintClean(t *testing.T) {
	sc := Shellcheck()
	if sc == "" {
		fmt.Println("workflowlint: shellcheck not installed (apt-get install shellcheck): run: scripts are not shell-checked; everything else is")
	}
	errs, err := Lint(allPaths, sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

// TestActionlintCatchesMistakes proves the harness is not vacuous: a
// workflow with a typo'd expression, an unknown action input and a shell
// bug must produce findings.
func TestActionlintCatchesMistakes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	const src = `on: push
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
        with:
          fetch-deph: 1
      - run: echo ${{ github.shaa }}
      - run: if [ $FOO == 1 ] then echo; fi
`
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	errs, err := Lint([]string{bad}, Shellcheck())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range errs {
		kinds = append(kinds, e.Kind)
	}
	for _, want := range []string{"action", "expression"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("actionlint found no %q problem in a broken workflow; findings: %v", want, kinds)
		}
	}
	if Shellcheck() != "" && !slices.Contains(kinds, "shellcheck") {
		t.Errorf("shellcheck is installed but found nothing in a broken script; findings: %v", kinds)
	}
}

func TestDeployTriggers(t *testing.T) {
	w := load(t, deployPath)
	push, _ := w.On["push"].(map[string]any)
	if branches, _ := push["branches"].([]any); len(branches) != 1 || branches[0] != "main" {
		t.Errorf("on.push.branches = %v, want [main]", push["branches"])
	}
	if _, ok := w.On["pull_request_target"]; ok {
		t.Error("deploy must not run on pull_request_target (untrusted code with secrets)")
	}
	dispatch, _ := w.On["workflow_dispatch"].(map[string]any)
	inputs, _ := dispatch["inputs"].(map[string]any)
	want := map[string]struct {
		typ     string
		options []string
	}{
		"environment":    {"choice", []string{"production", "staging"}},
		"strategy":       {"choice", []string{"rolling", "bluegreen", "canary"}},
		"apps":           {"string", nil},
		"previous_sha":   {"string", nil},
		"dry_run":        {"boolean", nil},
		"allow_contract": {"boolean", nil},
	}
	for name, w := range want {
		in, _ := inputs[name].(map[string]any)
		if in == nil {
			t.Errorf("workflow_dispatch input %q missing", name)
			continue
		}
		if in["type"] != w.typ {
			t.Errorf("input %s: type %v, want %s", name, in["type"], w.typ)
		}
		opts, _ := in["options"].([]any)
		for _, o := range w.options {
			if !slices.Contains(opts, any(o)) {
				t.Errorf("input %s: options %v lack %q", name, opts, o)
			}
		}
	}
	if req, _ := inputs["apps"].(map[string]any)["required"].(bool); req {
		t.Error("apps must be optional")
	}
	if w.Permissions["contents"] != "read" || len(w.Permissions) != 1 {
		t.Errorf("workflow-level permissions = %v, want only contents: read (jobs widen what they need)", w.Permissions)
	}
}

func TestDeployJobOIDCConcurrencyEnvironment(t *testing.T) {
	w := load(t, deployPath)
	job, ok := w.Jobs["deploy"]
	if !ok {
		t.Fatalf("no deploy job; jobs: %v", sortedKeys(w.Jobs))
	}
	wantPerms := map[string]string{"id-token": "write", "contents": "read", "deployments": "write", "statuses": "write"}
	if fmt.Sprint(job.Permissions) != fmt.Sprint(wantPerms) {
		t.Errorf("deploy permissions = %v, want exactly %v", job.Permissions, wantPerms)
	}
	if job.Concurrency == nil || !strings.Contains(job.Concurrency.Group, "inputs.environment") {
		t.Errorf("deploy concurrency group must be per environment, got %+v", job.Concurrency)
	} else if job.Concurrency.CancelInProgress != false {
		t.Errorf("cancel-in-progress = %v: a running deploy must never be cancelled by the next one", job.Concurrency.CancelInProgress)
	}
	envName := fmt.Sprint(job.Environment)
	if m, ok := job.Environment.(map[string]any); ok {
		envName = fmt.Sprint(m["name"])
	}
	if !strings.Contains(envName, "inputs.environment") {
		t.Errorf("deploy job environment = %q, want the GitHub environment named after the input (protection rules)", envName)
	}
	if needs := fmt.Sprint(job.Needs); needs != "[checks images build]" {
		t.Errorf("deploy needs = %s, want [checks images build]", needs)
	}

	aws := findStep(job, "aws-actions/configure-aws-credentials@")
	if aws == nil {
		t.Fatal("no aws-actions/configure-aws-credentials step")
	}
	if r := aws.With["role-to-assume"]; !strings.HasPrefix(r, "${{ vars.") {
		t.Errorf("role-to-assume = %q, want a repository/environment variable", r)
	}
	for _, k := range []string{"aws-access-key-id", "aws-secret-access-key", "aws-session-token"} {
		if _, ok := aws.With[k]; ok {
			t.Errorf("configure-aws-credentials has %s: credentials must come from OIDC only", k)
		}
	}

	deploy := findRun(job, "call \"${args[@]}\"")
	if deploy == nil {
		t.Fatal("no step runs the dagger deploy call")
	}
	for _, want := range []string{
		"args=(with-aws", "--access-key-id env:AWS_ACCESS_KEY_ID", "--secret-access-key env:AWS_SECRET_ACCESS_KEY",
		"--session-token env:AWS_SESSION_TOKEN", "with-github --token env:GITHUB_TOKEN",
		"with-slack --webhook env:SLACK_WEBHOOK_URL", "environment --name \"$ENVIRONMENT\" deploy", "--sha \"$GITHUB_SHA\"",
		"--strategy \"$STRATEGY\"", "--apps \"$APPS\" --previous-sha \"$PREVIOUS_SHA\"", "--dry-run", "--allow-failure", "export --path manifest.json",
	} {
		if !strings.Contains(deploy.Run, want) {
			t.Errorf("deploy call lacks %q", want)
		}
	}
	upload := findStep(job, "actions/upload-artifact@")
	if upload == nil || upload.With["path"] != "manifest.json" || !strings.Contains(upload.If, "always()") {
		t.Errorf("the release manifest must be uploaded as an artifact even when the deploy fails: %+v", upload)
	}
	install, credentials := stepIndex(job, "dagger/dagger-for-github@"), stepIndex(job, "aws-actions/configure-aws-credentials@")
	for i, st := range job.Steps {
		if strings.Contains(st.Run, "dagger ") && (install < 0 || i < install || i < credentials) {
			t.Errorf("step %d (%s) calls dagger before the pinned CLI is installed and AWS credentials are configured", i+1, st.Name)
		}
	}
}

func TestCIWorkflow(t *testing.T) {
	w := load(t, ciPath)
	for _, trig := range []string{"pull_request", "push", "workflow_call"} {
		if _, ok := w.On[trig]; !ok {
			t.Errorf("ci.yml lacks trigger %s", trig)
		}
	}
	if w.Permissions["contents"] != "read" || len(w.Permissions) != 1 {
		t.Errorf("ci permissions = %v, want only contents: read", w.Permissions)
	}
	var calls int
	for _, job := range w.Jobs {
		if job.Permissions["id-token"] != "" {
			t.Error("CI must not get an OIDC token: it needs no cloud account")
		}
		if st := findRun(job, "call ci"); st != nil {
			calls++
		}
	}
	if calls != 1 {
		t.Errorf("ci.yml runs `dagger call ci` in %d steps, want 1", calls)
	}
}

func TestNoSecretEchoedAndActionsPinned(t *testing.T) {
	for _, p := range allPaths {
		w := load(t, p)
		for _, problem := range append(SecretProblems(w), UnpinnedActions(w)...) {
			t.Errorf("%s: %s", p, problem)
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range PinsWithoutVersion(src) {
			t.Errorf("%s: %s", p, problem)
		}
	}
}

// TestPinRulesCatchTagsAndMissingVersions proves a major-version tag counts
// as unpinned and a sha pin needs its version comment.
func TestPinRulesCatchTagsAndMissingVersions(t *testing.T) {
	sha := strings.Repeat("a", 40)
	w := &Workflow{Jobs: map[string]Job{"x": {Steps: []Step{
		{Uses: "actions/checkout@v6"}, {Uses: "actions/checkout@v6.1.0"}, {Uses: "actions/checkout@" + sha}, {Uses: "./local"},
	}}}}
	got := UnpinnedActions(w)
	if len(got) != 2 || !strings.Contains(got[0], "actions/checkout@v6 is not pinned") || !strings.Contains(got[1], "@v6.1.0 is not pinned") {
		t.Errorf("UnpinnedActions = %q", got)
	}
	src := "steps:\n  - uses: a/b@" + sha + " # v1.2.3\n  - uses: a/c@" + sha + "\n    with:\n      x: 1\n  - uses: a/d@" + sha + " # main\n"
	bad := PinsWithoutVersion([]byte(src))
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "line 3:") || !strings.HasPrefix(bad[1], "line 6:") {
		t.Errorf("PinsWithoutVersion = %q", bad)
	}
}

// TestSecretRulesCatchLeaks proves SecretProblems and UnpinnedActions find
// what they claim to.
func TestSecretRulesCatchLeaks(t *testing.T) {
	w := &Workflow{Jobs: map[string]Job{"x": {
		Env: map[string]string{"TOKEN": "${{ secrets.TOKEN }}"},
		Steps: []Step{
			{Name: "inline", Run: "dagger call deploy --token ${{ secrets.GITHUB_TOKEN }}"},
			{Name: "echo", Run: "ok=1\necho \"key=$AWS_SECRET_ACCESS_KEY\""},
			{Name: "trace", Run: "set -ex\ndagger call deploy"},
			{Name: "with", Uses: "some/action@v1", With: map[string]string{"token": "${{ secrets.X }}"}},
			{Name: "branch", Uses: "some/action@main"},
			{Name: "fine", Run: "if [[ -n \"$SLACK_WEBHOOK_URL\" ]]; then args+=(--slack-webhook env:SLACK_WEBHOOK_URL); fi"},
			{Name: "third-party token", Uses: "someone/download@v2", With: map[string]string{"github-token": "${{ github.token }}"}},
			{Name: "fine download", Uses: "actions/download-artifact@v8", With: map[string]string{"github-token": "${{ github.token }}"}},
		},
	}}}
	got := strings.Join(append(SecretProblems(w), UnpinnedActions(w)...), "\n")
	for _, want := range []string{
		"env TOKEN exposes a secret to every step",
		"step 1 (inline): run script contains a ${{ }} expression",
		"step 2 (echo) line 2: prints secret AWS_SECRET_ACCESS_KEY",
		"step 3 (trace) line 1: shell tracing",
		"step 4 (with): input token passes a secret",
		"some/action@main is not pinned",
		"some/action@v1 is not pinned",
		"step 7 (third-party token): input github-token passes a secret to action someone/download@v2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rules missed %q; found:\n%s", want, got)
		}
	}
	if strings.Contains(got, "(fine") {
		t.Errorf("a test for a non-empty secret was flagged as printing it:\n%s", got)
	}
}

// TestDaggerVersionMatchesDaggerJSON pins the CLI the workflows install to
// the engine version the module declares.
func TestDaggerVersionMatchesDaggerJSON(t *testing.T) {
	want := ""
	b, err := os.ReadFile(filepath.Join(root, "dagger.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Println("workflowlint: dagger.json not present yet: checking only that the workflows pin an exact dagger version")
	case err != nil:
		t.Fatal(err)
	default:
		var dj struct {
			EngineVersion string `json:"engineVersion"`
		}
		if err := json.Unmarshal(b, &dj); err != nil {
			t.Fatalf("dagger.json: %v", err)
		}
		if dj.EngineVersion == "" {
			t.Fatal("dagger.json has no engineVersion")
		}
		want = strings.TrimPrefix(dj.EngineVersion, "v")
	}
	for _, p := range allPaths {
		versions := DaggerVersions(load(t, p))
		if len(versions) == 0 {
			t.Errorf("%s installs dagger without dagger/dagger-for-github", p)
		}
		for _, v := range versions {
			v = strings.TrimPrefix(v, "v")
			if !regexpSemver.MatchString(v) {
				t.Errorf("%s: dagger version %q is not an exact version", p, v)
			}
			if want != "" && v != want {
				t.Errorf("%s: dagger version %s, dagger.json engineVersion %s", p, v, want)
			}
		}
	}
}

func findStep(job Job, usesPrefix string) *Step {
	if i := stepIndex(job, usesPrefix); i >= 0 {
		return &job.Steps[i]
	}
	return nil
}

func stepIndex(job Job, usesPrefix string) int {
	for i, st := range job.Steps {
		if strings.HasPrefix(st.Uses, usesPrefix) {
			return i
		}
	}
	return -1
}

func findRun(job Job, fragment string) *Step {
	for i, st := range job.Steps {
		if strings.Contains(st.Run, fragment) {
			return &job.Steps[i]
		}
	}
	return nil
}

var regexpSemver = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

func TestRollbackWorkflow(t *testing.T) {
	w := load(t, rollbackPath)
	if len(w.On) != 1 || w.On["workflow_dispatch"] == nil {
		t.Errorf("rollback must only run when dispatched by a person, triggers: %v", w.On)
	}
	job, ok := w.Jobs["rollback"]
	if !ok {
		t.Fatalf("no rollback job: %v", sortedKeys(w.Jobs))
	}
	deployJob := load(t, deployPath).Jobs["deploy"]
	// GitHub keeps one pending run per concurrency group and cancels the older
	// one: a rollback waiting in the deploy's group would be cancelled by the
	// next push to main. It has a per-environment group of its own.
	if job.Concurrency == nil || deployJob.Concurrency == nil ||
		!strings.HasPrefix(job.Concurrency.Group, "rollback-${{ inputs.environment") ||
		job.Concurrency.Group == deployJob.Concurrency.Group ||
		job.Concurrency.CancelInProgress != false {
		t.Errorf("rollback needs its own per-environment concurrency group, never cancelled: rollback %+v, deploy %+v", job.Concurrency, deployJob.Concurrency)
	}
	wantPerms := map[string]string{"id-token": "write", "contents": "read", "deployments": "write", "statuses": "write"}
	if fmt.Sprint(job.Permissions) != fmt.Sprint(wantPerms) {
		t.Errorf("rollback permissions = %v, want exactly %v", job.Permissions, wantPerms)
	}
	// The release to undo comes from the environment's ledger in S3, never
	// from another run's artifact (which any branch's run could have made).
	if dl := findStep(job, "actions/download-artifact@"); dl != nil {
		t.Errorf("rollback must work from the ledger, not download an artifact: %+v", dl)
	}
	call := findRun(job, "call \"${args[@]}\"")
	if call == nil {
		t.Fatal("no step runs dagger call rollback")
	}
	for _, want := range []string{"environment --name \"$ENVIRONMENT\" rollback", "--sha \"$SHA\"", "--allow-failure", "--session-token env:AWS_SESSION_TOKEN", "export --path rollback-manifest.json"} {
		if !strings.Contains(call.Run, want) {
			t.Errorf("rollback call lacks %q", want)
		}
	}
	install, credentials := stepIndex(job, "dagger/dagger-for-github@"), stepIndex(job, "aws-actions/configure-aws-credentials@")
	for i, st := range job.Steps {
		if strings.Contains(st.Run, "dagger ") && (install < 0 || i < install || i < credentials) {
			t.Errorf("step %d (%s) calls dagger before the pinned CLI is installed and AWS credentials are configured", i+1, st.Name)
		}
	}
}

// TestSummaryAndOutcomeRunThroughTheModule: the job summary and the outcome
// check are `dagger call summary|outcome`, the code path a laptop runs, not a
// separate `go run` outside Dagger.
func TestSummaryAndOutcomeRunThroughTheModule(t *testing.T) {
	for _, p := range []string{deployPath, rollbackPath} {
		for name, job := range load(t, p).Jobs {
			for _, st := range job.Steps {
				if strings.Contains(st.Run, "go run") {
					t.Errorf("%s job %s step %q runs `go run`; call the module instead", p, name, st.Name)
				}
			}
			if findRun(job, "export --path") == nil {
				continue // not a deploy or rollback job
			}
			for _, want := range []string{"call summary --manifest", "call outcome --manifest"} {
				if findRun(job, want) == nil {
					t.Errorf("%s job %s: no step runs dagger %s", p, name, want)
				}
			}
		}
	}
}

// TestDeployBuildsEachImageOnceAndFansOut: on push to main nothing builds the
// images twice (no `dagger call ci` in deploy.yml: checks run `dagger check`),
// a first job asks the pipeline which images need building, a matrix builds
// and publishes each of those on its own runner, and the deploy job retags.
func TestDeployBuildsEachImageOnceAndFansOut(t *testing.T) {
	w := load(t, deployPath)
	for name, job := range w.Jobs {
		if job.Uses != "" || findRun(job, "call ci") != nil {
			t.Errorf("job %s runs ci (it builds every image): the publishing jobs build them", name)
		}
	}
	if findRun(w.Jobs["checks"], "dagger --progress plain check") == nil {
		t.Error("checks job does not run dagger check")
	}
	images := w.Jobs["images"]
	if st := findRun(images, "plan-images --registry"); st == nil || !strings.Contains(st.Run, "GITHUB_OUTPUT") {
		t.Error("images job must run plan-images and hand its list to the matrix")
	}
	build := w.Jobs["build"]
	if fmt.Sprint(build.Needs) != "images" || !strings.Contains(build.If, "needs.images.outputs.fanout") {
		t.Errorf("build job: needs %v if %q", build.Needs, build.If)
	}
	if st := findRun(build, "publish --registry"); st == nil || !strings.Contains(st.Run, `--apps "$APP"`) {
		t.Error("each matrix runner must build and publish only its app")
	}
	if st := findRun(w.Jobs["deploy"], "publish --registry"); st == nil {
		t.Error("the deploy job must publish (retag) the release before deploying")
	}
}

// TestPublishRecordsReachTheSummary: each matrix runner's publish writes
// its JSON record and uploads it; the deploy job downloads them all (same
// run, one directory), writes its own publish's record, and the job summary
// passes every record it has to `dagger call summary`.
func TestPublishRecordsReachTheSummary(t *testing.T) {
	w := load(t, deployPath)
	build := w.Jobs["build"]
	if st := findRun(build, "publish --registry"); st == nil || !strings.Contains(st.Run, `--format json > "publish-${APP}.json"`) {
		t.Error(`each matrix runner must write its publish record: publish ... --format json > "publish-${APP}.json"`)
	}
	up := findStep(build, "actions/upload-artifact@")
	if up == nil || up.With["path"] != "publish-${{ matrix.app }}.json" || !strings.HasPrefix(up.With["name"], "publish-record-") {
		t.Errorf("the matrix runner must upload its record as publish-record-<app>: %+v", up)
	}
	deploy := w.Jobs["deploy"]
	down := findStep(deploy, "actions/download-artifact@")
	if down == nil || down.With["pattern"] != "publish-record-*" || down.With["merge-multiple"] != "true" || down.With["path"] != "publish-records" {
		t.Fatalf("the deploy job must download every matrix record into publish-records: %+v", down)
	}
	if down.With["run-id"] != "" || down.With["github-token"] != "" {
		t.Errorf("the records come from this run only: %+v", down.With)
	}
	publish, summary := -1, -1
	for i, st := range deploy.Steps {
		if strings.Contains(st.Run, "publish --registry") {
			publish = i
			if !strings.Contains(st.Run, "--format json > publish.json") {
				t.Error("the deploy job's publish must write publish.json")
			}
		}
		if strings.Contains(st.Run, "call summary --manifest") {
			summary = i
			for _, want := range []string{"publish-records/*.json publish.json", `--publish "$record"`} {
				if !strings.Contains(st.Run, want) {
					t.Errorf("the summary step lacks %q", want)
				}
			}
		}
	}
	if i := stepIndex(deploy, "actions/download-artifact@"); publish < 0 || summary < 0 || i > summary || publish > summary {
		t.Errorf("steps out of order: download %d, publish %d, summary %d", i, publish, summary)
	}
}
