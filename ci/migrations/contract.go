package migrations

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind names a contract step.
type Kind string

// The contract steps the guard refuses against existing tables.
const (
	DropTable     Kind = "drop-table"
	DropColumn    Kind = "drop-column"
	RenameTable   Kind = "rename-table"
	RenameColumn  Kind = "rename-column"
	SetNotNull    Kind = "set-not-null"
	AddNotNullCol Kind = "add-not-null-column"
)

// Finding is one contract step: the statement, the migration it is in, and
// why the release still serving may break when it runs.
type Finding struct {
	Migration string `json:"migration"`
	Statement string `json:"statement"`
	Kind      Kind   `json:"kind"`
	Table     string `json:"table"`
	Column    string `json:"column,omitempty"`
	Why       string `json:"why"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s (%s: %s)", f.Migration, f.Statement, f.Kind, f.Why)
}

const ident = `((?:[\w$]+\.)?[\w$]+)`

var (
	createTable = regexp.MustCompile(`(?i)^create\s+(?:temporary\s+|temp\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?` + ident)
	dropTable   = regexp.MustCompile(`(?i)^drop\s+table\s+(?:if\s+exists\s+)?(.+?)(?:\s+(?:cascade|restrict))?$`)
	alterTable  = regexp.MustCompile(`(?i)^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?` + ident + `\s+(.*)$`)
	renameTable = regexp.MustCompile(`(?i)^rename\s+table\s+` + ident + `\s+to\s+` + ident)

	actDropColumn   = regexp.MustCompile(`(?i)^drop\s+(?:column\s+)?(?:if\s+exists\s+)?` + ident)
	actRenameTable  = regexp.MustCompile(`(?i)^rename\s+to\s+` + ident)
	actRenameColumn = regexp.MustCompile(`(?i)^rename\s+(?:column\s+)?` + ident + `\s+to\s+` + ident)
	actSetNotNull   = regexp.MustCompile(`(?i)^alter\s+(?:column\s+)?` + ident + `\s+set\s+not\s+null`)
	actSetDefault   = regexp.MustCompile(`(?i)^alter\s+(?:column\s+)?` + ident + `\s+set\s+default\b`)
	actAddColumn    = regexp.MustCompile(`(?i)^add\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?` + ident + `\s+(.*)$`)
	notNull         = regexp.MustCompile(`(?i)\bnot\s+null\b`)
	hasDefault      = regexp.MustCompile(`(?i)\bdefault\b|\bserial\b|\bbigserial\b|\bgenerated\b`)
	// words after DROP / ADD / RENAME that are not a column
	notColumn = map[string]bool{"constraint": true, "index": true, "key": true, "primary": true, "foreign": true,
		"unique": true, "default": true, "check": true, "identity": true, "expression": true, "not": true, "trigger": true}
)

// Classify returns the contract steps among stmts. A statement against a
// table created earlier in the same pending set is never a contract step
// (a new table has no readers yet: on an empty database nothing is refused).
// SET NOT NULL is one unless the same migration sets that column's default.
func Classify(stmts []Statement) []Finding {
	created := map[string]bool{}
	defaults := map[string]bool{} // migration|table|column with SET DEFAULT
	for _, s := range stmts {
		sql := unquote(s.SQL)
		if m := alterTable.FindStringSubmatch(sql); m != nil {
			for _, a := range splitActions(m[2]) {
				if d := actSetDefault.FindStringSubmatch(a); d != nil {
					defaults[s.Migration+"|"+key(m[1])+"|"+key(d[1])] = true
				}
			}
		}
	}
	var out []Finding
	for _, s := range stmts {
		sql := unquote(s.SQL)
		find := func(k Kind, table, column, why string) {
			if !created[key(table)] {
				out = append(out, Finding{Migration: s.Migration, Statement: s.SQL, Kind: k, Table: table, Column: column, Why: why})
			}
		}
		switch {
		case createTable.MatchString(sql):
			created[key(createTable.FindStringSubmatch(sql)[1])] = true
		case dropTable.MatchString(sql):
			for _, t := range strings.Split(dropTable.FindStringSubmatch(sql)[1], ",") {
				t = strings.TrimSpace(t)
				find(DropTable, t, "", fmt.Sprintf("the live release may still read table %s: drop it only after the release that stopped using it is live", t))
			}
		case renameTable.MatchString(sql):
			m := renameTable.FindStringSubmatch(sql)
			find(RenameTable, m[1], "", renameTableWhy(m[1], m[2]))
		case alterTable.MatchString(sql):
			m := alterTable.FindStringSubmatch(sql)
			table := m[1]
			for _, a := range splitActions(m[2]) {
				classifyAction(s.Migration, table, a, defaults, find)
			}
		}
	}
	return out
}

// classifyAction reports the contract step one ALTER TABLE action is, if any.
func classifyAction(migration, table, a string, defaults map[string]bool, find func(Kind, string, string, string)) {
	switch {
	case actRenameTable.MatchString(a):
		find(RenameTable, table, "", renameTableWhy(table, actRenameTable.FindStringSubmatch(a)[1]))
	case actRenameColumn.MatchString(a) && !notColumn[lower(actRenameColumn.FindStringSubmatch(a)[1])]:
		m := actRenameColumn.FindStringSubmatch(a)
		find(RenameColumn, table, m[1], fmt.Sprintf("the live release still reads %s.%s by its old name: add %s, dual-write, and drop %s only after the release that stopped using it is live", table, m[1], m[2], m[1]))
	case actDropColumn.MatchString(a) && !notColumn[lower(actDropColumn.FindStringSubmatch(a)[1])]:
		c := actDropColumn.FindStringSubmatch(a)[1]
		find(DropColumn, table, c, fmt.Sprintf("the live release may still read %s.%s: contract only after the release that stopped using it is live", table, c))
	case actSetNotNull.MatchString(a):
		c := actSetNotNull.FindStringSubmatch(a)[1]
		if !defaults[migration+"|"+key(table)+"|"+key(c)] {
			find(SetNotNull, table, c, fmt.Sprintf("the live release may still insert rows without %s.%s: make it NOT NULL only after the release that always writes it is live, or set a default in the same migration", table, c))
		}
	case actAddColumn.MatchString(a) && !notColumn[lower(actAddColumn.FindStringSubmatch(a)[1])]:
		m := actAddColumn.FindStringSubmatch(a)
		if notNull.MatchString(m[2]) && !hasDefault.MatchString(m[2]) {
			find(AddNotNullCol, table, m[1], fmt.Sprintf("the live release inserts rows without %s.%s, which then fail (and existing rows have no value): add it nullable or with a default", table, m[1]))
		}
	}
}

func renameTableWhy(from, to string) string {
	return fmt.Sprintf("the live release still reads table %s by its old name: create %s (or a view) first and drop %s only after the release that stopped using it is live", from, to, from)
}

// splitActions splits an ALTER TABLE's action list at top-level commas.
func splitActions(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// unquote drops identifier quotes ("x", `x`) and a trailing semicolon.
func unquote(sql string) string {
	sql = strings.NewReplacer(`"`, "", "`", "").Replace(strings.TrimSpace(sql))
	return strings.TrimSpace(strings.TrimSuffix(sql, ";"))
}

func lower(s string) string { return strings.ToLower(s) }

// key is a table or column name as compared: lower case, without "public.".
func key(s string) string { return strings.TrimPrefix(lower(strings.TrimSpace(s)), "public.") }
