package imagereuse

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Action is what publish does with one image.
type Action string

// Actions.
const (
	Build Action = "build" // no image with these inputs in the registry: build and push it
	Reuse Action = "reuse" // the registry has it under its input tag: retag, do not build
)

// Image is one image of a release and what to do with it.
type Image struct {
	App        string `json:"app"`
	Repository string `json:"repository"` // REGISTRY/PREFIXapp
	InputTag   string `json:"inputTag"`   // in-<digest>
	Action     Action `json:"action"`
	Digest     string `json:"digest,omitempty"` // manifest digest once pushed or found
}

// Decide marks each image Reuse when present(repository, inputTag) says the
// registry holds it, else Build. The first lookup error stops the decision:
// a registry that cannot be asked must not turn into "build everything"
// silently nor into "reuse" wrongly.
func Decide(images []Image, present func(repository, tag string) (digest string, ok bool, err error)) ([]Image, error) {
	out := make([]Image, len(images))
	for i, img := range images {
		digest, ok, err := present(img.Repository, img.InputTag)
		if err != nil {
			return nil, fmt.Errorf("look up %s:%s: %w", img.Repository, img.InputTag, err)
		}
		img.Action, img.Digest = Build, ""
		if ok {
			img.Action, img.Digest = Reuse, digest
		}
		out[i] = img
	}
	return out, nil
}

// ToBuild lists the apps whose images must be built: the matrix of the
// workflow's fan-out.
func ToBuild(images []Image) []string {
	apps := []string{}
	for _, img := range images {
		if img.Action == Build {
			apps = append(apps, img.App)
		}
	}
	return apps
}

// Matrix is the JSON the workflow's first job hands to the build matrix:
// {"app": [...apps to build...]} plus the full decision.
func Matrix(images []Image) ([]byte, error) {
	return json.Marshal(struct {
		App    []string `json:"app"`
		Images []Image  `json:"images"`
	}{ToBuild(images), images})
}

// WriteTable prints one line per image: app, built or reused, input tag and
// image digest, then the counts.
func WriteTable(w io.Writer, images []Image) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "APP\tIMAGE\tINPUT TAG\tDIGEST")
	built := 0
	for _, img := range images {
		what := "reused"
		if img.Action == Build {
			what, built = "built", built+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", img.App, what, img.InputTag, img.Digest)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%d built, %d reused\n", built, len(images)-built)
}
