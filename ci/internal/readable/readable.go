// Package readable shortens what the Dagger engine reports into errors a
// person can read: a failed command as its command line, exit code and the
// end of its output; anything else without the engine's object IDs.
package readable

import (
	"fmt"
	"regexp"
	"strings"
)

// Tail is the last n lines of s, preceded by how many were left out.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

// ExecFailure is the error of a command that exited non-zero: the command
// as typed, its exit code and the last 25 lines of stderr (stdout when
// stderr is empty).
func ExecFailure(argv []string, code int, stdout, stderr string) error {
	out := stderr
	if strings.TrimSpace(out) == "" {
		out = stdout
	}
	return fmt.Errorf("%s exited with code %d:\n%s", CommandLine(argv), code, strings.TrimRight(Tail(out, 25), "\n"))
}

// CommandLine shows argv as typed, the script itself for `sh -c SCRIPT`.
func CommandLine(argv []string) string {
	if len(argv) == 3 && strings.HasSuffix(argv[0], "sh") && argv[1] == "-c" {
		return "`" + argv[2] + "`"
	}
	return "`" + strings.Join(argv, " ") + "`"
}

// WithoutIDs removes the engine's object IDs (kilobytes of base64 after
// "Container@") and the "load xxh3:…: inputs:" chains from an error text.
func WithoutIDs(msg string) string {
	return loadChains.ReplaceAllString(engineIDs.ReplaceAllString(msg, "$1@…"), "")
}

var (
	engineIDs  = regexp.MustCompile(`\b([A-Z][A-Za-z]*)@[A-Za-z0-9+/=_-]{64,}`)
	loadChains = regexp.MustCompile(`(load xxh3:[0-9a-f]+: (inputs: )?)+`)
)
