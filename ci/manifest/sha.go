package manifest

import (
	"fmt"
	"regexp"
)

var (
	shaRE       = regexp.MustCompile(`^[0-9a-f]{7,40}$`)
	shaPrefixRE = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
)

// CheckSHA accepts a lower-case hex git commit sha of 7 to 40 characters,
// the immutable tag of a release. It is the one place this rule is written:
// the deploy, the CLI, the Dagger module and (through them) the workflows
// call it.
func CheckSHA(sha string) error {
	if !shaRE.MatchString(sha) {
		return fmt.Errorf("git sha %q: want a lower-case hex git commit sha (7-40 characters)", sha)
	}
	return nil
}

// CheckSHAPrefix accepts the start of a git commit sha (lower-case hex, 4 to
// 40 characters), as rollback --sha takes to find a release in the ledger.
func CheckSHAPrefix(prefix string) error {
	if !shaPrefixRE.MatchString(prefix) {
		return fmt.Errorf("git sha %q: want a lower-case hex git commit sha or its first 4 or more characters", prefix)
	}
	return nil
}
