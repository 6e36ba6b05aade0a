package ecr

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// ImageRef names one image of a release to check.
type ImageRef struct {
	App        string // "backend" or a frontend app
	Repository string // ECR repository name, e.g. bitflow-backend
	Tag        string // usually the git sha
}

// MissingImagesError lists every release image that is not in ECR.
type MissingImagesError struct{ Missing []string } // "repo:tag (reason)"

// Error names every missing image; when they share one tag (a release), the
// tag is said once and the repositories are grouped by reason, so that 15
// missing images still read as one short line.
func (e *MissingImagesError) Error() string {
	var tag string
	var reasons []string
	repos := map[string][]string{}
	for _, m := range e.Missing {
		ref, reason, _ := strings.Cut(m, " (")
		repo, t, _ := strings.Cut(ref, ":")
		if tag != "" && t != tag {
			return fmt.Sprintf("%d release image(s) missing from ECR: %s", len(e.Missing), strings.Join(e.Missing, "; "))
		}
		tag = t
		reason = strings.TrimSuffix(reason, ")")
		if repos[reason] == nil {
			reasons = append(reasons, reason)
		}
		repos[reason] = append(repos[reason], repo)
	}
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = r + ": " + strings.Join(repos[r], ", ")
	}
	return fmt.Sprintf("%d release image(s) missing from ECR at tag %s: %s", len(e.Missing), tag, strings.Join(parts, "; "))
}

// CheckRelease verifies that every image exists by tag and returns each with
// its digest, in the order given; registry is the registry host prefixed to
// repository names. All images are checked (a few at a time) and every
// missing one is reported, not just the first.
func CheckRelease(ctx context.Context, api API, registry string, refs []ImageRef) ([]manifest.Image, error) {
	out := make([]manifest.Image, len(refs))
	problems := make([]string, len(refs))
	var hardErr error
	var mu sync.Mutex
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, r := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			digest, problem, err := describe(ctx, api, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && hardErr == nil {
				hardErr = err
			}
			problems[i] = problem
			out[i] = manifest.Image{App: r.App, Repository: registry + "/" + r.Repository, Tag: r.Tag, Digest: digest}
		}()
	}
	wg.Wait()
	if hardErr != nil {
		return nil, hardErr
	}
	var missing []string
	for _, p := range problems {
		if p != "" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &MissingImagesError{Missing: missing}
	}
	return out, nil
}

// describe returns the digest of repo:tag, or a problem string when the
// image or repository does not exist, or an error for anything else.
func describe(ctx context.Context, api API, r ImageRef) (digest, problem string, err error) {
	res, err := api.DescribeImages(ctx, &awsecr.DescribeImagesInput{
		RepositoryName: aws.String(r.Repository),
		ImageIds:       []types.ImageIdentifier{{ImageTag: aws.String(r.Tag)}},
	})
	var inf *types.ImageNotFoundException
	var rnf *types.RepositoryNotFoundException
	switch {
	case errors.As(err, &inf):
		return "", fmt.Sprintf("%s:%s (image not found)", r.Repository, r.Tag), nil
	case errors.As(err, &rnf):
		return "", fmt.Sprintf("%s:%s (repository not found)", r.Repository, r.Tag), nil
	case err != nil:
		return "", "", fmt.Errorf("ecr DescribeImages %s:%s: %w", r.Repository, r.Tag, err)
	}
	if len(res.ImageDetails) == 0 || aws.ToString(res.ImageDetails[0].ImageDigest) == "" {
		return "", fmt.Sprintf("%s:%s (no digest returned)", r.Repository, r.Tag), nil
	}
	return aws.ToString(res.ImageDetails[0].ImageDigest), "", nil
}
