package audit

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
)

// Finding is one advisory affecting one package.
type Finding struct {
	Tool     string   // composer | pnpm
	Package  string   // e.g. laravel/framework, lodash
	Versions string   // installed version(s), or the affected range when unknown
	Advisory string   // CVE, GHSA or tool id
	Title    string   // one-line summary
	Severity Severity // normalised severity
	URL      string   // advisory link
}

// Report is the combined result of every tool's audit.
type Report struct {
	Findings    []Finding
	Unavailable []*UnavailableError
}

// Add records one tool's parse result: findings, or an unavailable database.
// Any other error is returned unchanged (the caller fails).
func (r *Report) Add(findings []Finding, err error) error {
	var unavailable *UnavailableError
	switch {
	case errors.As(err, &unavailable):
		r.Unavailable = append(r.Unavailable, unavailable)
		return nil
	case err != nil:
		return err
	}
	r.Findings = append(r.Findings, findings...)
	return nil
}

// Sorted returns the findings most severe first, then by tool and package.
func (r *Report) Sorted() []Finding {
	out := append([]Finding(nil), r.Findings...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() > b.Severity.rank()
		}
		if a.Tool != b.Tool {
			return a.Tool < b.Tool
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Advisory < b.Advisory
	})
	return out
}

// Table renders the findings as an aligned table (package, advisory,
// severity...), followed by one line per unavailable database and a summary.
func (r *Report) Table() string {
	var b strings.Builder
	switch {
	case len(r.Findings) == 0 && len(r.Unavailable) > 0:
		b.WriteString("not audited: no advisories reported, but an advisory database did not answer (below)\n")
	case len(r.Findings) == 0:
		b.WriteString("no advisories found\n")
	default:
		w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TOOL\tPACKAGE\tVERSION\tADVISORY\tSEVERITY\tTITLE")
		for _, f := range r.Sorted() {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Tool, f.Package, f.Versions, f.Advisory, f.Severity, f.Title)
		}
		_ = w.Flush()
	}
	for _, u := range r.Unavailable {
		fmt.Fprintf(&b, "UNAVAILABLE: %s\n", u.Error())
	}
	fmt.Fprintf(&b, "%d advisories (%s)", len(r.Findings), r.counts())
	if n := len(r.Unavailable); n > 0 {
		fmt.Fprintf(&b, "; %d advisory database(s) unavailable", n)
	}
	b.WriteString("\n")
	return b.String()
}

func (r *Report) counts() string {
	n := map[Severity]int{}
	for _, f := range r.Findings {
		n[f.Severity]++
	}
	var parts []string
	for _, s := range []Severity{SeverityCritical, SeverityHigh, SeverityModerate, SeverityLow, SeverityInfo, SeverityUnknown} {
		parts = append(parts, fmt.Sprintf("%s %d", s, n[s]))
	}
	return strings.Join(parts, ", ")
}

// Gate decides the outcome: an error when any finding is at or above
// threshold, or when an advisory database was unavailable and
// allowUnavailable is false. With allowUnavailable the unavailable databases
// only appear as warnings in Table.
func (r *Report) Gate(threshold Severity, allowUnavailable bool) error {
	var errs []error
	if !allowUnavailable {
		for _, u := range r.Unavailable {
			errs = append(errs, u)
		}
	}
	var failing []string
	for _, f := range r.Sorted() {
		if f.Severity.AtLeast(threshold) {
			failing = append(failing, fmt.Sprintf("%s %s (%s, %s)", f.Tool, f.Package, f.Advisory, f.Severity))
		}
	}
	if len(failing) > 0 {
		errs = append(errs, fmt.Errorf("%d advisories at or above %s: %s", len(failing), threshold, strings.Join(failing, "; ")))
	}
	return errors.Join(errs...)
}
