package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with an environment file.
type Problem struct {
	Field   string // dotted path, e.g. services[1].containers[0].app ("" for the whole file)
	Line    int    // 1-based line in the file, 0 when unknown
	Message string
}

func (p Problem) String() string {
	s := p.Field
	if s == "" {
		s = "(file)"
	}
	if p.Line > 0 {
		s += fmt.Sprintf(" (line %d)", p.Line)
	}
	return s + ": " + p.Message
}

// ValidationError lists every problem found in one environment file.
type ValidationError struct {
	File     string
	Problems []Problem
}

// Error names the file and every field at fault, one per line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s)", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(e.File)
		b.WriteString(": ")
		b.WriteString(p.String())
	}
	return b.String()
}
