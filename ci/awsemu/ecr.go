package awsemu

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ecrState is emulated ECR: repositories holding image manifests by digest,
// with tags pointing at digests. No layers are stored.
type ecrState struct {
	e     *Emulator
	repos map[string]*ecrRepo
}

type ecrRepo struct {
	name       string
	created    time.Time
	mutability types.ImageTagMutability
	scan       *types.ImageScanningConfiguration
	encryption *types.EncryptionConfiguration
	images     map[string]*ecrImage // by digest
	tags       map[string]string    // tag -> digest
}

type ecrImage struct {
	digest, manifest, mediaType string
	pushedAt                    time.Time
	size                        int64
}

var ecrRepoName = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

func newECR(e *Emulator) *ecrState {
	s := &ecrState{e: e, repos: map[string]*ecrRepo{}}
	s.register()
	return s
}

// registryHost is this account's registry, e.g.
// 123456789012.dkr.ecr.us-east-1.amazonaws.com.
func (s *ecrState) registryHost() string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", s.e.account, s.e.region)
}

func (s *ecrState) repoShape(r *ecrRepo) types.Repository {
	return types.Repository{
		RepositoryName: ptr(r.name), RegistryId: ptr(s.e.account), CreatedAt: ptr(r.created),
		RepositoryArn:              ptr(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", s.e.region, s.e.account, r.name)),
		RepositoryUri:              ptr(s.registryHost() + "/" + r.name),
		ImageTagMutability:         r.mutability,
		ImageScanningConfiguration: r.scan, EncryptionConfiguration: r.encryption,
	}
}

// lookupImage resolves an image reference of this registry
// ("<host>/<repo>:<tag>" or "<host>/<repo>@sha256:..."). mine is false for
// other registries; ok tells whether the image exists.
func (s *ecrState) lookupImage(ref string) (img *ecrImage, mine bool) {
	rest, found := strings.CutPrefix(ref, s.registryHost()+"/")
	if !found {
		return nil, false
	}
	name, digest, byDigest := strings.Cut(rest, "@")
	tag := "latest"
	if !byDigest {
		if i := strings.LastIndex(name, ":"); i >= 0 {
			name, tag = name[:i], name[i+1:]
		}
	}
	r := s.repos[name]
	if r == nil {
		return nil, true
	}
	if !byDigest {
		digest = r.tags[tag]
	}
	return r.images[digest], true
}

// imageExists tells ECS whether a container image can be pulled: mine is
// false for images outside this emulator's registry (assumed pullable).
func (s *ecrState) imageExists(ref string) (mine, ok bool) {
	img, mine := s.lookupImage(ref)
	return mine, img != nil
}

// digestFor is the digest a task reports for a container image, or "".
func (s *ecrState) digestFor(ref string) string {
	if img, _ := s.lookupImage(ref); img != nil {
		return img.digest
	}
	return ""
}

// ecrOp registers an ECR action (see ecsOp).
func ecrOp[In any](s *ecrState, action string, run func(in *In) (any, error)) {
	s.e.onJSON("ecr", action, func(body []byte) (any, error) {
		in := new(In)
		if err := decodeJSON(body, in); err != nil {
			return nil, err
		}
		return run(in)
	})
}

func (s *ecrState) repo(name *string, registry *string) (*ecrRepo, error) {
	if registry != nil && *registry != s.e.account {
		return nil, clientError("RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", deref(name), *registry)
	}
	r := s.repos[deref(name)]
	if r == nil {
		return nil, clientError("RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", deref(name), s.e.account)
	}
	return r, nil
}

func (s *ecrState) register() {
	ecrOp(s, "GetAuthorizationToken", func(in *ecr.GetAuthorizationTokenInput) (any, error) {
		password := base64.RawURLEncoding.EncodeToString([]byte(newID(48)))
		return encodeECR(&ecr.GetAuthorizationTokenOutput{AuthorizationData: []types.AuthorizationData{{
			AuthorizationToken: ptr(base64.StdEncoding.EncodeToString([]byte("AWS:" + password))),
			ExpiresAt:          ptr(s.e.Now().Add(12 * time.Hour)),
			ProxyEndpoint:      ptr("https://" + s.registryHost()),
		}}})
	})
	ecrOp(s, "CreateRepository", func(in *ecr.CreateRepositoryInput) (any, error) {
		name := deref(in.RepositoryName)
		if len(name) < 2 || len(name) > 256 || !ecrRepoName.MatchString(name) {
			return nil, invalidParameter("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")
		}
		if s.repos[name] != nil {
			return nil, clientError("RepositoryAlreadyExistsException", "The repository with name '%s' already exists in the registry with id '%s'", name, s.e.account)
		}
		r := &ecrRepo{name: name, created: s.e.Now(), mutability: in.ImageTagMutability, scan: in.ImageScanningConfiguration,
			encryption: in.EncryptionConfiguration, images: map[string]*ecrImage{}, tags: map[string]string{}}
		if r.mutability == "" {
			r.mutability = types.ImageTagMutabilityMutable
		}
		if r.scan == nil {
			r.scan = &types.ImageScanningConfiguration{}
		}
		if r.encryption == nil {
			r.encryption = &types.EncryptionConfiguration{EncryptionType: types.EncryptionTypeAes256}
		}
		s.repos[name] = r
		return encodeECR(&ecr.CreateRepositoryOutput{Repository: ptr(s.repoShape(r))})
	})
	ecrOp(s, "DescribeRepositories", func(in *ecr.DescribeRepositoriesInput) (any, error) {
		names := in.RepositoryNames
		if len(names) == 0 {
			for n := range s.repos {
				names = append(names, n)
			}
			sort.Strings(names)
		}
		out := &ecr.DescribeRepositoriesOutput{Repositories: []types.Repository{}}
		for _, n := range names {
			r, err := s.repo(&n, in.RegistryId)
			if err != nil {
				return nil, err
			}
			out.Repositories = append(out.Repositories, s.repoShape(r))
		}
		return encodeECR(out)
	})
	ecrOp(s, "PutImage", s.putImage)
	ecrOp(s, "BatchGetImage", s.batchGetImage)
	ecrOp(s, "DescribeImages", s.describeImages)
	ecrOp(s, "ListImages", func(in *ecr.ListImagesInput) (any, error) {
		r, err := s.repo(in.RepositoryName, in.RegistryId)
		if err != nil {
			return nil, err
		}
		out := &ecr.ListImagesOutput{ImageIds: []types.ImageIdentifier{}}
		for _, img := range r.sortedImages() {
			tags := r.tagsOf(img.digest)
			if len(tags) == 0 && (in.Filter == nil || in.Filter.TagStatus != types.TagStatusTagged) {
				out.ImageIds = append(out.ImageIds, types.ImageIdentifier{ImageDigest: ptr(img.digest)})
			}
			if in.Filter != nil && in.Filter.TagStatus == types.TagStatusUntagged {
				continue
			}
			for _, t := range tags {
				out.ImageIds = append(out.ImageIds, types.ImageIdentifier{ImageDigest: ptr(img.digest), ImageTag: ptr(t)})
			}
		}
		return encodeECR(out)
	})
}

func (r *ecrRepo) tagsOf(digest string) []string {
	var out []string
	for t, d := range r.tags {
		if d == digest {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

func (r *ecrRepo) sortedImages() []*ecrImage {
	out := make([]*ecrImage, 0, len(r.images))
	for _, img := range r.images {
		out = append(out, img)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].pushedAt.Equal(out[j].pushedAt) {
			return out[i].pushedAt.Before(out[j].pushedAt)
		}
		return out[i].digest < out[j].digest
	})
	return out
}
