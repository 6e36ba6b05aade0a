package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// pnpmReport is the npm-audit-v1-shaped report of `pnpm audit --json`.
type pnpmReport struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Advisories map[string]pnpmAdvisory `json:"advisories"`
}

type pnpmAdvisory struct {
	ID                 int    `json:"id"`
	ModuleName         string `json:"module_name"`
	Severity           string `json:"severity"`
	Title              string `json:"title"`
	URL                string `json:"url"`
	GitHubAdvisoryID   string `json:"github_advisory_id"`
	VulnerableVersions string `json:"vulnerable_versions"`
	Findings           []struct {
		Version string `json:"version"`
	} `json:"findings"`
}

// ParsePnpm reads the stdout and exit code of `pnpm audit --json`. pnpm exits
// 1 both when it finds vulnerabilities and when the audit endpoint fails; in
// the latter case it prints {"error": {"code", "message"}}, which becomes an
// *UnavailableError, as does any output without an "advisories" object.
func ParsePnpm(stdout []byte, exitCode int) ([]Finding, error) {
	trimmed := bytes.TrimSpace(stdout)
	var r pnpmReport
	if len(trimmed) == 0 || json.Unmarshal(trimmed, &r) != nil {
		return nil, &UnavailableError{Tool: "pnpm", Reason: fmt.Sprintf("no JSON report (exit code %d): %s", exitCode, firstLines(stdout, 3))}
	}
	if r.Error != nil {
		return nil, &UnavailableError{Tool: "pnpm", Reason: strings.TrimSpace(r.Error.Code + ": " + r.Error.Message)}
	}
	if r.Advisories == nil {
		return nil, &UnavailableError{Tool: "pnpm", Reason: fmt.Sprintf(`report has no "advisories" (exit code %d)`, exitCode)}
	}
	ids := make([]string, 0, len(r.Advisories))
	for id := range r.Advisories {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var findings []Finding
	for _, id := range ids {
		a := r.Advisories[id]
		advisory := a.GitHubAdvisoryID
		if advisory == "" {
			advisory = strconv.Itoa(a.ID)
		}
		var versions []string
		for _, f := range a.Findings {
			if f.Version != "" && !contains(versions, f.Version) {
				versions = append(versions, f.Version)
			}
		}
		v := strings.Join(versions, ", ")
		if v == "" {
			v = a.VulnerableVersions
		}
		findings = append(findings, Finding{
			Tool:     "pnpm",
			Package:  a.ModuleName,
			Versions: v,
			Advisory: advisory,
			Title:    a.Title,
			Severity: severityFromReport(a.Severity),
			URL:      a.URL,
		})
	}
	if exitCode != 0 && len(findings) == 0 {
		return nil, &UnavailableError{Tool: "pnpm", Reason: fmt.Sprintf("exit code %d with no advisories", exitCode)}
	}
	return findings, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
