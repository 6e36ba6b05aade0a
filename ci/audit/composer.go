package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// composerAdvisory is one entry of `composer audit --format=json`
// (Composer\Advisory\SecurityAdvisory).
type composerAdvisory struct {
	AdvisoryID       string `json:"advisoryId"`
	PackageName      string `json:"packageName"`
	AffectedVersions string `json:"affectedVersions"`
	Title            string `json:"title"`
	CVE              string `json:"cve"`
	Link             string `json:"link"`
	Severity         string `json:"severity"`
	Sources          []struct {
		Name     string `json:"name"`
		RemoteID string `json:"remoteId"`
	} `json:"sources"`
}

// ParseComposer reads the stdout and exit code of
// `composer audit --format=json`. Output that is not the JSON report (Composer
// prints nothing on stdout when Packagist is unreachable and exits 1, the same
// code as "vulnerable") is an *UnavailableError carrying stderr's first lines.
// A non-zero exit with an empty advisory list is also unavailable: Composer
// would only exit non-zero with no advisories if something went wrong.
func ParseComposer(stdout, stderr []byte, exitCode int) ([]Finding, error) {
	var report struct {
		Advisories json.RawMessage `json:"advisories"`
	}
	trimmed := bytes.TrimSpace(stdout)
	if len(trimmed) == 0 || json.Unmarshal(trimmed, &report) != nil || report.Advisories == nil {
		return nil, &UnavailableError{Tool: "composer", Reason: fmt.Sprintf("no JSON report (exit code %d): %s", exitCode, firstLines(stderr, 3))}
	}
	byPackage, err := composerAdvisories(report.Advisories)
	if err != nil {
		return nil, fmt.Errorf("composer audit JSON: %w", err)
	}
	var findings []Finding
	pkgs := make([]string, 0, len(byPackage))
	for p := range byPackage {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		for _, a := range byPackage[p] {
			name := a.PackageName
			if name == "" {
				name = p
			}
			findings = append(findings, Finding{
				Tool:     "composer",
				Package:  name,
				Versions: a.AffectedVersions,
				Advisory: composerAdvisoryID(a),
				Title:    a.Title,
				Severity: severityFromReport(a.Severity),
				URL:      a.Link,
			})
		}
	}
	if exitCode != 0 && len(findings) == 0 {
		return nil, &UnavailableError{Tool: "composer", Reason: fmt.Sprintf("exit code %d with no advisories: %s", exitCode, firstLines(stderr, 3))}
	}
	return findings, nil
}

// composerAdvisories decodes the "advisories" value: PHP encodes an empty map
// as [], and a filtered per-package list can come out as an object keyed by
// index, so both shapes are accepted at both levels.
func composerAdvisories(raw json.RawMessage) (map[string][]composerAdvisory, error) {
	if isEmptyJSONArray(raw) {
		return nil, nil
	}
	var byPackage map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byPackage); err != nil {
		return nil, fmt.Errorf(`"advisories" is neither a map of packages nor []: %w`, err)
	}
	out := make(map[string][]composerAdvisory, len(byPackage))
	for pkg, v := range byPackage {
		var list []composerAdvisory
		if err := json.Unmarshal(v, &list); err != nil {
			var keyed map[string]composerAdvisory
			if err2 := json.Unmarshal(v, &keyed); err2 != nil {
				return nil, fmt.Errorf("advisories of %s: %w", pkg, err)
			}
			keys := make([]string, 0, len(keyed))
			for k := range keyed {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				list = append(list, keyed[k])
			}
		}
		out[pkg] = list
	}
	return out, nil
}

// composerAdvisoryID prefers the CVE, then a GitHub advisory id, then Packagist's id.
func composerAdvisoryID(a composerAdvisory) string {
	if a.CVE != "" {
		return a.CVE
	}
	for _, s := range a.Sources {
		if strings.HasPrefix(s.RemoteID, "GHSA-") {
			return s.RemoteID
		}
	}
	return a.AdvisoryID
}

func isEmptyJSONArray(raw json.RawMessage) bool {
	var arr []json.RawMessage
	return json.Unmarshal(raw, &arr) == nil && len(arr) == 0
}
