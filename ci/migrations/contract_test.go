package migrations

import (
	"os"
	"strings"
	"testing"
)

func readLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// TestSeedMigrations: the seed's migrations as --pretend prints them on
// PostgreSQL. All pending (an empty database): nothing is refused. Only the
// last two pending (Laravel 8 style): SET NOT NULL and DROP COLUMN are.
func TestSeedMigrations(t *testing.T) {
	stmts, pending := ParsePretend(readLines(t, "pretend_laravel11_pgsql_all.txt"))
	if len(pending) != 6 || len(stmts) != 14 {
		t.Fatalf("parsed %d migrations, %d statements: %v", len(pending), len(stmts), pending)
	}
	if got := Classify(stmts); len(got) != 0 {
		t.Errorf("empty database: findings %v", got)
	}
	stmts, pending = ParsePretend(readLines(t, "pretend_laravel8_pgsql_contract.txt"))
	if len(pending) != 2 || len(stmts) != 4 {
		t.Fatalf("parsed %d migrations, %d statements", len(pending), len(stmts))
	}
	got := Classify(stmts)
	if len(got) != 2 || got[0].Kind != SetNotNull || got[0].Column != "enrollment_number" ||
		got[1].Kind != DropColumn || got[1].Column != "roll_no" || got[1].Migration != "2024_07_01_000001_drop_roll_no_from_students" ||
		got[1].Statement != `alter table "students" drop column "roll_no"` ||
		!strings.Contains(got[1].Why, "the live release may still read students.roll_no: contract only after the release that stopped using it is live") {
		t.Errorf("findings: %+v", got)
	}
}

func TestClassify(t *testing.T) {
	const m = "2025_01_01_000000_x"
	for _, tc := range []struct {
		name string
		sql  []string
		want []Kind // one per finding, in order
	}{
		{"drop column", []string{`alter table "students" drop column "roll_no"`}, []Kind{DropColumn}},
		{"drop column mysql", []string{"alter table `students` drop `roll_no`"}, []Kind{DropColumn}},
		{"drop two columns", []string{`alter table "s" drop column "a", drop column "b"`}, []Kind{DropColumn, DropColumn}},
		{"drop constraint", []string{`alter table "s" drop constraint "s_a_unique"`}, nil},
		{"drop index", []string{`drop index "s_a_index"`}, nil},
		{"drop table", []string{`drop table "old"`}, []Kind{DropTable}},
		{"drop table if exists", []string{`drop table if exists "old" cascade`}, []Kind{DropTable}},
		{"rename table pg", []string{`alter table "a" rename to "b"`}, []Kind{RenameTable}},
		{"rename table mysql", []string{"rename table `a` to `b`"}, []Kind{RenameTable}},
		{"rename column", []string{`alter table "s" rename column "a" to "b"`}, []Kind{RenameColumn}},
		{"rename constraint", []string{`alter table "s" rename constraint "x" to "y"`}, nil},
		{"set not null", []string{`alter table "s" alter column "a" set not null`}, []Kind{SetNotNull}},
		{"set not null with default same migration", []string{`alter table "s" alter column "a" set default 'x'`, `alter table "s" alter column "a" set not null`}, nil},
		{"set not null with default same statement", []string{`alter table "s" alter column "a" set default 0, alter column "a" set not null`}, nil},
		{"add not null column", []string{`alter table "s" add column "a" varchar(32) not null`}, []Kind{AddNotNullCol}},
		{"add not null column with default", []string{`alter table "s" add column "a" varchar(32) not null default 'x'`}, nil},
		{"add nullable column", []string{`alter table "s" add column "a" varchar(32) null`}, nil},
		{"add constraint", []string{`alter table "s" add constraint "c" check ("a" is not null)`}, nil},
		{"select", []string{`select "id" from "students" where "roll_no" is null`}, nil},
		{"create then alter", []string{`create table "t" ("id" bigserial not null primary key)`, `alter table "t" add column "a" int not null`, `alter table "t" drop column "a"`, `drop table "t"`}, nil},
		{"create other then drop", []string{`create table "t" ("id" int)`, `alter table "u" drop column "a"`}, []Kind{DropColumn}},
		{"schema qualified created", []string{`create table "public"."t" ("id" int)`, `alter table "t" rename column "a" to "b"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stmts []Statement
			for _, s := range tc.sql {
				stmts = append(stmts, Statement{Migration: m, SQL: s})
			}
			got := Classify(stmts)
			if len(got) != len(tc.want) {
				t.Fatalf("findings %+v, want kinds %v", got, tc.want)
			}
			for i, f := range got {
				if f.Kind != tc.want[i] || f.Migration != m || f.Why == "" || f.Table == "" {
					t.Errorf("finding %d: %+v, want kind %s", i, f, tc.want[i])
				}
			}
		})
	}
}

func TestParsePretendIgnoresOtherLines(t *testing.T) {
	stmts, pending := ParsePretend([]string{"Running: php artisan migrate --pretend --force", "", "   INFO  Nothing to migrate.", "  ⇂ stray bullet before any migration"})
	if len(stmts) != 0 || len(pending) != 0 {
		t.Errorf("stmts %v pending %v", stmts, pending)
	}
}
