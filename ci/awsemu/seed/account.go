package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Network is a VPC with two subnets in two availability zones and a
// security group: what an ALB and awsvpc services need.
type Network struct {
	VpcID          string
	Subnets        []string
	SecurityGroups []string
}

// CreateNetwork creates the network through EC2 (for endpoints that check
// that subnets and VPCs exist, like moto_server; the in-repo emulator does
// not serve EC2 and accepts any well-formed ID).
func CreateNetwork(ctx context.Context, cfg aws.Config) (*Network, error) {
	client := ec2.NewFromConfig(cfg)
	vpc, err := client.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.42.0.0/16")})
	if err != nil {
		return nil, fmt.Errorf("seed: vpc: %w", err)
	}
	n := &Network{VpcID: aws.ToString(vpc.Vpc.VpcId)}
	for i, zone := range []string{"a", "b"} {
		sn, err := client.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(n.VpcID),
			CidrBlock: aws.String(fmt.Sprintf("10.42.%d.0/24", i)), AvailabilityZone: aws.String(cfg.Region + zone)})
		if err != nil {
			return nil, fmt.Errorf("seed: subnet %s%s: %w", cfg.Region, zone, err)
		}
		n.Subnets = append(n.Subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	sg, err := client.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(n.VpcID),
		GroupName: aws.String("bitflow-services"), Description: aws.String("Bitflow ALB and services"),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: []ec2types.Tag{{Key: aws.String("project"), Value: aws.String("bitflow")}}}}})
	if err != nil {
		return nil, fmt.Errorf("seed: security group: %w", err)
	}
	n.SecurityGroups = []string{aws.ToString(sg.GroupId)}
	return n, nil
}

// ECSTasksTrust is the trust policy of the task and execution roles.
const ECSTasksTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// CreateRoles creates the environment's execution and task roles, trusted
// by ECS tasks (existing ones are kept).
func CreateRoles(ctx context.Context, cfg aws.Config, env *config.Environment) error {
	client := iam.NewFromConfig(cfg)
	for _, name := range []string{env.Roles.Execution, env.Roles.Task} {
		_, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(ECSTasksTrust),
			Tags: []iamtypes.Tag{{Key: aws.String("project"), Value: aws.String("bitflow")}}})
		var exists *iamtypes.EntityAlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("seed: role %s: %w", name, err)
		}
	}
	return nil
}

// Account seeds a bare account — any endpoint that serves EC2 and IAM, such
// as moto_server — with the network, the roles and then the blue/green
// topology of BlueGreen in that network.
func Account(ctx context.Context, cfg aws.Config, opts BlueGreenOptions) (*Result, *ALB, error) {
	if err := opts.defaults(); err != nil {
		return nil, nil, err
	}
	n, err := CreateNetwork(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	opts.Subnets, opts.SecurityGroups, opts.VpcID = n.Subnets, n.SecurityGroups, n.VpcID
	if err := CreateRoles(ctx, cfg, opts.Env); err != nil {
		return nil, nil, err
	}
	return BlueGreen(ctx, cfg, opts)
}
