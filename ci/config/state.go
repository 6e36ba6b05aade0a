package config

import (
	"regexp"
	"strings"
)

// State is where an environment's deploy state lives in S3: the release
// ledger (<prefix>/releases/) and the environment lock (<prefix>/lock.json).
type State struct {
	// Bucket is the S3 bucket (it must exist; the deploy role may only read
	// and write under Prefix).
	Bucket string `yaml:"bucket"`
	// Prefix is the key prefix of this environment (default: its name).
	Prefix string `yaml:"prefix"`
}

var (
	bucketRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	statePrefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$`)
)

func (e *Environment) stateDefaults() {
	if e.State != nil && e.State.Prefix == "" {
		e.State.Prefix = e.Name
	}
}

// checkState validates the state location. It is optional: without it a
// deploy runs with neither lock nor ledger, and says so.
func (e *Environment) checkState(c *checker) {
	s := e.State
	if s == nil {
		return
	}
	if !bucketRE.MatchString(s.Bucket) || strings.Contains(s.Bucket, "..") {
		c.add("state.bucket", "%q is not an S3 bucket name (3-63 lower-case letters, digits, dots and dashes)", s.Bucket)
	}
	if !statePrefixRE.MatchString(s.Prefix) || strings.Contains("/"+s.Prefix+"/", "/../") || strings.Contains("/"+s.Prefix+"/", "/./") {
		c.add("state.prefix", "%q must be key segments separated by single slashes, without leading or trailing slash, . or ..", s.Prefix)
	}
}
