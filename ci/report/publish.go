package report

import (
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// PublishRecord merges the publish records of m's release (imagereuse.Merge:
// the build matrix's builds survive the deploy job's retag) for
// SummaryMarkdown; nil when there are none. Records of another commit than
// the manifest's are refused (either sha may be the short form).
func PublishRecord(m *manifest.Manifest, records []*imagereuse.Record) (*imagereuse.Record, error) {
	if len(records) == 0 {
		return nil, nil
	}
	pub, err := imagereuse.Merge(records...)
	if err != nil {
		return nil, err
	}
	if !sameCommit(pub.SHA, m.GitSHA) {
		return nil, fmt.Errorf("the publish records are of commit %s, the release manifest of %s", pub.SHA, m.GitSHA)
	}
	return pub, nil
}

// sameCommit is true when a and b name the same commit (one may be
// abbreviated) or either is unknown.
func sameCommit(a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}
