package scrub

import "strings"

// bearerTokens finds the token after a bare "Bearer" (any case), as in
// curl -H "Authorization: Bearer …" or a header echoed without its name.
func bearerTokens(s string) []span {
	var spans []span
	lower := asciiLower(s) // byte for byte: strings.ToLower may change the length
	for i := 0; ; {
		k := strings.Index(lower[i:], "bearer")
		if k < 0 {
			return spans
		}
		k += i
		i = k + len("bearer")
		if k > 0 && isNameByte(s[k-1]) || i >= len(s) || s[i] != ' ' && s[i] != '\t' {
			continue
		}
		start := skipBlanks(s, i)
		end := start
		for end < len(s) && !isSpace(s[end]) {
			end++
		}
		spans = append(spans, span{start, end})
	}
}

// asciiLower lower-cases the ASCII letters of s and keeps every other byte.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
