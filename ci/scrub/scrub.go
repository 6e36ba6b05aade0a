// Package scrub hides secrets in text that leaves the run: a migration's log
// tail copied into the manifest, the ledger, Slack, the GitHub status and the
// job summary, and every error the CLI prints. It is the one scrub function:
// every copy of log text goes through Secrets, which applies three layers and
// masks the union of what they find with ***:
//
//   - known values (known.go): the values of secrets this process knows,
//     e.g. the runner's AWS_SECRET_ACCESS_KEY or a task definition's
//     DB_PASSWORD, wherever they appear and in whatever shape;
//   - shapes (assign.go, userinfo.go): the value of every assignment whose
//     name looks secret (NAME=value, export NAME="value", "name": "value",
//     name: value, 'name' => 'value', --name value, Authorization: Bearer …)
//     and the credentials of URLs (scheme://user:password@host), parsed by a
//     small lexer, not a regular expression;
//   - formats (rules.go, formats.go): credentials recognisable by their own
//     form wherever they stand, by gitleaks' maintained rule set (AWS keys,
//     GitHub and Slack tokens, JWTs, ...) and a bare "Bearer <token>".
//
// It masks too much rather than too little: an unquoted value runs to the
// end of its line, since "x;y", "x,y" and "x&y" are all possible passwords.
package scrub

import (
	"sort"
	"strings"
)

// Mask replaces a hidden value.
const Mask = "***"

// span is a byte range [start, end) of a string to mask.
type span struct{ start, end int }

// Secrets returns s with secret values replaced by ***.
func Secrets(s string) string { return known.secrets(s) }

// secrets is Secrets with k's known values.
func (k *knownValues) secrets(s string) string {
	s = k.replace(s)
	var spans []span
	spans = append(spans, assignments(s)...)
	spans = append(spans, urlCredentials(s)...)
	spans = append(spans, bearerTokens(s)...)
	spans = append(spans, tokens(s)...)
	return mask(s, spans)
}

// Lines scrubs every line of a log tail in place and returns it.
func Lines(lines []string) []string {
	for i, l := range lines {
		lines[i] = Secrets(l)
	}
	return lines
}

// mask replaces the union of spans in s by Mask (overlapping and touching
// spans become one ***).
func mask(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		if end <= start {
			continue
		}
		b.WriteString(s[at:start])
		b.WriteString(Mask)
		at = end
	}
	b.WriteString(s[at:])
	return b.String()
}
