package seed

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func awslogs(family, region string) *ecstypes.LogConfiguration {
	return &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
		"awslogs-group": LogGroup(family), "awslogs-region": region, "awslogs-stream-prefix": "ecs",
	}}
}

// registryParts reads the account and region out of a registry host
// (<account>.dkr.ecr.<region>.amazonaws.com).
func registryParts(registry string) (account, region string) {
	parts := strings.Split(registry, ".")
	if len(parts) < 4 {
		return "", ""
	}
	return parts[0], parts[3]
}

// secretArn is a Secrets Manager ARN in the registry's account and region.
func secretArn(registry, name string) string {
	account, region := registryParts(registry)
	return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name
}

// backendContainer is the Laravel API container, shared by the backend and
// migration families.
func backendContainer(registry, tag, family string) ecstypes.ContainerDefinition {
	return ecstypes.ContainerDefinition{
		Name: aws.String(BackendContainer), Image: aws.String(registry + "/" + BackendRepository + ":" + tag), Essential: aws.Bool(true),
		PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(BackendPort), Protocol: ecstypes.TransportProtocolTcp, Name: aws.String("http")}},
		Environment: []ecstypes.KeyValuePair{
			{Name: aws.String("APP_ENV"), Value: aws.String("production")},
			{Name: aws.String("DB_CONNECTION"), Value: aws.String("pgsql")},
			{Name: aws.String("CACHE_DRIVER"), Value: aws.String("redis")},
		},
		Secrets: []ecstypes.Secret{
			{Name: aws.String("DB_PASSWORD"), ValueFrom: aws.String(secretArn(registry, "bitflow/production/db-password"))},
			{Name: aws.String("APP_KEY"), ValueFrom: aws.String(secretArn(registry, "bitflow/production/app-key"))},
		},
		HealthCheck: &ecstypes.HealthCheck{
			Command:  []string{"CMD-SHELL", "curl -fsS http://localhost:8000/api/health || exit 1"},
			Interval: aws.Int32(30), Timeout: aws.Int32(5), Retries: aws.Int32(3), StartPeriod: aws.Int32(60),
		},
		Ulimits:          []ecstypes.Ulimit{{Name: ecstypes.UlimitNameNofile, SoftLimit: 65536, HardLimit: 65536}},
		LogConfiguration: awslogs(family, region(registry)),
	}
}

// TaskDefinitions are the three families' first revisions: bitflow-backend
// (container "backend", port 8000), bitflow-frontend (one container per
// portal named after it, ports 3001..3014) and bitflow-migration
// (container "backend" running php artisan migrate --force).
func TaskDefinitions(registry string, opts Options) []*ecs.RegisterTaskDefinitionInput {
	base := func(family, cpu, mem string) *ecs.RegisterTaskDefinitionInput {
		return &ecs.RegisterTaskDefinitionInput{
			Family: aws.String(family), NetworkMode: ecstypes.NetworkModeAwsvpc,
			RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			Cpu:                     aws.String(cpu), Memory: aws.String(mem),
			ExecutionRoleArn: aws.String(opts.ExecutionRoleArn), TaskRoleArn: aws.String(opts.TaskRoleArn),
			RuntimePlatform: &ecstypes.RuntimePlatform{CpuArchitecture: ecstypes.CPUArchitectureX8664, OperatingSystemFamily: ecstypes.OSFamilyLinux},
			Tags:            []ecstypes.Tag{{Key: aws.String("project"), Value: aws.String("bitflow")}},
		}
	}
	backend := base(BackendFamily, "1024", "2048")
	backend.ContainerDefinitions = []ecstypes.ContainerDefinition{backendContainer(registry, opts.ImageTag, BackendFamily)}

	frontend := base(FrontendFamily, "4096", "8192")
	for i, app := range Apps {
		port := AppPort(i)
		frontend.ContainerDefinitions = append(frontend.ContainerDefinitions, ecstypes.ContainerDefinition{
			Name: aws.String(app), Image: aws.String(registry + "/" + AppRepository(app) + ":" + opts.ImageTag), Essential: aws.Bool(true),
			Cpu: 256, MemoryReservation: aws.Int32(512),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(port), Protocol: ecstypes.TransportProtocolTcp}},
			Environment: []ecstypes.KeyValuePair{
				{Name: aws.String("PORT"), Value: aws.String(itoa(int(port)))},
				{Name: aws.String("NEXT_PUBLIC_API_URL"), Value: aws.String("https://api.bitflow.example/api")},
			},
			LogConfiguration: awslogs(FrontendFamily, region(registry)),
		})
	}

	migration := base(MigrationFamily, "512", "1024")
	mc := backendContainer(registry, opts.ImageTag, MigrationFamily)
	mc.Command = MigrationCommand
	mc.PortMappings, mc.HealthCheck = nil, nil
	migration.ContainerDefinitions = []ecstypes.ContainerDefinition{mc}
	return []*ecs.RegisterTaskDefinitionInput{backend, frontend, migration}
}

// Services are bitflow-backend and bitflow-frontend: FARGATE, awsvpc in the
// given subnets and security groups, rolling updates with the deployment
// circuit breaker (enable, rollback).
func Services(opts Options) []*ecs.CreateServiceInput {
	svc := func(name, family string, desired int32, lbs []ecstypes.LoadBalancer) *ecs.CreateServiceInput {
		in := &ecs.CreateServiceInput{
			Cluster: aws.String(opts.Cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(family),
			DesiredCount: aws.Int32(desired), LaunchType: ecstypes.LaunchTypeFargate, PlatformVersion: aws.String("LATEST"),
			NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
				Subnets: opts.Subnets, SecurityGroups: opts.SecurityGroups, AssignPublicIp: ecstypes.AssignPublicIpDisabled,
			}},
			DeploymentConfiguration: &ecstypes.DeploymentConfiguration{
				MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(100),
				DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true},
			},
			LoadBalancers:        lbs,
			PropagateTags:        ecstypes.PropagateTagsService,
			EnableECSManagedTags: true,
			Tags:                 []ecstypes.Tag{{Key: aws.String("project"), Value: aws.String("bitflow")}},
		}
		if len(lbs) > 0 {
			in.HealthCheckGracePeriodSeconds = aws.Int32(60)
		}
		return in
	}
	return []*ecs.CreateServiceInput{
		svc(BackendService, BackendFamily, opts.BackendDesired, opts.BackendLoadBalancers),
		svc(FrontendService, FrontendFamily, opts.FrontendDesired, opts.FrontendLoadBalancers),
	}
}

func region(registry string) string {
	_, r := registryParts(registry)
	return r
}
