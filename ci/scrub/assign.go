package scrub

import "strings"

// assignments finds the values of secret-named assignments in s:
// NAME=value, NAME: value, NAME := value, 'name' => 'value', "name": "value"
// and --name value, with or without blanks around the operator. Every name
// is looked at, also inside another value, so that a stray quote earlier on
// the line cannot hide a later assignment.
func assignments(s string) []span {
	var spans []span
	for i := 0; i < len(s); {
		if !isNameByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if name := s[i:j]; SecretName(name) {
			if sp, ok := valueAfter(s, j, name[0] == '-'); ok {
				spans = append(spans, sp)
			}
		}
		i = j
	}
	return spans
}

// valueAfter finds the value of the name ending at j: after the name's own
// closing quote, an operator (= : := =>) or, for a flag, blanks.
func valueAfter(s string, j int, flag bool) (span, bool) {
	k := j
	if k < len(s) && isQuote(s[k]) {
		k++ // "name": the key's closing quote
	}
	k = skipBlanks(s, k)
	switch {
	case strings.HasPrefix(s[k:], "=>"), strings.HasPrefix(s[k:], ":="):
		k += 2
	case k < len(s) && (s[k] == '=' || s[k] == ':'):
		k++
	case flag && k > j:
	default:
		return span{}, false
	}
	return value(s, skipBlanks(s, k))
}

// value is the value starting at k: a quoted one up to its closing quote
// (backslash escapes honoured), else everything to the end of the line.
// A quoted value followed by more than a separator (shell concatenation
// such as 'a'\”b', or a quote that was not what it seemed) runs to the end
// of the line too.
func value(s string, k int) (span, bool) {
	if k >= len(s) || isEOL(s[k]) {
		return span{}, false
	}
	if q := s[k]; isQuote(q) {
		end := closingQuote(s, k+1, q)
		if end < 0 || end+1 < len(s) && !endsQuoted(s[end+1]) {
			return span{k + 1, eol(s, k+1)}, true
		}
		return span{k + 1, end}, true
	}
	return span{k, eol(s, k)}, true
}

// closingQuote is the index of the unescaped quote q at or after k on the
// same line, or -1.
func closingQuote(s string, k int, q byte) int {
	for ; k < len(s) && !isEOL(s[k]); k++ {
		switch s[k] {
		case '\\':
			k++
		case q:
			return k
		}
	}
	return -1
}

// eol is the index of the end of the line containing k.
func eol(s string, k int) int {
	for k < len(s) && !isEOL(s[k]) {
		k++
	}
	return k
}

func skipBlanks(s string, k int) int {
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	return k
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

func isEOL(c byte) bool { return c == '\n' || c == '\r' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || isEOL(c) }

// endsQuoted: what may follow a quoted value that ended there.
func endsQuoted(c byte) bool { return isSpace(c) || c == ',' || c == '}' || c == ']' || c == ')' }
