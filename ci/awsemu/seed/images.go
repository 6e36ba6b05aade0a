package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ManifestMediaType is the media type of the manifests PushImage writes.
const ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json"

// SyntheticManifest is a Docker v2 image manifest whose config and layer
// digests derive from repo and tag, so each (repo, tag) gets its own
// distinct, stable image digest.
func SyntheticManifest(repo, tag string) string {
	h := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	m := map[string]any{
		"schemaVersion": 2,
		"mediaType":     ManifestMediaType,
		"config": map[string]any{
			"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": h("config/" + repo + ":" + tag),
		},
		"layers": []map[string]any{
			{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32654, "digest": h("layer0/" + repo)},
			{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 16724, "digest": h("layer1/" + repo + ":" + tag)},
		},
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// PushImage puts a synthetic manifest for repo:tag (what `docker push` leaves
// in ECR) and returns its digest. Pushing the same repo:tag again returns
// the existing digest.
func PushImage(ctx context.Context, client *ecr.Client, repo, tag string) (string, error) {
	manifest := SyntheticManifest(repo, tag)
	out, err := client.PutImage(ctx, &ecr.PutImageInput{
		RepositoryName: aws.String(repo), ImageTag: aws.String(tag),
		ImageManifest: aws.String(manifest), ImageManifestMediaType: aws.String(ManifestMediaType),
	})
	var exists *ecrtypes.ImageAlreadyExistsException
	if errors.As(err, &exists) {
		sum := sha256.Sum256([]byte(manifest))
		return "sha256:" + hex.EncodeToString(sum[:]), nil
	}
	if err != nil {
		return "", fmt.Errorf("push %s:%s: %w", repo, tag, err)
	}
	return aws.ToString(out.Image.ImageId.ImageDigest), nil
}
