package scrub

import (
	"strings"
	"testing"
)

func TestSecretsAreMasked(t *testing.T) {
	for in, want := range map[string]string{
		"DB_PASSWORD=hunter2":                                    "DB_PASSWORD=***",
		"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG":     "export AWS_SECRET_ACCESS_KEY=***",
		"APP_KEY: base64:abcd==":                                 "APP_KEY: ***",
		`{"db_password": "hunter2", "user": "bitflow"}`:          `{"db_password": "***", "user": "bitflow"}`,
		"token=abc&next=1":                                       "token=***", // the & may be the secret's
		"DATABASE_URL=postgres://bitflow:s3cr3t@db:5432/bitflow": "DATABASE_URL=postgres://***@db:5432/bitflow",
		"connecting to mysql://root:hunter2@10.0.0.5/app":        "connecting to mysql://***@10.0.0.5/app",
		"REDIS_PASSWORD = 'p4ss' host=redis":                     "REDIS_PASSWORD = '***' host=redis",
		"Migrated:  2024_01_01_000000_create_users_table (12ms)": "Migrated:  2024_01_01_000000_create_users_table (12ms)",
		"Migrating: 2024_02_01_add_api_key_to_users":             "Migrating: 2024_02_01_add_api_key_to_users",
		"https://api.bitflow.edu/health":                         "https://api.bitflow.edu/health",
		"2 tests passed: ok":                                     "2 tests passed: ok",
		// The leaks of issue 21, item 3.
		"DB_PASSWORD='two words' next":                          "DB_PASSWORD='***' next",
		"DB_PASSWORD=x;y":                                       "DB_PASSWORD=***",
		"DB_PASSWORD=x,y":                                       "DB_PASSWORD=***",
		"DB_PASSWORD=x&y":                                       "DB_PASSWORD=***",
		"dsn postgres://u:a/b@host/db":                          "dsn postgres://***@host/db",
		"dsn postgres://u:a@b@host/db":                          "dsn postgres://***@host/db",
		"curl -H 'Authorization: Bearer abc.def-ghi' https://x": "curl -H 'Authorization: ***",
		"sent Bearer abc.def-ghi to the API":                    "sent Bearer *** to the API",
		"export DB_PASS=hunter2":                                "export DB_PASS=***",
		"'password' => 'se cret',":                              "'password' => '***',",
		"psql --db-password hunter2":                            "psql --db-password ***",
		"git clone https://ghp_abc@github.com/x/y":              "git clone https://***@github.com/x/y",
	} {
		if got := Secrets(in); got != want {
			t.Errorf("Secrets(%q)\n got  %q\n want %q", in, got, want)
		}
	}
	lines := Lines([]string{"ok", "DB_PASSWORD=hunter2"})
	if strings.Contains(strings.Join(lines, "\n"), "hunter2") {
		t.Errorf("Lines kept the secret: %q", lines)
	}
}

// A stray quote earlier on the line must not swallow the name of a later
// assignment and so hide its value.
// Tokens with no name before them are recognised by gitleaks' rules.
func TestTokensAreMaskedByForm(t *testing.T) {
	for in, want := range map[string]string{
		"push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed":                                                                "push with *** failed",
		"creds AKIAZ7VRSQ5TLRHFKQ4M in use":                                                                                        "creds *** in use",
		"hook https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/abcdefghijABCDEFGHIJ1234 down":                                  "hook *** down",
		"cookie eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U sent": "cookie *** sent",
		// Digests, ARNs and commit shas are not secrets.
		"bitflow-backend@sha256:ee41377b3ca8c937d046b24c2a2ceaf0fb08a569cc29fd39201286bf7ba5b3c5": "bitflow-backend@sha256:ee41377b3ca8c937d046b24c2a2ceaf0fb08a569cc29fd39201286bf7ba5b3c5",
		"task arn:aws:ecs:us-east-1:123456789012:task/bitflow/0123456789abcdef0123456789abcdef":   "task arn:aws:ecs:us-east-1:123456789012:task/bitflow/0123456789abcdef0123456789abcdef",
		"deploy of 0123456789abcdef0123456789abcdef01234567 started":                              "deploy of 0123456789abcdef0123456789abcdef01234567 started",
	} {
		if got := Secrets(in); got != want {
			t.Errorf("Secrets(%q)\n got  %q\n want %q", in, got, want)
		}
	}
}

func TestStrayQuoteHidesNothing(t *testing.T) {
	in := `token="DB_PASSWORD="two words"`
	if got := Secrets(in); strings.Contains(got, "two") || strings.Contains(got, "words") {
		t.Errorf("Secrets(%q) = %q", in, got)
	}
}

func TestKnownValuesAreMaskedInAnyShape(t *testing.T) {
	k := &knownValues{}
	k.add("s3cr3t p@ss/word", "short")
	for in, want := range map[string]string{
		"login with s3cr3t p@ss/word failed": "login with *** failed",
		"url: x?p=s3cr3t+p%40ss%2Fword":      "url: x?p=***",
		`{"note":"s3cr3t p@ss/word"}`:        `{"note":"***"}`,
		"short words stay":                   "short words stay",
	} {
		if got := k.secrets(in); got != want {
			t.Errorf("secrets(%q)\n got  %q\n want %q", in, got, want)
		}
	}
}

func TestKnownEnviron(t *testing.T) {
	KnownEnviron([]string{"MY_DB_PASSWORD=envsecret123", "HOME=/root-not-secret", "PWD=/work/checkout-not-secret"})
	if got := Secrets("boot envsecret123 at /root-not-secret in /work/checkout-not-secret/ci"); got != "boot *** at /root-not-secret in /work/checkout-not-secret/ci" {
		t.Errorf("got %q", got)
	}
}

func TestSecretName(t *testing.T) {
	for _, n := range []string{"DB_PASSWORD", "DB_PASS", "dbPass", "PGPASS", "MYSQL_PWD", "APP_KEY", "clientSecret", "X-Api-Key", "Authorization", "--db-password", "GITHUB_TOKEN", "Set-Cookie"} {
		if !SecretName(n) {
			t.Errorf("%s: not secret", n)
		}
	}
	for _, n := range []string{"HOME", "passed", "PASSPORT", "DB_HOST", "user", "Migrating", "PWD", "OLDPWD", "SSH_AUTH_SOCK", "GIT_AUTHOR_NAME"} {
		if SecretName(n) {
			t.Errorf("%s: secret", n)
		}
	}
}

func TestWriterScrubsWholeLines(t *testing.T) {
	var out strings.Builder
	w := NewWriter(&out)
	for _, part := range []string{"ok\nDB_PASS", "WORD='two ", "words' done\nlast ", "token=abcdef"} {
		w.Write([]byte(part))
	}
	if strings.Contains(out.String(), "last") {
		t.Errorf("an unterminated line was written before Flush: %q", out.String())
	}
	w.Flush()
	if got, want := out.String(), "ok\nDB_PASSWORD='***' done\nlast token=***"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
