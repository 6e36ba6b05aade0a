package imagereuse

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ECRAPI is the part of the ECR client reuse needs (*ecr.Client implements it).
type ECRAPI interface {
	BatchGetImage(ctx context.Context, in *awsecr.BatchGetImageInput, optFns ...func(*awsecr.Options)) (*awsecr.BatchGetImageOutput, error)
	PutImage(ctx context.Context, in *awsecr.PutImageInput, optFns ...func(*awsecr.Options)) (*awsecr.PutImageOutput, error)
}

var _ ECRAPI = (*awsecr.Client)(nil)

// ECRImage is a manifest found in ECR.
type ECRImage struct {
	Digest, Manifest, MediaType string
}

// manifestTypes are the manifest media types publish pushes (and ECR may hold).
var manifestTypes = []string{
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
}

// ECRFind returns the image tagged tag in repository, ok=false when the
// repository has no such tag. A missing repository is an error: publish
// pushes only to repositories that exist.
func ECRFind(ctx context.Context, api ECRAPI, repository, tag string) (ECRImage, bool, error) {
	out, err := api.BatchGetImage(ctx, &awsecr.BatchGetImageInput{
		RepositoryName:     aws.String(repository),
		ImageIds:           []types.ImageIdentifier{{ImageTag: aws.String(tag)}},
		AcceptedMediaTypes: manifestTypes,
	})
	if err != nil {
		return ECRImage{}, false, fmt.Errorf("BatchGetImage %s:%s: %w", repository, tag, err)
	}
	for _, f := range out.Failures {
		if f.FailureCode == types.ImageFailureCodeImageTagDoesNotMatchDigest || f.FailureCode == types.ImageFailureCodeImageNotFound {
			return ECRImage{}, false, nil
		}
		return ECRImage{}, false, fmt.Errorf("BatchGetImage %s:%s: %s: %s", repository, tag, f.FailureCode, aws.ToString(f.FailureReason))
	}
	if len(out.Images) == 0 {
		return ECRImage{}, false, nil
	}
	img := out.Images[0]
	return ECRImage{
		Digest:    aws.ToString(img.ImageId.ImageDigest),
		Manifest:  aws.ToString(img.ImageManifest),
		MediaType: aws.ToString(img.ImageManifestMediaType),
	}, true, nil
}

// ECRRetag puts img's manifest under tag in repository (ECR PutImage with the
// same manifest: no layer moves, nothing is built). A tag already on that
// very image is success, so a retried publish is harmless.
func ECRRetag(ctx context.Context, api ECRAPI, repository string, img ECRImage, tag string) error {
	_, err := api.PutImage(ctx, &awsecr.PutImageInput{
		RepositoryName:         aws.String(repository),
		ImageTag:               aws.String(tag),
		ImageManifest:          aws.String(img.Manifest),
		ImageManifestMediaType: aws.String(img.MediaType),
		ImageDigest:            aws.String(img.Digest),
	})
	var exists *types.ImageAlreadyExistsException
	if errors.As(err, &exists) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("PutImage %s:%s: %w", repository, tag, err)
	}
	return nil
}
