package report

import (
	"errors"
	"net/url"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/scrub"
)

// redacted replaces a secret wherever it would otherwise be printed.
const redacted = "[REDACTED]"

// redactor removes known secret values from text. Reporters wrap every error
// they return with it, because the HTTP stack quotes the request URL in its
// errors and a Slack webhook URL is itself the secret.
type redactor struct{ secrets []string }

// newRedactor builds a redactor for the given secret values. For URLs it also
// covers the path and the escaped forms that appear in url.Error messages.
func newRedactor(values ...string) *redactor {
	r := &redactor{}
	for _, v := range values {
		if len(v) < 4 { // too short to be a real secret; redacting would mangle text
			continue
		}
		scrub.Known(v) // the manifest, the ledger and the CLI output mask it too
		r.secrets = append(r.secrets, v, url.QueryEscape(v), url.PathEscape(v))
		if u, err := url.Parse(v); err == nil && u.Host != "" && len(u.Path) > 1 {
			r.secrets = append(r.secrets, u.Path, u.EscapedPath())
		}
	}
	return r
}

// String returns s with every secret replaced, then scrubbed of secrets of
// any other origin (scrub.Secrets).
func (r *redactor) String(s string) string {
	for _, v := range r.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return scrub.Secrets(s)
}

// Error returns err with every secret removed from its message, or nil.
func (r *redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := r.String(msg)
	if clean == msg {
		return err
	}
	// The original chain quotes the secret, so it is dropped on purpose.
	return errors.New(clean)
}
