package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

// summary appends a run's Markdown summary to --output (default
// $GITHUB_STEP_SUMMARY, else stdout), with the release's publish records
// (--publish, repeatable) drawn in. A missing manifest still produces a
// summary saying so, because that is exactly when people look at it.
func (c *common) summary(args []string) int {
	fs := newFlags("summary", c.errOut)
	path := fs.String("manifest", "manifest.json", "release manifest written by deploy or rollback")
	output := fs.String("output", "", "file to append the summary to (default $GITHUB_STEP_SUMMARY, else stdout)")
	var publish []string
	fs.Func("publish", "publish record of this release (publish --format json); repeat for the build matrix's records", func(p string) error {
		publish = append(publish, p)
		return nil
	})
	if err := parse(fs, args); err != nil {
		return exitUsage
	}
	md, err := summaryOf(*path, publish)
	if err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy: %v\n", err)
		return exitFailed
	}
	dest := *output
	if dest == "" {
		dest = c.getenv("GITHUB_STEP_SUMMARY")
	}
	if err := appendTo(dest, md, c.out); err != nil {
		fmt.Fprintf(c.errOut, "bitflow-deploy: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// summaryOf renders the manifest at path with the publish records at
// publish, or says that there is no manifest.
func summaryOf(path string, publish []string) (string, error) {
	m, err := manifest.Read(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("## ❌ Deploy produced no release manifest\n\n`%s` was not exported: the deploy stopped before writing it. See the log of the deploy step.\n\n", path), nil
	case err != nil:
		return "", fmt.Errorf("%s: %w", path, err)
	}
	var records []*imagereuse.Record
	for _, p := range publish {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("--publish: %w", err)
		}
		r, err := imagereuse.ParseRecord(b)
		if err != nil {
			return "", fmt.Errorf("--publish %s: %w", p, err)
		}
		records = append(records, r)
	}
	pub, err := report.PublishRecord(m, records)
	if err != nil {
		return "", fmt.Errorf("--publish: %w", err)
	}
	return report.SummaryMarkdown(m, pub), nil
}

// appendTo appends s to the file dest, or writes it to stdout when dest is "".
func appendTo(dest, s string, stdout io.Writer) error {
	if dest == "" {
		_, err := io.WriteString(stdout, s)
		return err
	}
	f, err := os.OpenFile(dest, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open summary %s: %w", dest, err)
	}
	_, werr := io.WriteString(f, s)
	return errors.Join(werr, f.Close())
}
