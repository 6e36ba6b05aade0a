// Command bitflow-report renders a release manifest on the GitHub Actions
// runner, after `dagger call deploy ... export --path manifest.json`:
//
//	bitflow-report summary --manifest manifest.json   # append the job summary to $GITHUB_STEP_SUMMARY
//	bitflow-report outcome --manifest manifest.json   # exit 1 unless the run succeeded
//
// The GitHub Deployment and the Slack message are sent by the deploy itself
// (inside the Dagger module); this command only needs files, no secrets.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const usage = `usage:
  bitflow-report summary --manifest FILE [--output FILE]
      append the run's Markdown summary to --output (default: $GITHUB_STEP_SUMMARY, else stdout)
  bitflow-report outcome --manifest FILE
      print the outcome; exit 1 unless it is "succeeded" (or a succeeded dry run)
`

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fset := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	path := fset.String("manifest", "manifest.json", "release manifest written by the deploy")
	output := fset.String("output", "", "summary file to append to (default $GITHUB_STEP_SUMMARY, else stdout)")
	if err := fset.Parse(args[1:]); err != nil {
		return 2
	}
	switch args[0] {
	case "summary":
		return summary(*path, *output, stdout, stderr, getenv)
	case "outcome":
		return outcome(*path, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "bitflow-report: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

// summary appends the Markdown summary. A missing manifest still produces a
// summary saying so, because that is exactly when people look at it.
func summary(path, output string, stdout, stderr io.Writer, getenv func(string) string) int {
	var md string
	m, err := manifest.Read(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		md = fmt.Sprintf("## ❌ Deploy produced no release manifest\n\n`%s` was not exported: the deploy stopped before writing it. See the log of the deploy step.\n\n", path)
	case err != nil:
		fmt.Fprintf(stderr, "bitflow-report: %s: %v\n", path, err)
		return 1
	default:
		md = report.SummaryMarkdown(m)
	}
	if output == "" {
		output = getenv("GITHUB_STEP_SUMMARY")
	}
	if output == "" {
		_, err := io.WriteString(stdout, md)
		return exitCode(err, stderr)
	}
	f, err := os.OpenFile(output, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(stderr, "bitflow-report: open summary %s: %v\n", output, err)
		return 1
	}
	_, werr := io.WriteString(f, md)
	return exitCode(errors.Join(werr, f.Close()), stderr)
}

// outcome prints the run's outcome and fails unless it succeeded.
func outcome(path string, stdout, stderr io.Writer) int {
	m, err := manifest.Read(path)
	if err != nil {
		fmt.Fprintf(stderr, "bitflow-report: %s: %v\n", path, err)
		return 1
	}
	line, err := report.Outcome(m)
	fmt.Fprintln(stdout, line)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, err)
	return 1
}

func exitCode(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintf(stderr, "bitflow-report: %v\n", err)
		return 1
	}
	return 0
}
