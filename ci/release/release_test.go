package release

import (
	"reflect"
	"strings"
	"testing"
)

func TestDeployTagsNamesTheBadSHA(t *testing.T) {
	for _, c := range []struct{ sha, previous, flag string }{{"latest", "", "--sha"}, {"abc1234", "seed", "--previous-sha"}} {
		var apps []string
		if c.previous != "" {
			apps = []string{"student"}
		}
		if _, err := DeployTags([]string{"backend", "student"}, apps, c.sha, c.previous); err == nil || !strings.Contains(err.Error(), c.flag+": git sha") {
			t.Errorf("sha %q previous %q: %v, want the %s rule", c.sha, c.previous, err, c.flag)
		}
	}
}

func TestRegistryAndRepository(t *testing.T) {
	cases := map[string]string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student",
		"127.0.0.1:5000/bitflow/":                      "127.0.0.1:5000/bitflow/bitflow-student",
		"localhost/team":                               "localhost/team/bitflow-student",
	}
	for in, want := range cases {
		r, err := ParseRegistry(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := r.Repository("bitflow-", "student")
		if err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "https://reg.example", "registry", "reg.example/Team", "reg.example/x:tag", "reg.example/x@sha256:00"} {
		if _, err := ParseRegistry(bad); err == nil || !strings.Contains(err.Error(), "--registry") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
	r, _ := ParseRegistry("reg.example")
	if _, err := r.Repository("Bad Prefix", "student"); err == nil {
		t.Error("bad prefix accepted")
	}
	if got, _ := r.Repository("", "backend"); got != "reg.example/backend" {
		t.Errorf("empty prefix: %s", got)
	}
}

func TestTags(t *testing.T) {
	if got := Tags("abc1234", false); !reflect.DeepEqual(got, []string{"abc1234"}) {
		t.Errorf("%v", got)
	}
	if got := Tags("abc1234", true); !reflect.DeepEqual(got, []string{"abc1234", "latest"}) {
		t.Errorf("%v", got)
	}
}

func TestParsePushed(t *testing.T) {
	d := "sha256:" + strings.Repeat("ab", 32)
	p, err := ParsePushed("student", "reg.example/bitflow-student", "abc1234", "reg.example/bitflow-student:abc1234@"+d)
	if err != nil {
		t.Fatal(err)
	}
	if p.Repository != "reg.example/bitflow-student" || p.Tag != "abc1234" || p.Digest != d {
		t.Errorf("%+v", p)
	}
	for _, bad := range []string{"reg.example/bitflow-student:abc1234", "reg.example/bitflow-student:abc1234@sha256:zz", "reg.example/other:abc1234@" + d} {
		if _, err := ParsePushed("student", "reg.example/bitflow-student", "abc1234", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseBuildArgs(t *testing.T) {
	got, err := ParseBuildArgs([]string{"PHP_IMAGE=mirror.example/php:8.3-fpm", "EMPTY="})
	if err != nil || !reflect.DeepEqual(got, [][2]string{{"PHP_IMAGE", "mirror.example/php:8.3-fpm"}, {"EMPTY", ""}}) {
		t.Fatalf("%v %v", got, err)
	}
	got, err = ParseBuildArgs([]string{"A=1", "B=2", "A=3"})
	if err != nil || !reflect.DeepEqual(got, [][2]string{{"A", "3"}, {"B", "2"}}) {
		t.Fatalf("override: %v %v", got, err)
	}
	for _, bad := range [][]string{{"NOEQUALS"}, {"=x"}, {"1A=x"}, {"A-B=1"}} {
		if _, err := ParseBuildArgs(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestECRRegion(t *testing.T) {
	if got := ECRRegion("123456789012.dkr.ecr.eu-west-2.amazonaws.com"); got != "eu-west-2" {
		t.Errorf("got %q", got)
	}
	for _, h := range []string{"127.0.0.1:5000", "reg.example", "ghcr.io"} {
		if got := ECRRegion(h); got != "" {
			t.Errorf("%s: %q", h, got)
		}
	}
}

func TestDeployTags(t *testing.T) {
	deployed := []string{"backend", "student", "parent"}
	all, err := DeployTags(deployed, nil, "abc1234", "")
	if err != nil || !reflect.DeepEqual(all, []AppTag{{"backend", "abc1234"}, {"student", "abc1234"}, {"parent", "abc1234"}}) {
		t.Fatalf("%v %v", all, err)
	}
	some, err := DeployTags(deployed, []string{"student"}, "abc1234", "def5678")
	if err != nil || !reflect.DeepEqual(some, []AppTag{{"backend", "def5678"}, {"student", "abc1234"}, {"parent", "def5678"}}) {
		t.Fatalf("%v %v", some, err)
	}
	if _, err := DeployTags(deployed, []string{"student"}, "abc1234", ""); err == nil || !strings.Contains(err.Error(), "--previous-sha") {
		t.Errorf("missing previous sha: %v", err)
	}
	if _, err := DeployTags(deployed, []string{"teacher"}, "abc1234", "def5678"); err == nil || !strings.Contains(err.Error(), "teacher") {
		t.Errorf("undeployed app: %v", err)
	}
	if _, err := DeployTags(deployed, nil, "HEAD", ""); err == nil {
		t.Error("bad sha accepted")
	}
}
