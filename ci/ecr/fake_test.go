package ecr

import (
	"context"
	"encoding/base64"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// fakeECR is an in-memory ECR for the pure unit tests (the end-to-end tests
// use the awsemu emulator).
type fakeECR struct {
	mu      sync.Mutex
	repos   map[string]map[string]string // repo -> tag -> digest
	created []string
	token   string
}

func newFake() *fakeECR {
	return &fakeECR{repos: map[string]map[string]string{},
		token: base64.StdEncoding.EncodeToString([]byte("AWS:s3cr3t-registry-password"))}
}

func (f *fakeECR) GetAuthorizationToken(ctx context.Context, in *awsecr.GetAuthorizationTokenInput, _ ...func(*awsecr.Options)) (*awsecr.GetAuthorizationTokenOutput, error) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return &awsecr.GetAuthorizationTokenOutput{AuthorizationData: []types.AuthorizationData{{
		AuthorizationToken: aws.String(f.token),
		ProxyEndpoint:      aws.String("https://123456789012.dkr.ecr.us-east-1.amazonaws.com"),
		ExpiresAt:          &exp,
	}}}, nil
}

func (f *fakeECR) DescribeRepositories(ctx context.Context, in *awsecr.DescribeRepositoriesInput, _ ...func(*awsecr.Options)) (*awsecr.DescribeRepositoriesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &awsecr.DescribeRepositoriesOutput{}
	for _, n := range in.RepositoryNames {
		if _, ok := f.repos[n]; !ok {
			return nil, &types.RepositoryNotFoundException{Message: aws.String("repository " + n + " not found")}
		}
		out.Repositories = append(out.Repositories, types.Repository{RepositoryName: aws.String(n), RepositoryUri: aws.String("reg/" + n)})
	}
	return out, nil
}

func (f *fakeECR) CreateRepository(ctx context.Context, in *awsecr.CreateRepositoryInput, _ ...func(*awsecr.Options)) (*awsecr.CreateRepositoryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := aws.ToString(in.RepositoryName)
	f.repos[n] = map[string]string{}
	f.created = append(f.created, n)
	return &awsecr.CreateRepositoryOutput{Repository: &types.Repository{RepositoryName: in.RepositoryName, RepositoryUri: aws.String("reg/" + n)}}, nil
}

func (f *fakeECR) DescribeImages(ctx context.Context, in *awsecr.DescribeImagesInput, _ ...func(*awsecr.Options)) (*awsecr.DescribeImagesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tags, ok := f.repos[aws.ToString(in.RepositoryName)]
	if !ok {
		return nil, &types.RepositoryNotFoundException{Message: aws.String("no repo")}
	}
	tag := aws.ToString(in.ImageIds[0].ImageTag)
	d, ok := tags[tag]
	if !ok {
		return nil, &types.ImageNotFoundException{Message: aws.String("no image")}
	}
	return &awsecr.DescribeImagesOutput{ImageDetails: []types.ImageDetail{{ImageDigest: aws.String(d), ImageTags: []string{tag}}}}, nil
}
