package scrub

import (
	"encoding/json"
	"strings"
	"testing"
)

// names are the secret names the fuzz test assigns to.
var names = []string{"DB_PASSWORD", "DB_PASS", "db_password", "PGPASSWORD", "MYSQL_PWD", "APP_KEY", "AWS_SECRET_ACCESS_KEY",
	"GITHUB_TOKEN", "api_key", "apiKey", "clientSecret", "REDIS_PASSWORD", "X-Api-Key", "dbPass"}

// shape writes secret into one kind of log text under name; it returns the
// text and the form the secret takes in it, or false when the secret cannot
// be written that way (e.g. a quote inside a value quoted with it).
type shape struct {
	name  string
	allow func(secret string) bool
	write func(name, secret string) (text, needle string)
}

// Which secrets a shape can carry.
var (
	noSpace = func(s string) bool { return !strings.ContainsAny(s, " \t\v\f\r\n") && !startsQuoted(s) }
	oneLine = func(s string) bool {
		return !strings.ContainsAny(s, "\r\n") && strings.TrimSpace(s) == s && !startsQuoted(s)
	}
	inQuotes = func(q string) func(string) bool {
		return func(s string) bool { return !strings.ContainsAny(s, "\r\n\\"+q) }
	}
	urlSafe    = func(s string) bool { return !strings.ContainsAny(s, " \t\v\f\r\n\"'`") }
	anySecret  = func(string) bool { return true }
	plain      = func(name, s string) (string, string) { return s, s }
	assignedAs = func(format string) func(string, string) (string, string) {
		return func(name, s string) (string, string) {
			return strings.NewReplacer("N", name, "S", s).Replace(format), s
		}
	}
)

var shapes = []shape{
	{"single-quoted", inQuotes("'"), assignedAs("N='S'")},
	{"double-quoted", inQuotes(`"`), assignedAs(`N="S"`)},
	{"unquoted (separators ;,& too)", noSpace, assignedAs("N=S")},
	{"export", noSpace, assignedAs("export N=S")},
	{"export quoted", inQuotes(`"`), assignedAs(`export N="S"`)},
	{"env dump (value with blanks)", oneLine, assignedAs("N=S")},
	{"JSON", anySecret, func(name, s string) (string, string) {
		b, _ := json.Marshal(map[string]string{strings.ToLower(name): s})
		e, _ := json.Marshal(s)
		return string(b), string(e[1 : len(e)-1])
	}},
	{"YAML", oneLine, func(name, s string) (string, string) { return "  " + strings.ToLower(name) + ": " + s, s }},
	{"YAML quoted", inQuotes(`"`), assignedAs(`N: "S"`)},
	{"PHP array", inQuotes("'"), assignedAs("'N' => 'S',")},
	{"header", oneLine, assignedAs("N: S")},
	{"bearer header", noSpace, assignedAs("Authorization: Bearer S")},
	{"curl bearer", inQuotes("'"), assignedAs("curl -H 'Authorization: Bearer S' https://api")},
	{"flag", noSpace, assignedAs(" --db-password S")},
	{"flag=", noSpace, assignedAs(" --password=S")},
	{"URL userinfo (/ and @ too)", urlSafe, assignedAs("postgres://bitflow:S@db.internal:5432/bitflow")},
	{"URL token as user", urlSafe, assignedAs("https://S@github.com/bitflow-lms/pipeline.git")},
	{"URL query", noSpace, assignedAs("https://cb.example/?access_token=S")},
	{"known value, bare", anySecret, plain},
	// Tokens recognised by form (gitleaks' rules), made from the secret's bytes.
	{"GitHub token, bare", anySecret, token("ghp_", alnum, 36, "")},
	{"AWS access key id, bare", anySecret, token(" AKIA", upper2to7, 16, " ")},
	{"JWT, bare", anySecret, func(name, s string) (string, string) {
		jwt := "eyJ" + derive(s, alnum, 20) + ".eyJ" + derive(s[1:], alnum, 24) + "." + derive(s[2:], alnum, 30)
		return " " + jwt + " ", jwt
	}},
}

const (
	alnum     = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	upper2to7 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// token writes prefix and n characters of alphabet derived from the secret.
func token(prefix, alphabet string, n int, after string) func(string, string) (string, string) {
	return func(name, s string) (string, string) {
		t := strings.TrimSpace(prefix) + derive(s, alphabet, n)
		return prefix[:len(prefix)-len(strings.TrimLeft(prefix, " "))] + t + after, t
	}
}

// derive maps s onto n characters of alphabet (varied enough to pass the
// rules' entropy thresholds, as real tokens do).
func derive(s, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[(int(s[i%len(s)])+i*7)%len(alphabet)]
	}
	return string(b)
}

func startsQuoted(s string) bool { return s != "" && isQuote(s[0]) }

// FuzzSecretsNeverSurvive places a secret in one of the shapes above,
// anywhere in a log line (any text before and after it), and checks that
// neither the secret nor either half of a longer one is left after
// scrubbing. Only the "known value" shape registers the secret with Known:
// the other shapes must be caught by their form alone.
func FuzzSecretsNeverSurvive(f *testing.F) {
	for i := range shapes {
		f.Add(uint8(i), uint8(0), "[2026-12-01 10:00:00] production.ERROR: ", "two words", " at line 12")
		f.Add(uint8(i), uint8(i), "", "x;y&z,w", "")
		f.Add(uint8(i), uint8(i+1), `token="`, "a/b@c", `"`)
	}
	f.Fuzz(func(t *testing.T, which, nameIndex uint8, before, secret, after string) {
		sh := shapes[int(which)%len(shapes)]
		name := names[int(nameIndex)%len(names)]
		if len(secret) < 4 || strings.Contains(secret, Mask[:1]) || !sh.allow(secret) {
			t.Skip()
		}
		text, needle := sh.write(name, secret)
		line := before + text + after
		k := &knownValues{}
		if sh.name == "known value, bare" {
			if len(secret) < MinKnown {
				t.Skip()
			}
			k.add(secret)
		}
		got := k.secrets(line)
		for _, piece := range pieces(needle) {
			// A piece that also stands elsewhere in the line is not the secret's.
			if strings.Count(line, piece) == 1 && strings.Contains(got, piece) {
				t.Fatalf("%s: %q survived\n line %q\n got  %q", sh.name, piece, line, got)
			}
		}
	})
}

// pieces are the secret and, for one of 8 bytes or more, its two halves.
func pieces(s string) []string {
	if len(s) < 8 {
		return []string{s}
	}
	return []string{s, s[:len(s)/2], s[len(s)/2:]}
}
