package migrations

import (
	"regexp"
	"strings"
)

// Statement is one SQL statement a pending migration would run.
type Statement struct {
	Migration string // e.g. 2024_07_01_000001_drop_roll_no_from_students
	SQL       string
}

var (
	// Laravel 10+: "  2024_07_01_000001_name ......" then "  ⇂ sql" lines.
	headerLine = regexp.MustCompile(`^\s*(\d{4}_\d{2}_\d{2}_\d{6}_\w+)\s*(?:\.+.*)?$`)
	bulletLine = regexp.MustCompile(`^\s*⇂\s+(.*\S)\s*$`)
	// Laravel 8/9: "2024_07_01_000001_name: sql".
	noteLine = regexp.MustCompile(`^\s*(\d{4}_\d{2}_\d{2}_\d{6}_\w+):\s+(.*\S)\s*$`)
)

// ParsePretend reads the output of `php artisan migrate --pretend` (Laravel
// 8/9 "name: sql" lines or Laravel 10+ "name ....." headers followed by
// "⇂ sql" lines) and returns the statements in order, each with the
// migration it belongs to. Other lines (INFO banners, blank lines, log
// prefixes) are ignored. Pending lists the migrations in order of appearance.
func ParsePretend(lines []string) (stmts []Statement, pending []string) {
	current := ""
	seen := map[string]bool{}
	note := func(name string) {
		if !seen[name] {
			seen[name] = true
			pending = append(pending, name)
		}
	}
	for _, line := range lines {
		switch {
		case noteLine.MatchString(line):
			m := noteLine.FindStringSubmatch(line)
			note(m[1])
			stmts = append(stmts, Statement{Migration: m[1], SQL: m[2]})
		case headerLine.MatchString(line):
			current = headerLine.FindStringSubmatch(line)[1]
			note(current)
		case bulletLine.MatchString(line) && current != "":
			stmts = append(stmts, Statement{Migration: current, SQL: bulletLine.FindStringSubmatch(line)[1]})
		case strings.TrimSpace(line) == "":
		}
	}
	return stmts, pending
}
