package conformance

import (
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
	t.Logf("conformance: %d responses checked against botocore's models, %d violations", c.Checked(), len(vs))
}
