package main

import (
	"fmt"

	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// outcome prints a run's outcome ("ENV SHA: OUTCOME") and exits 1 unless
// it succeeded, saying why on stderr.
func (c *common) outcome(args []string) int {
	fs := newFlags("outcome", c.errOut)
	path := fs.String("manifest", "manifest.json", "release manifest written by deploy or rollback")
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	m, err := manifest.Read(*path)
	if err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy: %s: %v\n", *path, err)
		return exitFailed
	}
	line, err := report.Outcome(m)
	fmt.Fprintln(c.out, line)
	if err != nil {
		fmt.Fprintln(c.errOut, err)
		return exitFailed
	}
	return exitOK
}
