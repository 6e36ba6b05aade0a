package imagereuse

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func portalFiles() fstest.MapFS {
	return fstest.MapFS{
		"package.json":              {Data: []byte(`{"name":"bitflow-frontend"}`)},
		"pnpm-lock.yaml":            {Data: []byte("lockfileVersion: '9.0'\n")},
		"apps/student/Dockerfile":   {Data: []byte("FROM ${NODE_IMAGE}\n")},
		"apps/student/app/page.tsx": {Data: []byte("export default () => 'hi'\n")},
		"packages/shared/src/x.ts":  {Data: []byte("export const x = 1\n")},
		"packages/shared/bin/run":   {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
	}
}

func digest(t *testing.T, s Spec, files fstest.MapFS) string {
	t.Helper()
	d, err := InputDigest(s, files)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestInputDigestCoversExactlyTheInputs(t *testing.T) {
	spec := Frontend("student", "node:20-bookworm-slim", "node:20-bookworm-slim")
	base := digest(t, spec, portalFiles())
	if len(base) != 64 {
		t.Fatalf("digest %q", base)
	}
	if again := digest(t, spec, portalFiles()); again != base {
		t.Fatal("the same inputs gave two digests")
	}

	changed := map[string]func() (Spec, fstest.MapFS){
		"a page": func() (Spec, fstest.MapFS) {
			f := portalFiles()
			f["apps/student/app/page.tsx"] = &fstest.MapFile{Data: []byte("export default () => 'hello'\n")}
			return spec, f
		},
		"a new file": func() (Spec, fstest.MapFS) {
			f := portalFiles()
			f["apps/student/app/new.tsx"] = &fstest.MapFile{Data: []byte("x")}
			return spec, f
		},
		"a renamed file": func() (Spec, fstest.MapFS) {
			f := portalFiles()
			f["packages/shared/src/y.ts"] = f["packages/shared/src/x.ts"]
			delete(f, "packages/shared/src/x.ts")
			return spec, f
		},
		"the executable bit": func() (Spec, fstest.MapFS) {
			f := portalFiles()
			f["packages/shared/bin/run"] = &fstest.MapFile{Data: []byte("#!/bin/sh\n"), Mode: 0o644}
			return spec, f
		},
		"the node base image": func() (Spec, fstest.MapFS) {
			return Frontend("student", "node:22-bookworm-slim", "node:20-bookworm-slim"), portalFiles()
		},
		"the target": func() (Spec, fstest.MapFS) {
			s := spec
			s.Target = "build"
			return s, portalFiles()
		},
		"the Dockerfile path": func() (Spec, fstest.MapFS) {
			s := spec
			s.Dockerfile = "apps/student/Dockerfile.alt"
			return s, portalFiles()
		},
	}
	for what, mk := range changed {
		s, f := mk()
		if d := digest(t, s, f); d == base {
			t.Errorf("changing %s did not change the digest", what)
		}
	}

	// Neither build-arg order nor file modification times count.
	s := spec
	s.BuildArgs = []BuildArg{spec.BuildArgs[1], spec.BuildArgs[0]}
	if digest(t, s, portalFiles()) != base {
		t.Error("build-arg order changed the digest")
	}
}

func TestFrontendSpecReadsOnlyItsOwnPortal(t *testing.T) {
	s := Frontend("student", "n", "r")
	joined := strings.Join(s.Include, " ")
	if !strings.Contains(joined, "apps/student/**") || strings.Contains(joined, "apps/parent") || strings.Contains(joined, "apps/**") {
		t.Errorf("include %v: want this portal's directory only", s.Include)
	}
	for _, want := range []string{"pnpm-lock.yaml", "packages/**", "tsconfig.base.json"} {
		if !strings.Contains(joined, want) {
			t.Errorf("include lacks %s", want)
		}
	}
	if s.Dockerfile != "apps/student/Dockerfile" || s.Dir != "bitflow-frontend" {
		t.Errorf("%+v", s)
	}
	b := Backend("backend", []BuildArg{{"PHP_IMAGE", "php:8.3-apache"}})
	if b.Target != "runtime" || !strings.Contains(strings.Join(b.Exclude, " "), "tests") {
		t.Errorf("backend spec %+v: the runtime image never reads the tests", b)
	}
}

func TestTag(t *testing.T) {
	d := strings.Repeat("ab", 32)
	if got := Tag(d); got != "in-"+d[:32] || !IsTag(got) || IsTag("0123abc") {
		t.Errorf("Tag = %q", got)
	}
}

func TestDecideBuildsWhatIsMissingAndStopsOnLookupErrors(t *testing.T) {
	imgs := []Image{
		{App: "backend", Repository: "r/bitflow-backend", InputTag: "in-1"},
		{App: "student", Repository: "r/bitflow-student", InputTag: "in-2"},
		{App: "parent", Repository: "r/bitflow-parent", InputTag: "in-3", Action: Reuse, Digest: "stale"},
	}
	have := map[string]string{"r/bitflow-backend:in-1": "sha256:b"}
	got, err := Decide(imgs, func(repo, tag string) (string, bool, error) {
		d, ok := have[repo+":"+tag]
		return d, ok, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Action != Reuse || got[0].Digest != "sha256:b" || got[1].Action != Build || got[2].Action != Build || got[2].Digest != "" {
		t.Fatalf("%+v", got)
	}
	if apps := ToBuild(got); strings.Join(apps, ",") != "student,parent" {
		t.Errorf("ToBuild = %v", apps)
	}
	js, err := Matrix(got)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		App    []string
		Images []Image
	}
	if err := json.Unmarshal(js, &m); err != nil || len(m.App) != 2 || len(m.Images) != 3 {
		t.Errorf("matrix %s: %v", js, err)
	}
	none, _ := Matrix([]Image{{App: "backend", Action: Reuse}})
	if !strings.Contains(string(none), `"app":[]`) {
		t.Errorf("nothing to build must be an empty list (a matrix GitHub can skip): %s", none)
	}

	_, err = Decide(imgs, func(string, string) (string, bool, error) { return "", false, errors.New("denied") })
	if err == nil || !strings.Contains(err.Error(), "r/bitflow-backend:in-1") {
		t.Errorf("lookup error not reported: %v", err)
	}

	var b bytes.Buffer
	WriteTable(&b, got)
	if !strings.Contains(b.String(), "backend  reused") || !strings.Contains(b.String(), "student  built") || !strings.Contains(b.String(), "2 built, 1 reused") {
		t.Errorf("table:\n%s", b.String())
	}
}
