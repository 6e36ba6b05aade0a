// Package scrub hides secrets in text that leaves the run (a migration's log
// tail copied into the manifest, Slack, the GitHub status and the job
// summary): the value of every assignment whose name contains PASSWORD,
// SECRET, TOKEN or KEY (NAME=value, NAME: value, "name": "value"), and the
// password of credentials in URLs (scheme://user:password@host), become ***.
// It is the one scrub function: every copy of log text goes through Secrets.
package scrub

import "regexp"

// Mask replaces a hidden value.
const Mask = "***"

var (
	// A name containing one of the words, an optional closing quote, = or :,
	// an optional opening quote, then the value up to a quote, space or separator.
	assignment = regexp.MustCompile(`(?i)([A-Za-z0-9_.\-]*(?:PASSWORD|PASSWD|SECRET|TOKEN|KEY)[A-Za-z0-9_.\-]*["']?[ \t]*[=:][ \t]*["']?)([^\s"',;&]+)`)
	// scheme://user:password@ (the user stays, the password goes).
	urlCredentials = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:)([^@\s/]+)@`)
)

// Secrets returns s with secret values replaced by ***.
func Secrets(s string) string {
	s = urlCredentials.ReplaceAllString(s, "${1}"+Mask+"@")
	return assignment.ReplaceAllString(s, "${1}"+Mask)
}

// Lines scrubs every line of a log tail in place and returns it.
func Lines(lines []string) []string {
	for i, l := range lines {
		lines[i] = Secrets(l)
	}
	return lines
}
