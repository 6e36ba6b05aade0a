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
		"token=abc&next=1":                                       "token=***&next=1",
		"DATABASE_URL=postgres://bitflow:s3cr3t@db:5432/bitflow": "DATABASE_URL=postgres://bitflow:***@db:5432/bitflow",
		"connecting to mysql://root:hunter2@10.0.0.5/app":        "connecting to mysql://root:***@10.0.0.5/app",
		"REDIS_PASSWORD = 'p4ss' host=redis":                     "REDIS_PASSWORD = '***' host=redis",
		"Migrated:  2024_01_01_000000_create_users_table (12ms)": "Migrated:  2024_01_01_000000_create_users_table (12ms)",
		"Migrating: 2024_02_01_add_api_key_to_users":             "Migrating: 2024_02_01_add_api_key_to_users",
		"https://api.bitflow.edu/health":                         "https://api.bitflow.edu/health",
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
