package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseComposerVulnerable(t *testing.T) {
	f, err := ParseComposer(sample(t, "composer-audit-vulnerable.json"), nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(f), f)
	}
	byPkg := map[string]Finding{}
	for _, x := range f {
		byPkg[x.Package] = x
	}
	g := byPkg["guzzlehttp/psr7"]
	if g.Advisory != "CVE-2023-29197" || g.Severity != SeverityModerate || g.Versions != ">=2,<2.4.5" || g.Tool != "composer" {
		t.Errorf("guzzle finding wrong: %+v", g)
	}
	if l := byPkg["laravel/framework"]; l.Severity != SeverityHigh || l.Advisory != "CVE-2024-52301" {
		t.Errorf("laravel finding wrong: %+v", l)
	}
}

func TestParseComposerClean(t *testing.T) {
	f, err := ParseComposer(sample(t, "composer-audit-clean.json"), nil, 0)
	if err != nil || len(f) != 0 {
		t.Fatalf("clean report: findings %v err %v", f, err)
	}
}

func TestParseComposerUnreachableIsUnavailable(t *testing.T) {
	_, err := ParseComposer(sample(t, "composer-audit-unreachable.stdout"), sample(t, "composer-audit-unreachable.stderr"), 1)
	var u *UnavailableError
	if !errors.As(err, &u) {
		t.Fatalf("want UnavailableError, got %v", err)
	}
	if u.Tool != "composer" || !strings.Contains(u.Reason, "Could not resolve host") && !strings.Contains(u.Reason, "offline") {
		t.Errorf("reason should carry Composer's message, got %q", u.Reason)
	}
	if !strings.Contains(err.Error(), "not a pass") || !strings.Contains(err.Error(), "--allow-unreachable-advisories") {
		t.Errorf("message must say it is not a pass and how to downgrade: %v", err)
	}
}

func TestParseComposerNonZeroExitWithoutAdvisoriesIsUnavailable(t *testing.T) {
	_, err := ParseComposer([]byte(`{"advisories": []}`), []byte("boom"), 2)
	var u *UnavailableError
	if !errors.As(err, &u) {
		t.Fatalf("want UnavailableError, got %v", err)
	}
}

func TestParseComposerKeyedPerPackageList(t *testing.T) {
	out := `{"advisories":{"a/b":{"1":{"packageName":"a/b","advisoryId":"PKSA-1","title":"t","severity":"critical"}}}}`
	f, err := ParseComposer([]byte(out), nil, 1)
	if err != nil || len(f) != 1 || f[0].Severity != SeverityCritical || f[0].Advisory != "PKSA-1" {
		t.Fatalf("keyed list: %+v %v", f, err)
	}
}

func TestPackagistDisabledIsAFalsePass(t *testing.T) {
	// The real output of composer with packagist disabled looks clean...
	f, err := ParseComposer(sample(t, "composer-audit-packagist-disabled.json"), nil, 0)
	if err != nil || len(f) != 0 {
		t.Fatalf("captured output should parse as empty: %v %v", f, err)
	}
	// ...which is why the sources are checked separately.
	err = CheckComposerSources(sample(t, "composer-packagist-disabled.composer.json"))
	var u *UnavailableError
	if !errors.As(err, &u) || !strings.Contains(u.Reason, "packagist.org") {
		t.Fatalf("want UnavailableError naming packagist.org, got %v", err)
	}
}

func TestCheckComposerSourcesForms(t *testing.T) {
	cases := []struct {
		name, json  string
		unavailable bool
	}{
		{"no repositories", `{"name":"a/b"}`, false},
		{"object form disabled", `{"repositories":{"packagist.org":false}}`, true},
		{"object form disabled, path repo only", `{"repositories":{"packagist.org":false,"local":{"type":"path","url":"../pkgs/*"}}}`, true},
		{"list form disabled", `{"repositories":[{"type":"path","url":"x"},{"packagist.org":false}]}`, true},
		{"list form short name", `{"repositories":[{"packagist":false}]}`, true},
		{"disabled but private composer repo", `{"repositories":[{"packagist.org":false},{"type":"composer","url":"https://repo.example"}]}`, false},
		{"vcs repo, packagist on", `{"repositories":[{"type":"vcs","url":"x"}]}`, false},
	}
	for _, c := range cases {
		err := CheckComposerSources([]byte(c.json))
		var u *UnavailableError
		if got := errors.As(err, &u); got != c.unavailable {
			t.Errorf("%s: unavailable=%v, want %v (err %v)", c.name, got, c.unavailable, err)
		}
	}
	if err := CheckComposerSources([]byte(`{`)); err == nil || !strings.Contains(err.Error(), "composer.json") {
		t.Errorf("broken composer.json should be an error naming the file, got %v", err)
	}
}

func TestParsePnpmVulnerable(t *testing.T) {
	f, err := ParsePnpm(sample(t, "pnpm-audit-vulnerable.json"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 3 {
		t.Fatalf("got %d findings, want 3", len(f))
	}
	want := map[string]struct {
		sev      Severity
		advisory string
		version  string
	}{
		"lodash":   {SeverityHigh, "GHSA-35jh-r3h4-6jhm", "4.17.20"},
		"minimist": {SeverityCritical, "GHSA-xvch-5gv4-984h", "1.2.5"},
		"semver":   {SeverityModerate, "GHSA-c2qf-rxjj-qqgw", "7.5.1"},
	}
	for _, x := range f {
		w, ok := want[x.Package]
		if !ok || x.Severity != w.sev || x.Advisory != w.advisory || x.Versions != w.version || x.Tool != "pnpm" {
			t.Errorf("unexpected finding %+v", x)
		}
	}
}

func TestParsePnpmClean(t *testing.T) {
	f, err := ParsePnpm(sample(t, "pnpm-audit-clean.json"), 0)
	if err != nil || len(f) != 0 {
		t.Fatalf("clean: %v %v", f, err)
	}
}

func TestParsePnpmUnreachable(t *testing.T) {
	_, err := ParsePnpm(sample(t, "pnpm-audit-unreachable.json"), 1)
	var u *UnavailableError
	if !errors.As(err, &u) || !strings.Contains(u.Reason, "ERR_PNPM_AUDIT_BAD_RESPONSE") {
		t.Fatalf("want UnavailableError with pnpm's code, got %v", err)
	}
	for _, junk := range []string{"", "not json", `{"actions": []}`} {
		if _, err := ParsePnpm([]byte(junk), 1); !errors.As(err, &u) {
			t.Errorf("%q: want UnavailableError, got %v", junk, err)
		}
	}
}

func TestSeverityThresholds(t *testing.T) {
	for in, want := range map[string]Severity{"none": SeverityNone, "info": SeverityInfo, "LOW": SeverityLow, "moderate": SeverityModerate, "medium": SeverityModerate, "high": SeverityHigh, "critical": SeverityCritical} {
		got, err := ParseThreshold(in)
		if err != nil || got != want {
			t.Errorf("ParseThreshold(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseThreshold("severe"); err == nil || !strings.Contains(err.Error(), "critical") {
		t.Errorf("bad threshold should list the valid ones, got %v", err)
	}
	if !SeverityUnknown.AtLeast(SeverityHigh) || SeverityUnknown.AtLeast(SeverityCritical) {
		t.Error("unknown severity must gate as high")
	}
	if SeverityCritical.AtLeast(SeverityNone) {
		t.Error("threshold none must never fail on findings")
	}
}

func TestGate(t *testing.T) {
	var r Report
	if err := r.Add(ParseComposer(sample(t, "composer-audit-vulnerable.json"), nil, 1)); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(ParsePnpm(sample(t, "pnpm-audit-vulnerable.json"), 1)); err != nil {
		t.Fatal(err)
	}
	// 5 findings: critical 1, high 2, moderate 2
	cases := map[Severity]int{SeverityCritical: 1, SeverityHigh: 3, SeverityModerate: 5, SeverityLow: 5}
	for th, n := range cases {
		err := r.Gate(th, false)
		if err == nil {
			t.Fatalf("threshold %s: want failure", th)
		}
		if !strings.HasPrefix(err.Error(), strconv.Itoa(n)+" advisories at or above "+th.String()) {
			t.Errorf("threshold %s: %v", th, err)
		}
	}
	if err := r.Gate(SeverityNone, false); err != nil {
		t.Errorf("none: %v", err)
	}
	table := r.Table()
	for _, s := range []string{"PACKAGE", "ADVISORY", "SEVERITY", "minimist", "GHSA-xvch-5gv4-984h", "critical", "laravel/framework", "CVE-2024-52301", "5 advisories"} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q:\n%s", s, table)
		}
	}
	if strings.Index(table, "minimist") > strings.Index(table, "semver") {
		t.Errorf("most severe first:\n%s", table)
	}
}

func TestGateUnavailable(t *testing.T) {
	var r Report
	_ = r.Add(ParseComposer(sample(t, "composer-audit-clean.json"), nil, 0))
	_ = r.Add(ParsePnpm(sample(t, "pnpm-audit-unreachable.json"), 1))
	err := r.Gate(SeverityHigh, false)
	var u *UnavailableError
	if !errors.As(err, &u) || u.Tool != "pnpm" {
		t.Fatalf("unreachable database must fail the audit, got %v", err)
	}
	if err := r.Gate(SeverityHigh, true); err != nil {
		t.Fatalf("downgraded to a warning, got %v", err)
	}
	if !strings.Contains(r.Table(), "UNAVAILABLE: pnpm audit") {
		t.Errorf("warning must be in the table:\n%s", r.Table())
	}
	// No finding from a database that did not answer is not "no advisories found".
	table := r.Table()
	if strings.Contains(table, "no advisories found") || !strings.HasPrefix(table, "not audited:") || !strings.Contains(table, "1 advisory database(s) unavailable") {
		t.Errorf("an audit a database did not answer reads as clean:\n%s", table)
	}
	if err := r.Add(nil, errors.New("other")); err == nil {
		t.Error("other errors must propagate")
	}
}
