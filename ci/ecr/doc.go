// Package ecr is the deploy brain's view of Amazon ECR: registry login
// credentials for the image push, repository existence (optionally creating
// them), and the release check that every image exists by tag, returning the
// digests the task definitions are pinned to.
package ecr

import (
	"context"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
)

// API is the subset of the ECR client this package calls (*awsecr.Client
// implements it).
type API interface {
	GetAuthorizationToken(ctx context.Context, in *awsecr.GetAuthorizationTokenInput, optFns ...func(*awsecr.Options)) (*awsecr.GetAuthorizationTokenOutput, error)
	DescribeRepositories(ctx context.Context, in *awsecr.DescribeRepositoriesInput, optFns ...func(*awsecr.Options)) (*awsecr.DescribeRepositoriesOutput, error)
	CreateRepository(ctx context.Context, in *awsecr.CreateRepositoryInput, optFns ...func(*awsecr.Options)) (*awsecr.CreateRepositoryOutput, error)
	DescribeImages(ctx context.Context, in *awsecr.DescribeImagesInput, optFns ...func(*awsecr.Options)) (*awsecr.DescribeImagesOutput, error)
}

var _ API = (*awsecr.Client)(nil)
