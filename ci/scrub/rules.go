package scrub

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// The formats layer uses gitleaks' default rule set (its config package:
// ~220 maintained rules for provider tokens such as AWS access keys, GitHub
// and Slack tokens, JWTs, Stripe keys, and high-entropy generic keys), not
// its scanner: detect would bring archive readers, a CLI and a report
// writer we do not need. Rules are applied as gitleaks applies them
// (keywords, regular expression, secret group, entropy), without its
// allowlists: an allowlisted value is masked too, which only masks more.

var (
	rulesOnce sync.Once
	rules     []config.Rule
	rulesErr  error
)

// gitleaksRules loads the rule set embedded in gitleaks once.
func gitleaksRules() []config.Rule {
	rulesOnce.Do(func() {
		v := viper.New()
		v.SetConfigType("toml")
		var vc config.ViperConfig
		if rulesErr = v.ReadConfig(strings.NewReader(config.DefaultConfig)); rulesErr != nil {
			return
		}
		if rulesErr = v.Unmarshal(&vc); rulesErr != nil {
			return
		}
		cfg, err := vc.Translate()
		if rulesErr = err; err != nil {
			return
		}
		for _, r := range cfg.GetOrderedRules() {
			if r.Regex != nil {
				for i, k := range r.Keywords {
					r.Keywords[i] = strings.ToLower(k)
				}
				rules = append(rules, r)
			}
		}
	})
	if rulesErr != nil {
		// The rule set is compiled into the binary: a failure is a build bug
		// that the package's tests catch, never a property of the input.
		panic(fmt.Sprintf("scrub: gitleaks rule set: %v", rulesErr))
	}
	return rules
}

// tokens finds the secrets gitleaks' rules recognise in s.
func tokens(s string) []span {
	var spans []span
	lower := asciiLower(s)
	for _, r := range gitleaksRules() {
		if !hasKeyword(lower, r.Keywords) {
			continue
		}
		for _, m := range r.Regex.FindAllStringSubmatchIndex(s, -1) {
			start, end := secretGroup(m, r.SecretGroup)
			if start < 0 || r.Entropy != 0 && entropy(s[start:end]) <= r.Entropy {
				continue
			}
			spans = append(spans, span{start, end})
		}
	}
	return spans
}

// hasKeyword is gitleaks' prefilter: a rule with keywords only runs on
// text containing one of them.
func hasKeyword(lower string, keywords []string) bool {
	if len(keywords) == 0 {
		return true
	}
	for _, k := range keywords {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// secretGroup is the part of match m that is the secret: group n if set,
// else the first non-empty group, else the whole match.
func secretGroup(m []int, n int) (int, int) {
	if n > 0 {
		if 2*n+1 < len(m) {
			return m[2*n], m[2*n+1]
		}
		return -1, -1
	}
	for g := 1; 2*g+1 < len(m); g++ {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return m[2*g], m[2*g+1]
		}
	}
	return m[0], m[1]
}

// entropy is the Shannon entropy of s in bits per character, as gitleaks
// computes it.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	counts := map[rune]int{}
	for _, c := range s {
		counts[c]++
	}
	var e float64
	for _, n := range counts {
		f := float64(n) / float64(len(s))
		e -= f * math.Log2(f)
	}
	return e
}
