package awsemu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// imageDigestRE is an image digest as ECR stores them.
var imageDigestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// invalidDigest is ECR's answer to a malformed image digest.
func invalidDigest(d string) *APIError {
	return invalidParameter("Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest: %s'", d)
}

// putImage stores a manifest: its digest is sha256 of the manifest bytes.
func (s *ecrState) putImage(in *ecr.PutImageInput) (any, error) {
	r, err := s.repo(in.RepositoryName, in.RegistryId)
	if err != nil {
		return nil, err
	}
	manifest := deref(in.ImageManifest)
	var parsed struct {
		MediaType string `json:"mediaType"`
		Config    struct {
			Size int64 `json:"size"`
		} `json:"config"`
		Layers []struct {
			Size int64 `json:"size"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(manifest), &parsed); err != nil {
		return nil, clientError("InvalidParameterException", "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'")
	}
	if d := deref(in.ImageDigest); d != "" && !imageDigestRE.MatchString(d) {
		return nil, invalidDigest(d)
	}
	sum := sha256.Sum256([]byte(manifest))
	digest := "sha256:" + hex.EncodeToString(sum[:])
	if d := deref(in.ImageDigest); d != "" && d != digest {
		return nil, clientError("ImageDigestDoesNotMatchException", "Provided digest %s does not match the digest of the manifest %s", d, digest)
	}
	tag := deref(in.ImageTag)
	if tag != "" {
		if cur, ok := r.tags[tag]; ok {
			if cur == digest {
				return nil, clientError("ImageAlreadyExistsException", "Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'", digest, tag, r.name, s.e.account)
			}
			if r.mutability == types.ImageTagMutabilityImmutable {
				return nil, clientError("ImageTagAlreadyExistsException", "The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, r.name)
			}
		}
	} else if r.images[digest] != nil {
		return nil, clientError("ImageAlreadyExistsException", "Image with digest '%s' already exists in the repository with name '%s' in registry with id '%s'", digest, r.name, s.e.account)
	}
	mediaType := deref(in.ImageManifestMediaType)
	if mediaType == "" {
		mediaType = parsed.MediaType
	}
	if mediaType == "" {
		mediaType = "application/vnd.docker.distribution.manifest.v2+json"
	}
	img := r.images[digest]
	if img == nil {
		size := parsed.Config.Size
		for _, l := range parsed.Layers {
			size += l.Size
		}
		img = &ecrImage{digest: digest, manifest: manifest, mediaType: mediaType, pushedAt: s.e.Now(), size: size}
		r.images[digest] = img
	}
	if tag != "" {
		r.tags[tag] = digest
	}
	out := types.Image{RegistryId: ptr(s.e.account), RepositoryName: ptr(r.name), ImageManifest: ptr(manifest),
		ImageManifestMediaType: ptr(mediaType), ImageId: &types.ImageIdentifier{ImageDigest: ptr(digest)}}
	if tag != "" {
		out.ImageId.ImageTag = ptr(tag)
	}
	return encodeECR(&ecr.PutImageOutput{Image: &out})
}

// resolve finds an image by tag and/or digest, or says why not.
func (r *ecrRepo) resolve(id types.ImageIdentifier) (*ecrImage, *types.ImageFailure) {
	tag, digest := deref(id.ImageTag), deref(id.ImageDigest)
	fail := func(code types.ImageFailureCode, reason string) (*ecrImage, *types.ImageFailure) {
		return nil, &types.ImageFailure{ImageId: ptr(id), FailureCode: code, FailureReason: ptr(reason)}
	}
	switch {
	case tag == "" && digest == "":
		return fail(types.ImageFailureCodeMissingDigestAndTag, "Missing image digest and tag")
	case digest != "" && !imageDigestRE.MatchString(digest):
		return fail(types.ImageFailureCodeInvalidImageDigest, "Invalid image digest")
	case tag != "":
		d, ok := r.tags[tag]
		if !ok {
			return fail(types.ImageFailureCodeImageNotFound, "Requested image not found")
		}
		if digest != "" && digest != d {
			return fail(types.ImageFailureCodeImageTagDoesNotMatchDigest, "Invalid input: Image Tag does not match Image Digest")
		}
		return r.images[d], nil
	}
	if img := r.images[digest]; img != nil {
		return img, nil
	}
	return fail(types.ImageFailureCodeImageNotFound, "Requested image not found")
}

func (s *ecrState) batchGetImage(in *ecr.BatchGetImageInput) (any, error) {
	r, err := s.repo(in.RepositoryName, in.RegistryId)
	if err != nil {
		return nil, err
	}
	if len(in.ImageIds) == 0 || len(in.ImageIds) > 100 {
		return nil, invalidParameter("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length between 1 and 100'")
	}
	out := &ecr.BatchGetImageOutput{Images: []types.Image{}, Failures: []types.ImageFailure{}}
	for _, id := range in.ImageIds {
		img, fail := r.resolve(id)
		if fail != nil {
			out.Failures = append(out.Failures, *fail)
			continue
		}
		if len(in.AcceptedMediaTypes) > 0 && !contains(in.AcceptedMediaTypes, img.mediaType) {
			out.Failures = append(out.Failures, types.ImageFailure{ImageId: ptr(id), FailureCode: types.ImageFailureCodeImageNotFound,
				FailureReason: ptr("Requested image not found for the accepted media types")})
			continue
		}
		rid := types.ImageIdentifier{ImageDigest: ptr(img.digest), ImageTag: id.ImageTag}
		out.Images = append(out.Images, types.Image{RegistryId: ptr(s.e.account), RepositoryName: ptr(r.name), ImageId: &rid,
			ImageManifest: ptr(img.manifest), ImageManifestMediaType: ptr(img.mediaType)})
	}
	return encodeECR(out)
}

func (s *ecrState) describeImages(in *ecr.DescribeImagesInput) (any, error) {
	r, err := s.repo(in.RepositoryName, in.RegistryId)
	if err != nil {
		return nil, err
	}
	var imgs []*ecrImage
	if len(in.ImageIds) > 0 {
		for _, id := range in.ImageIds {
			img, fail := r.resolve(id)
			if fail != nil && fail.FailureCode == types.ImageFailureCodeInvalidImageDigest {
				return nil, invalidDigest(deref(id.ImageDigest))
			}
			if fail != nil {
				return nil, clientError("ImageNotFoundException", "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
					nullable(id.ImageDigest), nullable(id.ImageTag), r.name, s.e.account)
			}
			imgs = append(imgs, img)
		}
	} else {
		for _, img := range r.sortedImages() {
			tagged := len(r.tagsOf(img.digest)) > 0
			if f := in.Filter; f != nil && (f.TagStatus == types.TagStatusTagged && !tagged || f.TagStatus == types.TagStatusUntagged && tagged) {
				continue
			}
			imgs = append(imgs, img)
		}
	}
	out := &ecr.DescribeImagesOutput{ImageDetails: []types.ImageDetail{}}
	for _, img := range imgs {
		out.ImageDetails = append(out.ImageDetails, types.ImageDetail{
			RegistryId: ptr(s.e.account), RepositoryName: ptr(r.name), ImageDigest: ptr(img.digest),
			ImageTags: r.tagsOf(img.digest), ImageSizeInBytes: ptr(img.size), ImagePushedAt: ptr(img.pushedAt),
			ImageManifestMediaType: ptr(img.mediaType), ArtifactMediaType: ptr("application/vnd.docker.container.image.v1+json"),
			ImageStatus: types.ImageStatusActive,
		})
	}
	return encodeECR(out)
}

func nullable(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
