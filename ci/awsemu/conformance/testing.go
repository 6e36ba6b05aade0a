package conformance

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
)

var skipOnce sync.Once

// ForTest returns a Checker for a test, or nil (with one log line per
// process saying why) when python3 or botocore is absent.
func ForTest(t testing.TB) *Checker {
	c, err := New()
	if err != nil {
		skipOnce.Do(func() { t.Logf("model conformance not checked: %v", err) })
		return nil
	}
	return c
}

// Report fails t with each violation found (at most 20 lines) and logs how
// many answers were checked. A nil Checker reports nothing.
func (c *Checker) Report(t testing.TB) {
	if c == nil {
		return
	}
	vs := c.Violations()
	for i, v := range vs {
		if i == 20 {
			t.Errorf("... %d more model violations", len(vs)-i)
			break
		}
		t.Errorf("response breaks AWS's model: %s", v)
	}
	t.Logf("conformance: %d responses checked against botocore's models, %d violations (%s)", c.Checked(), len(vs), c.byService())
}

// byService is the count of exchanges checked per service ("ecs 12 s3 3").
func (c *Checker) byService() string {
	counts := map[string]int{}
	for op, n := range c.Operations() {
		svc, _, _ := strings.Cut(op, ".")
		counts[svc] += n
	}
	names := make([]string, 0, len(counts))
	for s := range counts {
		names = append(names, s)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, s := range names {
		parts[i] = fmt.Sprintf("%s %d", s, counts[s])
	}
	return strings.Join(parts, " ")
}
