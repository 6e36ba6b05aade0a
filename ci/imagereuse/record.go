package imagereuse

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Span is when one step of publishing an image started and finished.
type Span struct {
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
}

// Duration is how long the step took.
func (s Span) Duration() time.Duration { return s.FinishedAt.Sub(s.StartedAt) }

// Published is one image of a publish record: what publish decided (Action
// build: this publish built it; reuse: it retagged what the registry held)
// and when it did it.
type Published struct {
	Image
	// Build is the image's build (built images only).
	Build *Span `json:"build,omitempty"`
	// Push is the push of a built image under its input tag and the release
	// tag, or the retag of a reused one to the release tag.
	Push *Span `json:"push,omitempty"`
}

// Built is true when the record's publish built this image.
func (p Published) Built() bool { return p.Action == Build }

// Record is what one publish run did with each image of a release: the
// machine-readable form of its table (publish --format json), which the
// release summary draws.
type Record struct {
	SHA    string      `json:"sha"`
	Images []Published `json:"images"`
}

// Output formats of publish.
const (
	FormatTable = "table"
	FormatJSON  = "json"
)

// Formats are the output formats publish accepts.
var Formats = []string{FormatTable, FormatJSON}

// CheckFormat accepts one of Formats and names them all otherwise.
func CheckFormat(format string) error {
	if !slices.Contains(Formats, format) {
		return fmt.Errorf("--format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	return nil
}

// Render prints the record in format: the table of WriteTable, or indented
// JSON. An unknown format is an error (CheckFormat).
func (r *Record) Render(format string) (string, error) {
	if err := CheckFormat(format); err != nil {
		return "", err
	}
	if format == FormatJSON {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return "", err
		}
		return string(b) + "\n", nil
	}
	images := make([]Image, len(r.Images))
	for i, p := range r.Images {
		images[i] = p.Image
	}
	var b strings.Builder
	WriteTable(&b, images)
	return b.String(), nil
}

// ParseRecord decodes a publish record (publish --format json).
func ParseRecord(b []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("publish record: %w", err)
	}
	for i, p := range r.Images {
		if p.App == "" {
			return nil, fmt.Errorf("publish record: image %d has no app", i+1)
		}
		if p.Action != Build && p.Action != Reuse {
			return nil, fmt.Errorf("publish record: image %s: action %q, want %s or %s", p.App, p.Action, Build, Reuse)
		}
	}
	return &r, nil
}

// Merge combines the records of one release's publish runs (the build
// matrix's, one app each, and the deploy job's, which retags everything)
// into one, an image per app in the order they first appear. An image
// built in any record is built, with that record's entry (its timings and
// digest): the final publish's "reused" for it only means the matrix had
// pushed it already. An image built by more than one record keeps the one
// pushed last (its digest is what the release tag names). An image no
// record built keeps the last record's entry. Records of different commits
// are refused.
func Merge(records ...*Record) (*Record, error) {
	out := &Record{}
	index := map[string]int{}
	for _, r := range records {
		if r == nil {
			continue
		}
		switch {
		case out.SHA == "":
			out.SHA = r.SHA
		case r.SHA != "" && r.SHA != out.SHA:
			return nil, fmt.Errorf("publish records of two commits: %s and %s", out.SHA, r.SHA)
		}
		for _, p := range r.Images {
			i, seen := index[p.App]
			if !seen {
				index[p.App] = len(out.Images)
				out.Images = append(out.Images, p)
				continue
			}
			if replaces(p, out.Images[i]) {
				out.Images[i] = p
			}
		}
	}
	return out, nil
}

// replaces says whether entry next of an image wins over cur, the one
// merged so far: a build beats a reuse; of two builds the later push wins;
// of two reuses the later record.
func replaces(next, cur Published) bool {
	switch {
	case next.Built() != cur.Built():
		return next.Built()
	case next.Built():
		return pushEnd(next).After(pushEnd(cur))
	default:
		return true
	}
}

func pushEnd(p Published) time.Time {
	if p.Push == nil {
		return time.Time{}
	}
	return p.Push.FinishedAt
}

// Find returns the record's entry of app.
func (r *Record) Find(app string) (Published, bool) {
	if r == nil {
		return Published{}, false
	}
	for _, p := range r.Images {
		if p.App == app {
			return p, true
		}
	}
	return Published{}, false
}
