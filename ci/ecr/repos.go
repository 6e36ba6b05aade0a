package ecr

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// Repository is an ECR repository that exists (or was just created).
type Repository struct {
	Name    string
	URI     string
	Created bool // created by EnsureRepositories
}

// MissingRepositoriesError lists repositories that do not exist.
type MissingRepositoriesError struct{ Names []string }

func (e *MissingRepositoriesError) Error() string {
	return fmt.Sprintf("ECR repositories do not exist: %s (create them or allow creation)", strings.Join(e.Names, ", "))
}

// EnsureRepositories checks that every named repository exists. Missing ones
// are created (image tag immutability, scan on push) when create is true,
// otherwise reported together in a *MissingRepositoriesError.
func EnsureRepositories(ctx context.Context, api API, names []string, create bool) ([]Repository, error) {
	found := map[string]string{}
	// DescribeRepositories fails the whole call if any name is missing, so
	// ask per name: that tells exactly which ones are missing.
	var missing []string
	for _, n := range names {
		out, err := api.DescribeRepositories(ctx, &awsecr.DescribeRepositoriesInput{RepositoryNames: []string{n}})
		var nf *types.RepositoryNotFoundException
		switch {
		case errors.As(err, &nf):
			missing = append(missing, n)
		case err != nil:
			return nil, fmt.Errorf("ecr DescribeRepositories %s: %w", n, err)
		case len(out.Repositories) == 0:
			missing = append(missing, n)
		default:
			found[n] = aws.ToString(out.Repositories[0].RepositoryUri)
		}
	}
	if len(missing) > 0 && !create {
		return nil, &MissingRepositoriesError{Names: missing}
	}
	created := map[string]bool{}
	for _, n := range missing {
		out, err := api.CreateRepository(ctx, &awsecr.CreateRepositoryInput{
			RepositoryName:             aws.String(n),
			ImageTagMutability:         types.ImageTagMutabilityImmutable,
			ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true},
		})
		if err != nil {
			return nil, fmt.Errorf("ecr CreateRepository %s: %w", n, err)
		}
		found[n] = aws.ToString(out.Repository.RepositoryUri)
		created[n] = true
	}
	repos := make([]Repository, 0, len(names))
	for _, n := range names {
		repos = append(repos, Repository{Name: n, URI: found[n], Created: created[n]})
	}
	return repos, nil
}
