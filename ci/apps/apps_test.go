package apps

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The real apps.json of the monorepo, when the tree has it.
func realApps(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "bitflow-frontend", "apps.json"))
	if err != nil {
		t.Skipf("bitflow-frontend/apps.json not in this tree (%v): skipping the check of the real app list", err)
	}
	return b
}

func TestRealAppsJSON(t *testing.T) {
	list, err := Parse(realApps(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 14 {
		t.Fatalf("want the 14 portals, got %d: %v", len(list), Names(list))
	}
	if _, err := Find(list, "student"); err != nil {
		t.Fatal(err)
	}
}

const sample = `[{"name":"student","port":3008},{"name":"parent","port":3009},{"name":"bitflow-admin","port":3001}]`

func TestFindRefusesUnknownWithList(t *testing.T) {
	list, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Find(list, "teacher")
	if err == nil {
		t.Fatal("unknown app accepted")
	}
	for _, s := range []string{`"teacher"`, "student, parent, bitflow-admin"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
}

func TestParseRejectsBadLists(t *testing.T) {
	for name, js := range map[string]string{
		"not json":   `{`,
		"empty":      `[]`,
		"bad name":   `[{"name":"Student","port":1}]`,
		"reserved":   `[{"name":"backend","port":1}]`,
		"duplicate":  `[{"name":"a","port":1},{"name":"a","port":2}]`,
		"no port":    `[{"name":"a"}]`,
		"path chars": `[{"name":"../x","port":1}]`,
	} {
		if _, err := Parse([]byte(js)); err == nil || !strings.Contains(err.Error(), "apps.json") {
			t.Errorf("%s: want an apps.json error, got %v", name, err)
		}
	}
}

func TestSelect(t *testing.T) {
	list, _ := Parse([]byte(sample))
	all := []string{"backend", "student", "parent", "bitflow-admin"}
	for _, in := range []string{"", "all", " all "} {
		got, err := Select(list, in)
		if err != nil || !reflect.DeepEqual(got, all) {
			t.Errorf("Select(%q) = %v, %v", in, got, err)
		}
	}
	got, err := Select(list, "parent, backend,parent")
	if err != nil || !reflect.DeepEqual(got, []string{"backend", "parent"}) {
		t.Errorf("got %v %v", got, err)
	}
	if _, err := Select(list, "parent,nope,zip"); err == nil || !strings.Contains(err.Error(), "nope, zip") || !strings.Contains(err.Error(), "backend, student") {
		t.Errorf("unknown names must be listed with the valid ones: %v", err)
	}
	if _, err := Select(list, ",,"); err == nil {
		t.Error("empty selection accepted")
	}
}

func TestPnpmVersion(t *testing.T) {
	for in, want := range map[string]string{
		`{"packageManager":"pnpm@10.34.9"}`:             "10.34.9",
		`{"packageManager":"pnpm@9.1.0+sha512.abcdef"}`: "9.1.0",
	} {
		got, err := PnpmVersion([]byte(in))
		if err != nil || got != want {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	for _, in := range []string{`{}`, `{"packageManager":"yarn@4.0.0"}`, `{"packageManager":"pnpm@"}`, `x`} {
		if _, err := PnpmVersion([]byte(in)); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}
