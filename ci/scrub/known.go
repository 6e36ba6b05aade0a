package scrub

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// MinKnown is the shortest value Known registers: masking shorter ones
// would mangle ordinary words (short secrets are still masked by shape).
const MinKnown = 6

// knownValues are secret values masked wherever they appear.
type knownValues struct {
	mu     sync.RWMutex
	values []string // every form of every value, longest first
}

// known is the process's registry, filled by Known and KnownEnviron.
var known = &knownValues{}

// Known registers secret values this process knows (a task definition's
// DB_PASSWORD, the runner's AWS_SECRET_ACCESS_KEY): from now on Secrets
// masks each wherever it appears, in any shape, also URL-, JSON- and
// shell-escaped. Values shorter than MinKnown are ignored.
func Known(values ...string) { known.add(values...) }

// KnownEnviron registers the values of the NAME=value entries (as
// os.Environ returns them) whose name is secret (SecretName).
func KnownEnviron(environ []string) {
	for _, kv := range environ {
		if name, v, ok := strings.Cut(kv, "="); ok && SecretName(name) {
			known.add(v)
		}
	}
}

func (k *knownValues) add(values ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	have := map[string]bool{}
	for _, v := range k.values {
		have[v] = true
	}
	for _, v := range values {
		if len(v) < MinKnown {
			continue
		}
		for _, f := range forms(v) {
			if !have[f] {
				have[f] = true
				k.values = append(k.values, f)
			}
		}
	}
	sort.SliceStable(k.values, func(i, j int) bool { return len(k.values[i]) > len(k.values[j]) })
}

// forms are the ways v is written in logs, URLs and JSON.
func forms(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v), strings.ReplaceAll(v, "'", `'\''`)}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		j := strings.TrimSpace(b.String())
		out = append(out, j[1:len(j)-1])
	}
	return out
}

// replace masks every known value in s.
func (k *knownValues) replace(s string) string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, v := range k.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	return s
}
