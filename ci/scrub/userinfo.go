package scrub

import "strings"

// urlCredentials finds the credentials of URLs in s: the whole user part of
// scheme://user:password@host, since the user may be the secret too
// (https://TOKEN:x-oauth-basic@github.com, https://TOKEN:@host). It ends at
// the last @ before a blank or quote, so passwords with / or @ in them
// (postgres://u:a/b@host, postgres://u:a@b@host) are masked whole; an @
// later in the path masks too much, never too little.
func urlCredentials(s string) []span {
	var spans []span
	for i := 0; ; {
		k := strings.Index(s[i:], "://")
		if k < 0 {
			return spans
		}
		start := i + k + 3
		i = start
		end := start
		for end < len(s) && !isSpace(s[end]) && !isQuote(s[end]) {
			end++
		}
		at := strings.LastIndexByte(s[start:end], '@')
		if at <= 0 {
			continue
		}
		spans = append(spans, span{start, start + at})
	}
}
