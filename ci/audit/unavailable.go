package audit

import (
	"fmt"
	"strings"
)

// UnavailableError says that a tool could not consult its advisory database
// (network down, registry refusing the audit endpoint, Packagist disabled in
// composer.json...). It is a failure to audit, not a pass.
type UnavailableError struct {
	Tool   string // "composer" or "pnpm"
	Reason string // what the tool said, or why its output cannot be trusted
}

// Error names the tool and the reason, and says how to downgrade it.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s audit could not consult an advisory database: %s (this is a failure to audit, not a pass; "+
		"--allow-unreachable-advisories turns it into a warning)", e.Tool, e.Reason)
}

// firstLines returns up to n non-blank, trimmed lines of out, joined by " / ".
func firstLines(out []byte, n int) string {
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		lines = append(lines, l)
		if len(lines) == n {
			break
		}
	}
	if len(lines) == 0 {
		return "no output"
	}
	return strings.Join(lines, " / ")
}
