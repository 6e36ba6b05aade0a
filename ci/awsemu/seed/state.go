package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// StateBucket is the S3 bucket that holds the deploy state (release ledger
// and environment locks) of every seeded environment; the environment files
// name it under state.bucket.
const StateBucket = "bitflow-deploy-state"

// StateStore creates StateBucket (an existing one is kept). Buckets are
// addressed path-style, as endpoint overrides have no per-bucket host names.
func StateStore(ctx context.Context, cfg aws.Config) error {
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = cfg.BaseEndpoint != nil })
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(StateBucket)})
	var owned *s3types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("seed: state bucket %s: %w", StateBucket, err)
	}
	return nil
}
