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
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Options shape the seeded topology. Zero values take the defaults shown.
type Options struct {
	ImageTag string // required: the commit sha every image is tagged with
	// Env names everything created: repositories, cluster, the services with
	// their families, containers, ports, target groups and listener rules,
	// the migration family, log groups and roles (default DefaultEnvironment:
	// ci/environments/emulator.yaml, 15 services).
	Env             *config.Environment
	Subnets         []string // default two private subnets
	SecurityGroups  []string // default one security group
	VpcID           string   // the target groups' VPC (default vpc-0emulator)
	BackendDesired  int32    // default 2
	FrontendDesired int32    // tasks of each portal service (default 2)
	// BackendLoadBalancers are attached to the backend service in addition
	// to its configured target group (target groups must already exist).
	BackendLoadBalancers []ecstypes.LoadBalancer
}

// Default network identifiers of the seeded services (AWS's formats:
// subnet-/sg- and 17 hex digits).
var (
	DefaultSubnets        = []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"}
	DefaultSecurityGroups = []string{"sg-0b1c2d3e4f5a60001"}
	DefaultVpcID          = "vpc-0emulator"
)

// Result is what Bitflow created.
type Result struct {
	Env             *config.Environment // the environment the names came from
	AccountID       string
	Region          string
	Registry        string            // <account>.dkr.ecr.<region>.amazonaws.com
	ClusterArn      string            //
	ImageTag        string            //
	Repositories    map[string]string // repository name -> URI
	ImageDigests    map[string]string // repository name -> digest of <repo>:<ImageTag>
	TaskDefinitions map[string]string // family -> task definition ARN (revision 1)
	Services        map[string]string // service name -> ARN
	TargetGroups    map[string]string // target group name -> ARN
	LoadBalancerArn string            // "" when no service is behind a load balancer
	ListenerArn     string            // the listener holding the services' rules
	LogGroups       []string
	Subnets         []string
	SecurityGroups  []string
}

var shaTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func (o *Options) defaults() error {
	if !shaTag.MatchString(o.ImageTag) {
		return fmt.Errorf("seed: Options.ImageTag %q is not a valid image tag", o.ImageTag)
	}
	if o.Env == nil {
		env, _, err := DefaultEnvironment()
		if err != nil {
			return err
		}
		o.Env = env
	}
	if len(o.Subnets) == 0 {
		o.Subnets = DefaultSubnets
	}
	if len(o.SecurityGroups) == 0 {
		o.SecurityGroups = DefaultSecurityGroups
	}
	if o.VpcID == "" {
		o.VpcID = DefaultVpcID
	}
	if o.BackendDesired == 0 {
		o.BackendDesired = 2
	}
	if o.FrontendDesired == 0 {
		o.FrontendDesired = 2
	}
	return nil
}

// Bitflow creates the whole topology of Options.Env and returns what it
// created: repositories with an image tagged ImageTag, log groups, the
// cluster, the load balancer's target groups and listener rules, one task
// definition per service family plus the migration family, and the services
// attached to their target groups. It fails on the first error, naming the
// resource.
func Bitflow(ctx context.Context, cfg aws.Config, opts Options) (*Result, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("seed: caller identity: %w", err)
	}
	account := aws.ToString(id.Account)
	env := opts.Env
	res := &Result{
		Env: env, AccountID: account, Region: cfg.Region, ImageTag: opts.ImageTag,
		Registry:     fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", account, cfg.Region),
		Repositories: map[string]string{}, ImageDigests: map[string]string{}, TaskDefinitions: map[string]string{},
		Services: map[string]string{}, TargetGroups: map[string]string{}, Subnets: opts.Subnets, SecurityGroups: opts.SecurityGroups,
	}
	var repos []string
	for _, app := range env.AppsDeployed() {
		repos = append(repos, env.Repository(app))
	}
	if err := Repositories(ctx, ecr.NewFromConfig(cfg), repos, opts.ImageTag, res); err != nil {
		return nil, err
	}
	if err := LogGroups(ctx, cloudwatchlogs.NewFromConfig(cfg), env.LogGroups(), res); err != nil {
		return nil, err
	}
	if err := StateStore(ctx, cfg); err != nil {
		return nil, err
	}
	ecsClient := ecs.NewFromConfig(cfg)
	cl, err := ecsClient.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(env.Cluster)})
	if err != nil {
		return nil, fmt.Errorf("seed: cluster %s: %w", env.Cluster, err)
	}
	res.ClusterArn = aws.ToString(cl.Cluster.ClusterArn)
	if err := Balancer(ctx, elb.NewFromConfig(cfg), env, opts, res); err != nil {
		return nil, err
	}
	for _, in := range TaskDefinitions(res.Registry, account, opts) {
		out, err := ecsClient.RegisterTaskDefinition(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("seed: task definition %s: %w", aws.ToString(in.Family), err)
		}
		res.TaskDefinitions[aws.ToString(in.Family)] = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	}
	for _, in := range Services(opts, res.TargetGroups) {
		out, err := ecsClient.CreateService(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("seed: service %s: %w", aws.ToString(in.ServiceName), err)
		}
		res.Services[aws.ToString(in.ServiceName)] = aws.ToString(out.Service.ServiceArn)
	}
	return res, nil
}

// Repositories creates the repositories (existing ones are kept) and pushes
// <repo>:<tag> to each.
func Repositories(ctx context.Context, client *ecr.Client, repos []string, tag string, res *Result) error {
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

// LogGroups creates the log groups (existing ones are kept).
func LogGroups(ctx context.Context, client *cloudwatchlogs.Client, names []string, res *Result) error {
	for _, name := range names {
		_, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
		var exists *logstypes.ResourceAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("seed: log group %s: %w", name, err)
		}
		res.LogGroups = append(res.LogGroups, name)
	}
	return nil
}
