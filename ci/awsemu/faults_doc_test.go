package awsemu

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// docs/emulator.md documents every fault POST /_emulator/faults accepts
// and every field of its body.
func TestFaultsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/emulator.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	unknown := (&Emulator{}).ApplyFault(FaultRequest{Fault: "?"}).Error()
	names := regexp.MustCompile(`[a-z]+(?:-[a-z]+)+|throttle|clear`).FindAllString(unknown[strings.Index(unknown, "want"):], -1)
	if len(names) != 6 {
		t.Fatalf("fault names %v from %q", names, unknown)
	}
	for _, n := range names {
		if !strings.Contains(doc, "| `"+n+"` |") {
			t.Errorf("docs/emulator.md: no row for fault %q", n)
		}
	}
	typ := reflect.TypeOf(FaultRequest{})
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/emulator.md: field %q of the faults body is not documented", name)
		}
	}
}
