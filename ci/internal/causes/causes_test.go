package causes

import "testing"

func TestGroupSaysEachCauseOnceCommonestFirst(t *testing.T) {
	var items []Item
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		items = append(items, Item{Service: s, Cause: "rolled back by ECS at 22:22:05Z — lifecycle hook timed out"})
	}
	items = append(items, Item{Service: "f", Cause: "not done within 5m"})
	got := Group(items, 6)
	want := "5 services (a, b, c and 2 more): rolled back by ECS at 22:22:05Z — lifecycle hook timed out; f: not done within 5m"
	if got != want {
		t.Errorf("Group:\n got %s\nwant %s", got, want)
	}
	if got := Group(items[:5], 5); got != "all 5 services: rolled back by ECS at 22:22:05Z — lifecycle hook timed out" {
		t.Errorf("Group of all: %s", got)
	}
	if got := WithoutName("bitflow-backend", "runs bitflow-backend:1, not bitflow-backend:2"); got != "runs revision 1, not revision 2" {
		t.Errorf("WithoutName: %s", got)
	}
}
