package seed

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options shape the seeded topology. Zero values take the defaults shown.
type Options struct {
	ImageTag         string   // required: the commit sha every image is tagged with
	Cluster          string   // default Cluster ("bitflow-cluster")
	Subnets          []string // default two private subnets
	SecurityGroups   []string // default one security group
	BackendDesired   int32    // default 2
	FrontendDesired  int32    // default 2
	ExecutionRoleArn string   // default arn:aws:iam::<account>:role/ecsTaskExecutionRole
	TaskRoleArn      string   // default arn:aws:iam::<account>:role/bitflow-task
	// BackendLoadBalancers and FrontendLoadBalancers are attached to the
	// services (target groups must already exist; see alb*.go).
	BackendLoadBalancers  []ecstypes.LoadBalancer
	FrontendLoadBalancers []ecstypes.LoadBalancer
}

// Default network identifiers of the seeded services.
var (
	DefaultSubnets        = []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"}
	DefaultSecurityGroups = []string{"sg-0b1c2d3e4f5a60001"}
)

// Result is what Bitflow created.
type Result struct {
	AccountID       string
	Region          string
	Registry        string            // <account>.dkr.ecr.<region>.amazonaws.com
	ClusterArn      string            //
	ImageTag        string            //
	Repositories    map[string]string // repository name -> URI
	ImageDigests    map[string]string // repository name -> digest of <repo>:<ImageTag>
	TaskDefinitions map[string]string // family -> task definition ARN (revision 1)
	Services        map[string]string // service name -> ARN
	LogGroups       []string
	Subnets         []string
	SecurityGroups  []string
}

var shaTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func (o *Options) defaults(account string) error {
	if !shaTag.MatchString(o.ImageTag) {
		return fmt.Errorf("seed: Options.ImageTag %q is not a valid image tag", o.ImageTag)
	}
	if o.Cluster == "" {
		o.Cluster = Cluster
	}
	if len(o.Subnets) == 0 {
		o.Subnets = DefaultSubnets
	}
	if len(o.SecurityGroups) == 0 {
		o.SecurityGroups = DefaultSecurityGroups
	}
	if o.BackendDesired == 0 {
		o.BackendDesired = 2
	}
	if o.FrontendDesired == 0 {
		o.FrontendDesired = 2
	}
	if o.ExecutionRoleArn == "" {
		o.ExecutionRoleArn = "arn:aws:iam::" + account + ":role/ecsTaskExecutionRole"
	}
	if o.TaskRoleArn == "" {
		o.TaskRoleArn = "arn:aws:iam::" + account + ":role/bitflow-task"
	}
	return nil
}

// Bitflow creates the whole default topology and returns what it created.
// It fails on the first error, naming the resource.
func Bitflow(ctx context.Context, cfg aws.Config, opts Options) (*Result, error) {
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("seed: caller identity: %w", err)
	}
	account := aws.ToString(id.Account)
	if err := opts.defaults(account); err != nil {
		return nil, err
	}
	res := &Result{
		AccountID: account, Region: cfg.Region, ImageTag: opts.ImageTag,
		Registry:     fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", account, cfg.Region),
		Repositories: map[string]string{}, ImageDigests: map[string]string{}, TaskDefinitions: map[string]string{},
		Services: map[string]string{}, Subnets: opts.Subnets, SecurityGroups: opts.SecurityGroups,
	}
	if err := Repositories(ctx, ecr.NewFromConfig(cfg), opts.ImageTag, res); err != nil {
		return nil, err
	}
	if err := LogGroups(ctx, cloudwatchlogs.NewFromConfig(cfg), res); err != nil {
		return nil, err
	}
	if err := StateStore(ctx, cfg); err != nil {
		return nil, err
	}
	ecsClient := ecs.NewFromConfig(cfg)
	cl, err := ecsClient.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(opts.Cluster)})
	if err != nil {
		return nil, fmt.Errorf("seed: cluster %s: %w", opts.Cluster, err)
	}
	res.ClusterArn = aws.ToString(cl.Cluster.ClusterArn)
	for _, in := range TaskDefinitions(res.Registry, opts) {
		out, err := ecsClient.RegisterTaskDefinition(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("seed: task definition %s: %w", aws.ToString(in.Family), err)
		}
		res.TaskDefinitions[aws.ToString(in.Family)] = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	}
	for _, in := range Services(opts) {
		out, err := ecsClient.CreateService(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("seed: service %s: %w", aws.ToString(in.ServiceName), err)
		}
		res.Services[aws.ToString(in.ServiceName)] = aws.ToString(out.Service.ServiceArn)
	}
	return res, nil
}

// Repositories creates bitflow-backend and the 14 portal repositories
// (existing ones are kept) and pushes <repo>:<tag> to each.
func Repositories(ctx context.Context, client *ecr.Client, tag string, res *Result) error {
	repos := append([]string{BackendRepository}, make([]string, 0, len(Apps))...)
	for _, app := range Apps {
		repos = append(repos, AppRepository(app))
	}
	for _, name := range repos {
		out, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{
			RepositoryName: aws.String(name), ImageTagMutability: ecrtypes.ImageTagMutabilityMutable,
			ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true},
		})
		var exists *ecrtypes.RepositoryAlreadyExistsException
		switch {
		case errors.As(err, &exists):
			d, derr := client.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
			if derr != nil {
				return fmt.Errorf("seed: repository %s: %w", name, derr)
			}
			res.Repositories[name] = aws.ToString(d.Repositories[0].RepositoryUri)
		case err != nil:
			return fmt.Errorf("seed: repository %s: %w", name, err)
		default:
			res.Repositories[name] = aws.ToString(out.Repository.RepositoryUri)
		}
		digest, err := PushImage(ctx, client, name, tag)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		res.ImageDigests[name] = digest
	}
	return nil
}

// LogGroups creates /ecs/<family> for the three families (existing ones are
// kept).
func LogGroups(ctx context.Context, client *cloudwatchlogs.Client, res *Result) error {
	for _, fam := range []string{BackendFamily, FrontendFamily, MigrationFamily} {
		name := LogGroup(fam)
		_, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
		var exists *logstypes.ResourceAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("seed: log group %s: %w", name, err)
		}
		res.LogGroups = append(res.LogGroups, name)
	}
	return nil
}
