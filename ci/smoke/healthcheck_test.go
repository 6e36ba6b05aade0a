package smoke

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseTheRepositoryDockerfiles(t *testing.T) {
	root := filepath.Join("..", "..")
	backend, err := os.ReadFile(filepath.Join(root, "bitflow-core", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(string(backend), "runtime")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/bin/sh", "-c", "curl -fsS http://127.0.0.1:8000/health/live || exit 1"}
	if !c.Declared || !reflect.DeepEqual(c.Command, want) || !reflect.DeepEqual(c.Ports, []int{8000}) {
		t.Errorf("backend runtime: %+v", c)
	}
	if got := c.Against("app"); got[2] != "curl -fsS http://app:8000/health/live || exit 1" {
		t.Errorf("backend against app: %q", got)
	}

	portal, err := os.ReadFile(filepath.Join(root, "bitflow-frontend", "apps", "student", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(string(portal), "")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Declared || p.Command[0] != "node" || len(p.Ports) != 1 {
		t.Errorf("student portal: %+v", p)
	}
	if got := strings.Join(p.Against("app"), " "); strings.Contains(got, "127.0.0.1") || !strings.Contains(got, "'http://app:'") {
		t.Errorf("student portal against app: %s", got)
	}
}

func TestParseStagesOptionsAndForms(t *testing.T) {
	const df = `# syntax=docker/dockerfile:1
FROM base:1 AS build
EXPOSE 9000
HEALTHCHECK --interval=5s \
  --retries=3 CMD ["wget", "-q", "http://localhost:9000/ready"]

FROM build AS served
# inherits the HEALTHCHECK and EXPOSE 9000 of build
EXPOSE 9001/udp 9002/tcp

from other:2 as bare
expose 3000

FROM other:2 AS quiet
EXPOSE 80
HEALTHCHECK NONE

FROM other:2 AS nothing
`
	cases := []struct {
		target string
		cmd    []string
		ports  []int
		decl   bool
		err    string
	}{
		{target: "build", cmd: []string{"wget", "-q", "http://localhost:9000/ready"}, ports: []int{9000}, decl: true},
		{target: "served", cmd: []string{"wget", "-q", "http://localhost:9000/ready"}, ports: []int{9000, 9002}, decl: true},
		{target: "bare", cmd: HTTPProbe(3000, "/health", "/api/health"), ports: []int{3000}},
		{target: "quiet", err: "HEALTHCHECK NONE"},
		{target: "", err: "no HEALTHCHECK and no EXPOSEd port"},
		{target: "missing", err: `no stage named "missing"`},
	}
	for _, tc := range cases {
		c, err := Parse(df, tc.target)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: want error %q, got %v (%+v)", tc.target, tc.err, err, c)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.target, err)
			continue
		}
		if !reflect.DeepEqual(c.Command, tc.cmd) || !reflect.DeepEqual(c.Ports, tc.ports) || c.Declared != tc.decl {
			t.Errorf("%q: got %+v", tc.target, c)
		}
	}
	if got := (Check{Command: HTTPProbe(3000, "/health")}).Against("svc"); got[len(got)-1] != "http://svc:3000/health" {
		t.Errorf("fallback against svc: %q", got)
	}
}

func TestParseRejectsMalformedHealthchecks(t *testing.T) {
	for df, want := range map[string]string{
		"HEALTHCHECK CMD true":                     "before FROM",
		"FROM a\nHEALTHCHECK --interval=1s":        "without CMD or NONE",
		"FROM a\nHEALTHCHECK RUN true":             `want CMD or NONE, got "RUN"`,
		"FROM a\nHEALTHCHECK CMD [\"curl\", oops]": "malformed exec form",
		"# only a comment":                         "no FROM",
	} {
		if _, err := Parse(df, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want %q, got %v", df, want, err)
		}
	}
}

// The loop really runs the command until it passes, and gives up with the
// last output when the time is up (runs /bin/sh).
func TestUntilRetriesThenGivesUp(t *testing.T) {
	dir := t.TempDir()
	flag := filepath.Join(dir, "ready")
	passes := Until(10, []string{"/bin/sh", "-c", `if [ -e "$1" ]; then exit 0; fi; touch "$1"; echo not yet; exit 1`, "x", flag})
	out, err := exec.Command(passes[0], passes[1:]...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "health check passed") {
		t.Fatalf("second try should pass: %v\n%s", err, out)
	}
	fails := Until(1, []string{"/bin/sh", "-c", "echo refused; exit 7"})
	out, err = exec.Command(fails[0], fails[1:]...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "did not pass within 1s") || !strings.Contains(string(out), "refused") {
		t.Fatalf("want a failure with the last output: %v\n%s", err, out)
	}
}
