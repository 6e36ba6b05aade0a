package manifest

import (
	"strings"
	"testing"
)

func TestCheckSHA(t *testing.T) {
	for _, ok := range []string{"abc1234", "0123456789abcdef0123456789abcdef01234567"} {
		if err := CheckSHA(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "abc", "ABC1234", "latest", "main", "seed", "0123456789abcdef0123456789abcdef012345678", "abc1234 "} {
		if err := CheckSHA(bad); err == nil || !strings.Contains(err.Error(), "lower-case hex") {
			t.Errorf("%q accepted or unexplained: %v", bad, err)
		}
	}
}
