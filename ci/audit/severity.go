// Package audit turns the JSON reports of `composer audit --format=json` and
// `pnpm audit --json` into one list of findings (tool, package, advisory,
// severity), renders it as a table and decides whether a build fails. An
// advisory database that could not be consulted is never a pass: it is an
// *UnavailableError unless the caller explicitly downgrades it to a warning.
//
// The package has no Dagger types so it is unit-tested without an engine.
package audit

import (
	"fmt"
	"strings"
)

// Severity orders advisory severities. Composer's "medium" and npm/pnpm's
// "moderate" are the same level.
type Severity int

// Severities from least to most severe. SeverityUnknown is an advisory that
// carries no severity; it is gated as High (fail-safe) and shown as "unknown".
const (
	SeverityNone Severity = iota // threshold only: never fail on findings
	SeverityInfo
	SeverityLow
	SeverityModerate
	SeverityHigh
	SeverityCritical
	SeverityUnknown
)

var severityNames = map[Severity]string{
	SeverityNone:     "none",
	SeverityInfo:     "info",
	SeverityLow:      "low",
	SeverityModerate: "moderate",
	SeverityHigh:     "high",
	SeverityCritical: "critical",
	SeverityUnknown:  "unknown",
}

// String is the lower-case name ("moderate", "high", ...).
func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// rank is the level used for gating: unknown counts as high.
func (s Severity) rank() Severity {
	if s == SeverityUnknown {
		return SeverityHigh
	}
	return s
}

// AtLeast reports whether s is at or above threshold. Nothing is at or above
// SeverityNone (a "none" threshold never fails on findings).
func (s Severity) AtLeast(threshold Severity) bool {
	if threshold == SeverityNone {
		return false
	}
	return s.rank() >= threshold.rank()
}

// severityFromReport maps a severity string found in a tool's report. Empty or
// unrecognised values become SeverityUnknown.
func severityFromReport(s string) Severity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info":
		return SeverityInfo
	case "low":
		return SeverityLow
	case "moderate", "medium":
		return SeverityModerate
	case "high":
		return SeverityHigh
	case "critical":
		return SeverityCritical
	}
	return SeverityUnknown
}

// ParseThreshold parses a --fail-on value: none, info, low, moderate (or
// medium), high or critical.
func ParseThreshold(s string) (Severity, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "none" {
		return SeverityNone, nil
	}
	sev := severityFromReport(v)
	if sev == SeverityUnknown {
		return 0, fmt.Errorf("--fail-on %q: want one of none, info, low, moderate, high, critical", s)
	}
	return sev, nil
}
