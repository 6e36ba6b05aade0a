package awsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

const testManifest = `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":100,"digest":"sha256:aa"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":900,"digest":"sha256:bb"}]}`

func TestECRAuthRepositoriesAndImages(t *testing.T) {
	te := newTestEnv(t, Timing{})
	ctx := te.ctx
	auth, err := te.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	ad := auth.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(*ad.AuthorizationToken)
	user, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || user != "AWS" || len(pass) < 32 {
		t.Fatalf("token decodes to user %q (password %d chars): %v", user, len(pass), err)
	}
	if *ad.ProxyEndpoint != "https://123456789012.dkr.ecr.us-east-1.amazonaws.com" || !ad.ExpiresAt.Equal(testStart.Add(12*time.Hour)) {
		t.Fatalf("proxy %s expires %v", *ad.ProxyEndpoint, ad.ExpiresAt)
	}

	_, err = te.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"bitflow-backend"}})
	var rnf *types.RepositoryNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("missing repo: %v", err)
	}
	for _, name := range []string{"bitflow-backend", "immutable"} {
		mut := types.ImageTagMutabilityMutable
		if name == "immutable" {
			mut = types.ImageTagMutabilityImmutable
		}
		out, err := te.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name), ImageTagMutability: mut})
		if err != nil {
			t.Fatal(err)
		}
		if *out.Repository.RepositoryUri != "123456789012.dkr.ecr.us-east-1.amazonaws.com/"+name {
			t.Fatalf("uri %s", *out.Repository.RepositoryUri)
		}
	}
	_, err = te.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("bitflow-backend")})
	var exists *types.RepositoryAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate repo: %v", err)
	}

	put, err := te.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("bitflow-backend"), ImageTag: aws.String("abc123"), ImageManifest: aws.String(testManifest)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(testManifest))
	digest := "sha256:" + hex.EncodeToString(sum[:])
	if *put.Image.ImageId.ImageDigest != digest {
		t.Fatalf("digest %s, want sha256 of the manifest %s", *put.Image.ImageId.ImageDigest, digest)
	}

	// DescribeImages by tag and by digest; unknown tag is ImageNotFoundException.
	for _, id := range []types.ImageIdentifier{{ImageTag: aws.String("abc123")}, {ImageDigest: aws.String(digest)}} {
		out, err := te.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("bitflow-backend"), ImageIds: []types.ImageIdentifier{id}})
		if err != nil {
			t.Fatal(err)
		}
		d := out.ImageDetails[0]
		if *d.ImageDigest != digest || d.ImageTags[0] != "abc123" || *d.ImageSizeInBytes != 1000 || !d.ImagePushedAt.Equal(testStart) {
			t.Fatalf("image detail %+v", d)
		}
	}
	_, err = te.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("bitflow-backend"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("nope")}}})
	var inf *types.ImageNotFoundException
	if !errors.As(err, &inf) || !strings.Contains(inf.ErrorMessage(), "imageTag:'nope'") {
		t.Fatalf("missing tag: %v", err)
	}

	got, err := te.ecr.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("bitflow-backend"), ImageIds: []types.ImageIdentifier{
		{ImageTag: aws.String("abc123")}, {ImageTag: aws.String("nope")}, {ImageTag: aws.String("abc123"), ImageDigest: aws.String("sha256:" + strings.Repeat("0", 64))}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Images) != 1 || *got.Images[0].ImageManifest != testManifest || len(got.Failures) != 2 ||
		got.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound || got.Failures[1].FailureCode != types.ImageFailureCodeImageTagDoesNotMatchDigest {
		t.Fatalf("batch get: images %d failures %+v", len(got.Images), got.Failures)
	}

	// Mutable: the tag moves; immutable: ImageTagAlreadyExistsException.
	other := strings.Replace(testManifest, `"size":900`, `"size":901`, 1)
	if _, err := te.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("bitflow-backend"), ImageTag: aws.String("abc123"), ImageManifest: aws.String(other)}); err != nil {
		t.Fatalf("mutable retag: %v", err)
	}
	if _, err := te.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("immutable"), ImageTag: aws.String("v1"), ImageManifest: aws.String(testManifest)}); err != nil {
		t.Fatal(err)
	}
	_, err = te.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("immutable"), ImageTag: aws.String("v1"), ImageManifest: aws.String(other)})
	var taken *types.ImageTagAlreadyExistsException
	if !errors.As(err, &taken) {
		t.Fatalf("immutable retag: %v", err)
	}
	_, err = te.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("immutable"), ImageTag: aws.String("v1"), ImageManifest: aws.String(testManifest)})
	var same *types.ImageAlreadyExistsException
	if !errors.As(err, &same) {
		t.Fatalf("same image again: %v", err)
	}
	list, err := te.ecr.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("bitflow-backend")})
	if err != nil || len(list.ImageIds) != 2 {
		t.Fatalf("list images (one tagged, one now untagged): %+v %v", list, err)
	}
}
