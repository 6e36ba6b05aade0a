package seed

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/bitflow-lms/pipeline/ci/config"
)

func awslogs(family, region string) *ecstypes.LogConfiguration {
	return &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
		"awslogs-group": config.LogGroup(family), "awslogs-region": region, "awslogs-stream-prefix": "ecs",
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
func backendContainer(registry, image, name, family string) ecstypes.ContainerDefinition {
	return ecstypes.ContainerDefinition{
		Name: aws.String(name), Image: aws.String(registry + "/" + image), Essential: aws.Bool(true),
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

// portalContainer is one Next.js portal on its port.
func portalContainer(registry, image, family string, c config.Container) ecstypes.ContainerDefinition {
	port := int32(c.Port)
	return ecstypes.ContainerDefinition{
		Name: aws.String(c.Name), Image: aws.String(registry + "/" + image), Essential: aws.Bool(true),
		PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(port), Protocol: ecstypes.TransportProtocolTcp}},
		Environment: []ecstypes.KeyValuePair{
			{Name: aws.String("PORT"), Value: aws.String(strconv.Itoa(c.Port))},
			{Name: aws.String("NEXT_PUBLIC_API_URL"), Value: aws.String("https://api.bitflow.example/api")},
		},
		LogConfiguration: awslogs(family, region(registry)),
	}
}

// TaskDefinitions are the first revisions of every service family of
// Options.Env (the backend: container backend on port 8000; each portal:
// its one container on its apps.json port) and of the migration family (the
// migration container running php artisan migrate --force), FARGATE in
// awsvpc mode with the environment's execution and task roles.
func TaskDefinitions(registry, account string, opts Options) []*ecs.RegisterTaskDefinitionInput {
	env := opts.Env
	base := func(family, cpu, mem string) *ecs.RegisterTaskDefinitionInput {
		return &ecs.RegisterTaskDefinitionInput{
			Family: aws.String(family), NetworkMode: ecstypes.NetworkModeAwsvpc,
			RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			Cpu:                     aws.String(cpu), Memory: aws.String(mem),
			ExecutionRoleArn: aws.String(roleArn(account, env.Roles.Execution)), TaskRoleArn: aws.String(roleArn(account, env.Roles.Task)),
			RuntimePlatform: &ecstypes.RuntimePlatform{CpuArchitecture: ecstypes.CPUArchitectureX8664, OperatingSystemFamily: ecstypes.OSFamilyLinux},
			Tags:            []ecstypes.Tag{{Key: aws.String("project"), Value: aws.String("bitflow")}},
		}
	}
	var out []*ecs.RegisterTaskDefinitionInput
	for _, s := range env.Services {
		fam := s.TaskFamily()
		var in *ecs.RegisterTaskDefinitionInput
		if s.Role == config.RoleBackend {
			in = base(fam, "1024", "2048")
		} else {
			in = base(fam, "512", "1024")
		}
		for _, c := range s.Containers {
			image := env.Repository(c.App) + ":" + opts.ImageTag
			if c.App == config.BackendApp {
				in.ContainerDefinitions = append(in.ContainerDefinitions, backendContainer(registry, image, c.Name, fam))
			} else {
				in.ContainerDefinitions = append(in.ContainerDefinitions, portalContainer(registry, image, fam, c))
			}
		}
		out = append(out, in)
	}
	if !env.Migration.Disabled {
		fam := env.MigrationFamily()
		migration := base(fam, "512", "1024")
		mc := backendContainer(registry, env.Repository(config.BackendApp)+":"+opts.ImageTag, env.Migration.Container, fam)
		mc.Command = env.Migration.Command
		mc.PortMappings, mc.HealthCheck = nil, nil
		migration.ContainerDefinitions = []ecstypes.ContainerDefinition{mc}
		out = append(out, migration)
	}
	return out
}

// Services are the environment's services: FARGATE, awsvpc in the given
// subnets and security groups, rolling updates with the deployment circuit
// breaker (enable, rollback), each attached to its target group (ARNs from
// targetGroups, by name) through its container with a port.
func Services(opts Options, targetGroups map[string]string) []*ecs.CreateServiceInput {
	var out []*ecs.CreateServiceInput
	for _, s := range opts.Env.Services {
		desired := opts.FrontendDesired
		var lbs []ecstypes.LoadBalancer
		if s.Role == config.RoleBackend {
			desired = opts.BackendDesired
			lbs = append(lbs, opts.BackendLoadBalancers...)
		}
		if c := s.PortContainer(); s.TargetGroup != "" && c != nil {
			lbs = append(lbs, ecstypes.LoadBalancer{TargetGroupArn: aws.String(targetGroups[s.TargetGroup]), ContainerName: aws.String(c.Name), ContainerPort: aws.Int32(int32(c.Port))})
		}
		in := &ecs.CreateServiceInput{
			Cluster: aws.String(opts.Env.Cluster), ServiceName: aws.String(s.Name), TaskDefinition: aws.String(s.TaskFamily()),
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
		out = append(out, in)
	}
	return out
}

func roleArn(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

func region(registry string) string {
	_, r := registryParts(registry)
	return r
}
