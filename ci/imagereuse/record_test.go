package imagereuse

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var rt0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func span(fromSec, toSec int) *Span {
	return &Span{StartedAt: rt0.Add(time.Duration(fromSec) * time.Second), FinishedAt: rt0.Add(time.Duration(toSec) * time.Second)}
}

func published(app string, a Action, digest string, build, push *Span) Published {
	return Published{Image: Image{App: app, Repository: "reg/bitflow-" + app, InputTag: "in-" + app, Action: a, Digest: digest}, Build: build, Push: push}
}

func TestRecordJSONRoundTrip(t *testing.T) {
	r := &Record{SHA: "abc1234", Images: []Published{
		published("backend", Build, "sha256:aa", span(0, 120), span(120, 130)),
		published("student", Reuse, "sha256:bb", nil, span(5, 6)),
	}}
	js, err := r.Render(FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"app": "backend"`, `"action": "build"`, `"inputTag": "in-backend"`, `"build": {`, `"startedAt": "2026-11-25T10:00:00Z"`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Count(js, `"build": {`) != 1 {
		t.Errorf("a reused image must carry no build span:\n%s", js)
	}
	back, err := ParseRecord([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, r)
	}
	for _, bad := range []string{`{`, `{"images":[{"app":"x","action":"built"}]}`, `{"images":[{"action":"build"}]}`} {
		if _, err := ParseRecord([]byte(bad)); err == nil {
			t.Errorf("ParseRecord(%s) accepted it", bad)
		}
	}
}

// TestRecordTableIsPublishTable: --format table prints exactly WriteTable.
func TestRecordTableIsPublishTable(t *testing.T) {
	r := &Record{Images: []Published{published("backend", Build, "sha256:aa", span(0, 1), span(1, 2)), published("student", Reuse, "sha256:bb", nil, span(1, 2))}}
	got, err := r.Render(FormatTable)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	WriteTable(&want, []Image{r.Images[0].Image, r.Images[1].Image})
	if got != want.String() {
		t.Errorf("table:\n%s\nwant:\n%s", got, want.String())
	}
	if !strings.HasSuffix(got, "1 built, 1 reused\n") {
		t.Errorf("table: %q", got)
	}
}

func TestCheckFormat(t *testing.T) {
	for _, ok := range []string{"table", "json"} {
		if err := CheckFormat(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "JSON", "yaml"} {
		err := CheckFormat(bad)
		if err == nil || !strings.Contains(err.Error(), "table, json") {
			t.Errorf("%q: %v, want an error naming table, json", bad, err)
		}
		if _, err := (&Record{}).Render(bad); err == nil {
			t.Errorf("Render(%q) accepted it", bad)
		}
	}
}

// TestMergeKeepsTheMatrixBuilds: the deploy job's publish retags every
// image (all "reuse"); merged with the matrix records, the images the
// matrix built stay built with the matrix's timings, the others take the
// final retag.
func TestMergeKeepsTheMatrixBuilds(t *testing.T) {
	matrixBackend := &Record{SHA: "abc", Images: []Published{published("backend", Build, "sha256:b1", span(0, 200), span(200, 210))}}
	matrixStudent := &Record{SHA: "abc", Images: []Published{published("student", Build, "sha256:s1", span(3, 90), span(90, 95))}}
	final := &Record{SHA: "abc", Images: []Published{
		published("backend", Reuse, "sha256:b1", nil, span(300, 301)),
		published("student", Reuse, "sha256:s1", nil, span(300, 302)),
		published("teacher", Reuse, "sha256:t0", nil, span(300, 301)),
	}}
	for name, order := range map[string][]*Record{
		"matrix first": {matrixBackend, matrixStudent, final},
		"final first":  {final, matrixStudent, nil, matrixBackend},
	} {
		got, err := Merge(order...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.SHA != "abc" || len(got.Images) != 3 {
			t.Fatalf("%s: %+v", name, got)
		}
		b, _ := got.Find("backend")
		if !b.Built() || *b.Build != *span(0, 200) || *b.Push != *span(200, 210) {
			t.Errorf("%s: backend %+v, want the matrix's build", name, b)
		}
		s, _ := got.Find("student")
		if !s.Built() || *s.Build != *span(3, 90) {
			t.Errorf("%s: student %+v, want the matrix's build", name, s)
		}
		tc, _ := got.Find("teacher")
		if tc.Built() || tc.Build != nil || *tc.Push != *span(300, 301) {
			t.Errorf("%s: teacher %+v, want the final retag", name, tc)
		}
	}
}

func TestMergeRules(t *testing.T) {
	early := &Record{Images: []Published{published("backend", Build, "sha256:old", span(0, 10), span(10, 20))}}
	late := &Record{Images: []Published{published("backend", Build, "sha256:new", span(50, 60), span(60, 70))}}
	got, err := Merge(late, early)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := got.Find("backend"); b.Digest != "sha256:new" {
		t.Errorf("built twice: %s, want the one pushed last", b.Digest)
	}
	r1 := &Record{Images: []Published{published("student", Reuse, "sha256:x", nil, span(0, 1))}}
	r2 := &Record{Images: []Published{published("student", Reuse, "sha256:x", nil, span(9, 10))}}
	got, _ = Merge(r1, r2)
	if s, _ := got.Find("student"); *s.Push != *span(9, 10) {
		t.Errorf("reused twice: %+v, want the last record's", s.Push)
	}
	if _, err := Merge(&Record{SHA: "aaa"}, &Record{}, &Record{SHA: "bbb"}); err == nil || !strings.Contains(err.Error(), "aaa and bbb") {
		t.Errorf("two commits: %v", err)
	}
	if got, err := Merge(); err != nil || len(got.Images) != 0 {
		t.Errorf("no records: %+v %v", got, err)
	}
	if _, ok := (*Record)(nil).Find("x"); ok {
		t.Error("nil record found an image")
	}
}
