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
		"DATABASE_URL=postgres://bitflow:s3cr3t@db:5432/bitflow": "DATABASE_URL=postgres://bitflow:***@db:5432/bitflow",
		"connecting to mysql://root:hunter2@10.0.0.5/app":        "connecting to mysql://root:***@10.0.0.5/app",
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
		"dsn postgres://u:a/b@host/db":                          "dsn postgres://u:***@host/db",
		"dsn postgres://u:a@b@host/db":                          "dsn postgres://u:***@host/db",
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
	KnownEnviron([]string{"MY_DB_PASSWORD=envsecret123", "HOME=/root-not-secret"})
	if got := Secrets("boot envsecret123 at /root-not-secret"); got != "boot *** at /root-not-secret" {
		t.Errorf("got %q", got)
	}
}

func TestSecretName(t *testing.T) {
	for _, n := range []string{"DB_PASSWORD", "DB_PASS", "dbPass", "PGPASS", "MYSQL_PWD", "APP_KEY", "clientSecret", "X-Api-Key", "Authorization", "--db-password", "GITHUB_TOKEN", "Set-Cookie"} {
		if !SecretName(n) {
			t.Errorf("%s: not secret", n)
		}
	}
	for _, n := range []string{"HOME", "passed", "PASSPORT", "DB_HOST", "user", "Migrating"} {
		if SecretName(n) {
			t.Errorf("%s: secret", n)
		}
	}
}
