package main

// Every verb checks its whole command line (flags and the environment file)
// before it reads from AWS or writes anything, and refuses a bad one with
// one message and exit status 2. No file name is built from a value that
// was not checked first.

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// check is one check of a command line; env is nil when the environment
// file could not be loaded (checks that need it then say nothing).
type check func(env *config.Environment) error

// refused runs the checks and, if any fails, prints every problem in one
// message and returns true.
func (c *common) refused(verb string, env *config.Environment, loadErr error, checks ...check) bool {
	var problems []string
	if loadErr != nil {
		problems = append(problems, loadErr.Error())
	}
	for _, ck := range append([]check{c.checkEndpoint}, checks...) {
		if err := ck(env); err != nil {
			problems = append(problems, err.Error())
		}
	}
	switch len(problems) {
	case 0:
		return false
	case 1:
		fmt.Fprintf(c.errOut, "bitflow-deploy %s: %s\n", verb, problems[0])
	default:
		fmt.Fprintf(c.errOut, "bitflow-deploy %s: %d problems with the command line:\n  %s\n", verb, len(problems), strings.Join(problems, "\n  "))
	}
	return true
}

// checkEndpoint accepts no endpoint or an http(s) URL with a host, from
// --endpoint or else AWS_ENDPOINT_URL.
func (c *common) checkEndpoint(*config.Environment) error {
	v, name := c.endpoint, "--endpoint"
	if v == "" {
		v, name = c.getenv("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"
	}
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: want an http:// or https:// URL with a host (e.g. the emulator's http://127.0.0.1:PORT)", name, v)
	}
	return nil
}

// checkSHA requires --sha to be a full or abbreviated (7+) commit sha.
func checkSHA(sha string) check {
	return func(*config.Environment) error {
		if sha == "" {
			return errors.New("--sha is required (the git sha every image of the release is tagged with)")
		}
		if err := manifest.CheckSHA(sha); err != nil {
			return fmt.Errorf("--sha: %w", err)
		}
		return nil
	}
}

// checkStrategy accepts an empty override or one the environment can run.
func checkStrategy(name string) check {
	return func(env *config.Environment) error {
		if name == "" || env == nil {
			return nil
		}
		_, err := env.WithStrategy(name)
		return err
	}
}

// checkOutput accepts a file path whose directory exists (and that is not
// itself a directory), so that the run can write it.
func checkOutput(flag, path string) check {
	return func(*config.Environment) error {
		if path == "" {
			return nil
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return fmt.Errorf("%s %s: is a directory", flag, path)
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s %s: directory %s does not exist", flag, path, filepath.Dir(path))
		}
		return nil
	}
}

// checkInput accepts a readable regular file, or no path.
func checkInput(flag, path string) check {
	return func(*config.Environment) error {
		if path == "" {
			return nil
		}
		if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("%s %s: not a readable file", flag, path)
		}
		return nil
	}
}

// checkCommitTime accepts no time or an RFC 3339 one.
func checkCommitTime(v string) check {
	return func(*config.Environment) error {
		if v == "" {
			return nil
		}
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return fmt.Errorf("--commit-time %q is not RFC 3339 (2026-12-01T19:01:02Z)", v)
		}
		return nil
	}
}

// checkNotNegative accepts a duration of zero or more.
func checkNotNegative(flag string, d time.Duration) check {
	return func(*config.Environment) error {
		if d < 0 {
			return fmt.Errorf("%s %s: want zero or more", flag, d)
		}
		return nil
	}
}

// checkErr turns an already computed result into a check.
func checkErr(err error) check { return func(*config.Environment) error { return err } }
