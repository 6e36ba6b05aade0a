package ecr

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// Release is one image tag found in an environment's repositories.
type Release struct {
	Tag      string
	PushedAt time.Time // newest push of the tag over the repositories
	Apps     int       // how many of the repositories hold the tag
}

// notReleaseTag reports tags that name no release: the moving "latest" and
// the input-digest tags (in-<digest>) of image reuse.
func notReleaseTag(tag string) bool { return tag == "latest" || strings.HasPrefix(tag, "in-") }

// Releases lists the release tags of repos (read-only DescribeImages, every
// page), newest first. A missing repository is an error naming it.
func Releases(ctx context.Context, api API, repos []string) ([]Release, error) {
	byTag := map[string]*Release{}
	for _, repo := range repos {
		p := awsecr.NewDescribeImagesPaginator(api, &awsecr.DescribeImagesInput{
			RepositoryName: aws.String(repo),
			Filter:         &types.DescribeImagesFilter{TagStatus: types.TagStatusTagged},
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe images of %s: %w", repo, err)
			}
			for _, d := range page.ImageDetails {
				for _, tag := range d.ImageTags {
					if notReleaseTag(tag) {
						continue
					}
					r := byTag[tag]
					if r == nil {
						r = &Release{Tag: tag}
						byTag[tag] = r
					}
					r.Apps++
					if d.ImagePushedAt != nil && d.ImagePushedAt.After(r.PushedAt) {
						r.PushedAt = *d.ImagePushedAt
					}
				}
			}
		}
	}
	out := make([]Release, 0, len(byTag))
	for _, r := range byTag {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].PushedAt.Equal(out[j].PushedAt) {
			return out[i].PushedAt.After(out[j].PushedAt)
		}
		return out[i].Tag < out[j].Tag
	})
	return out, nil
}

// WriteReleases prints releases as a table; of is the number of apps a
// complete (deployable) release has.
func WriteReleases(w io.Writer, releases []Release, of int) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tPUSHED\tAPPS\tDEPLOYABLE")
	for _, r := range releases {
		ok := "yes"
		if r.Apps < of {
			ok = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", r.Tag, r.PushedAt.UTC().Format(time.RFC3339), r.Apps, of, ok)
	}
	_ = tw.Flush()
	if len(releases) == 0 {
		fmt.Fprintln(w, "no releases")
	}
}
