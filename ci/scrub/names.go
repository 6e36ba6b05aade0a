package scrub

import (
	"strings"
	"unicode"
)

// secretWords make a name secret wherever they occur in it (APP_KEY,
// clientSecret, X-Amz-Credential, Authorization, PGPASSWORD).
var secretWords = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "COOKIE", "PRIVATE", "SIGNATURE"}

// secretSegments make a name secret as one of its words, or at a word's end
// (DB_PASS, dbPass, PGPASS, MYSQL_PWD), but not inside one (PASSED, PASSPORT).
var secretSegments = []string{"PASS", "PWD", "PW"}

// notSecretNames are well-known variables whose names contain a secret
// word but whose values are not secrets and fill logs when masked: the
// shell's working directories (PWD is not a password), the ssh agent's
// socket path, a commit's author.
var notSecretNames = map[string]bool{"PWD": true, "OLDPWD": true, "SSH_AUTH_SOCK": true,
	"GIT_AUTHOR_NAME": true, "GIT_AUTHOR_EMAIL": true, "GIT_AUTHOR_DATE": true}

// SecretName reports whether an environment variable, key, header or flag
// of this name holds a secret.
func SecretName(name string) bool {
	upper := strings.ToUpper(name)
	if notSecretNames[upper] {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(upper, w) {
			return true
		}
	}
	for _, seg := range segments(name) {
		seg = strings.ToUpper(seg)
		for _, w := range secretSegments {
			if seg == w || (w == "PASS" || w == "PWD") && strings.HasSuffix(seg, w) {
				return true
			}
		}
	}
	return false
}

// segments splits a name at non-alphanumerics and lower-to-upper case steps
// (db_pass, DB-PASS, dbPass: "db", "pass").
func segments(name string) []string {
	var out []string
	start := -1
	prev := rune(0)
	for i, r := range name {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case !alnum:
			if start >= 0 {
				out = append(out, name[start:i])
			}
			start = -1
		case start < 0:
			start = i
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			out = append(out, name[start:i])
			start = i
		}
		prev = r
	}
	if start >= 0 {
		out = append(out, name[start:])
	}
	return out
}
