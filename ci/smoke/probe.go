package smoke

import (
	"fmt"
	"regexp"
	"strings"
)

// HTTPProbe is a command that passes when GET http://127.0.0.1:PORT/PATH
// answers 2xx for one of paths, with whichever client the image has (curl,
// wget, node or php).
func HTTPProbe(port int, paths ...string) []string {
	var urls []string
	for _, p := range paths {
		urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d%s", port, p))
	}
	script := `for u in "$@"; do
  if command -v curl >/dev/null; then curl -fsS -o /dev/null --max-time 5 "$u" && exit 0
  elif command -v wget >/dev/null; then wget -q -O /dev/null -T 5 "$u" && exit 0
  elif command -v node >/dev/null; then node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$u" && exit 0
  elif command -v php >/dev/null; then php -r '$c=@file_get_contents($argv[1]); exit($c!==false && preg_match("# 2\d\d #", $http_response_header[0] ?? "") ? 0 : 1);' "$u" && exit 0
  else echo "no HTTP client (curl, wget, node, php) in the image" >&2; exit 2
  fi
done
exit 1`
	return append([]string{"/bin/sh", "-c", script, "probe"}, urls...)
}

// loopback matches the addresses a health check uses for "this container".
var loopback = regexp.MustCompile(`\b(127\.0\.0\.1|localhost|0\.0\.0\.0)\b|\[::1\]`)

// Against returns the check's command aimed at host instead of the loopback
// address: the check runs in a second container and the image runs as a
// service reachable as host.
func (c Check) Against(host string) []string {
	out := make([]string, len(c.Command))
	for i, a := range c.Command {
		out[i] = loopback.ReplaceAllString(a, host)
	}
	return out
}

// Until wraps cmd in a loop that runs it every 2 s until it passes or
// seconds have gone by; the last failure's output is kept for the report.
func Until(seconds int, cmd []string) []string {
	script := fmt.Sprintf(`end=$(( $(date +%%s) + %d ))
while :; do
  if out=$("$@" 2>&1); then echo "health check passed"; exit 0; fi
  if [ "$(date +%%s)" -ge "$end" ]; then
    echo "health check did not pass within %ds; its last output:"; printf '%%s\n' "$out"; exit 1
  fi
  sleep 2
done`, seconds, seconds)
	return append([]string{"/bin/sh", "-c", script, "smoke"}, cmd...)
}

// String is the command for people (the report).
func (c Check) String() string {
	if len(c.Command) >= 3 && c.Command[0] == "/bin/sh" && c.Command[1] == "-c" && !c.Declared {
		return "GET " + strings.Join(c.Command[4:], " or ")
	}
	if len(c.Command) == 3 && c.Command[0] == "/bin/sh" && c.Command[1] == "-c" {
		return c.Command[2]
	}
	return strings.Join(c.Command, " ")
}
