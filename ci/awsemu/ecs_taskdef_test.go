package awsemu

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// fullTaskDefinition uses a wide spread of RegisterTaskDefinition's fields.
func fullTaskDefinition() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("full"), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("1024"), Memory: aws.String("2048"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"), TaskRoleArn: aws.String("arn:aws:iam::123456789012:role/task"),
		RuntimePlatform:  &types.RuntimePlatform{CpuArchitecture: types.CPUArchitectureArm64, OperatingSystemFamily: types.OSFamilyLinux},
		EphemeralStorage: &types.EphemeralStorage{SizeInGiB: 40},
		Volumes: []types.Volume{{Name: aws.String("shared"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{
			FileSystemId: aws.String("fs-1234"), TransitEncryption: types.EFSTransitEncryptionEnabled}}},
		PidMode: types.PidModeTask, EnableFaultInjection: aws.Bool(true),
		ProxyConfiguration: &types.ProxyConfiguration{ContainerName: aws.String("envoy"), Type: types.ProxyConfigurationTypeAppmesh,
			Properties: []types.KeyValuePair{{Name: aws.String("AppPorts"), Value: aws.String("8000")}}},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("backend"), Image: aws.String("repo/backend:1"), Essential: aws.Bool(true), Cpu: 512,
			Memory: aws.Int32(1024), MemoryReservation: aws.Int32(512), Command: []string{"php-fpm"}, EntryPoint: []string{"/init"},
			WorkingDirectory: aws.String("/var/www"), User: aws.String("www-data"), ReadonlyRootFilesystem: aws.Bool(true),
			StartTimeout: aws.Int32(120), StopTimeout: aws.Int32(30), Privileged: aws.Bool(false), Interactive: aws.Bool(false),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8000), HostPort: aws.Int32(8000), Protocol: types.TransportProtocolTcp,
				Name: aws.String("http"), AppProtocol: types.ApplicationProtocolHttp}},
			Environment:      []types.KeyValuePair{{Name: aws.String("APP_ENV"), Value: aws.String("production")}},
			EnvironmentFiles: []types.EnvironmentFile{{Type: types.EnvironmentFileTypeS3, Value: aws.String("arn:aws:s3:::bucket/app.env")}},
			Secrets:          []types.Secret{{Name: aws.String("DB_PASSWORD"), ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")}},
			HealthCheck: &types.HealthCheck{Command: []string{"CMD-SHELL", "curl -f localhost:8000/health"}, Interval: aws.Int32(10),
				Timeout: aws.Int32(5), Retries: aws.Int32(3), StartPeriod: aws.Int32(30)},
			DependsOn:       []types.ContainerDependency{{ContainerName: aws.String("envoy"), Condition: types.ContainerConditionHealthy}},
			MountPoints:     []types.MountPoint{{SourceVolume: aws.String("shared"), ContainerPath: aws.String("/data"), ReadOnly: aws.Bool(true)}},
			Ulimits:         []types.Ulimit{{Name: types.UlimitNameNofile, SoftLimit: 1024, HardLimit: 4096}},
			LinuxParameters: &types.LinuxParameters{InitProcessEnabled: aws.Bool(true), Capabilities: &types.KernelCapabilities{Drop: []string{"NET_RAW"}}},
			DockerLabels:    map[string]string{"com.example": "yes"},
			SystemControls:  []types.SystemControl{{Namespace: aws.String("net.core.somaxconn"), Value: aws.String("1024")}},
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/ecs/full", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"},
				SecretOptions: []types.Secret{{Name: aws.String("token"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:123456789012:parameter/t")}}},
			RepositoryCredentials: &types.RepositoryCredentials{CredentialsParameter: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:reg")},
			VersionConsistency:    types.VersionConsistencyDisabled,
		}, {
			Name: aws.String("envoy"), Image: aws.String("public.ecr.aws/appmesh/aws-appmesh-envoy:v1"), Essential: aws.Bool(false),
			FirelensConfiguration: &types.FirelensConfiguration{Type: types.FirelensConfigurationTypeFluentbit, Options: map[string]string{"enable-ecs-log-metadata": "true"}},
		}},
	}
}

func TestTaskDefinitionRoundTripsEveryField(t *testing.T) {
	te := newTestEnv(t, Timing{})
	in := fullTaskDefinition()
	reg, err := te.ecs.RegisterTaskDefinition(te.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if reg.TaskDefinition.Revision != 1 || *reg.TaskDefinition.TaskDefinitionArn != "arn:aws:ecs:us-east-1:123456789012:task-definition/full:1" {
		t.Fatalf("registered %s rev %d", *reg.TaskDefinition.TaskDefinitionArn, reg.TaskDefinition.Revision)
	}
	for _, ref := range []string{"full", "full:1", *reg.TaskDefinition.TaskDefinitionArn} {
		out, err := te.ecs.DescribeTaskDefinition(te.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		td := out.TaskDefinition
		if !reflect.DeepEqual(td.ContainerDefinitions, in.ContainerDefinitions) {
			t.Fatalf("%s: container definitions changed:\n got %+v\nwant %+v", ref, td.ContainerDefinitions, in.ContainerDefinitions)
		}
		checks := map[string][2]any{
			"volumes":            {td.Volumes, in.Volumes},
			"runtimePlatform":    {td.RuntimePlatform, in.RuntimePlatform},
			"ephemeralStorage":   {td.EphemeralStorage, in.EphemeralStorage},
			"proxyConfiguration": {td.ProxyConfiguration, in.ProxyConfiguration},
			"pidMode":            {td.PidMode, in.PidMode},
			"taskRoleArn":        {td.TaskRoleArn, in.TaskRoleArn},
			"executionRoleArn":   {td.ExecutionRoleArn, in.ExecutionRoleArn},
			"cpu/memory":         {[]string{*td.Cpu, *td.Memory}, []string{*in.Cpu, *in.Memory}},
			"requires":           {td.RequiresCompatibilities, in.RequiresCompatibilities},
			"faultInjection":     {td.EnableFaultInjection, in.EnableFaultInjection},
			"tags":               {out.Tags, in.Tags},
		}
		for name, c := range checks {
			if !reflect.DeepEqual(c[0], c[1]) {
				t.Fatalf("%s: %s changed: got %+v want %+v", ref, name, c[0], c[1])
			}
		}
		if td.Status != types.TaskDefinitionStatusActive || td.RegisteredAt == nil || len(td.Compatibilities) == 0 {
			t.Fatalf("%s: status %s registeredAt %v compat %v", ref, td.Status, td.RegisteredAt, td.Compatibilities)
		}
	}

	// Revisions, deregistration and listing.
	if _, err := te.ecs.RegisterTaskDefinition(te.ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := te.ecs.DeregisterTaskDefinition(te.ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("full:2")}); err != nil {
		t.Fatal(err)
	}
	latest, err := te.ecs.DescribeTaskDefinition(te.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("full")})
	if err != nil || latest.TaskDefinition.Revision != 1 {
		t.Fatalf("family after deregistering :2 resolves to %v (%v)", latest, err)
	}
	inactive, err := te.ecs.DescribeTaskDefinition(te.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("full:2")})
	if err != nil || inactive.TaskDefinition.Status != types.TaskDefinitionStatusInactive || inactive.TaskDefinition.DeregisteredAt == nil {
		t.Fatalf("full:2: %v %v", inactive, err)
	}
	list, err := te.ecs.ListTaskDefinitions(te.ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("full")})
	if err != nil || len(list.TaskDefinitionArns) != 1 || !strings.HasSuffix(list.TaskDefinitionArns[0], "full:1") {
		t.Fatalf("list ACTIVE: %v %v", list, err)
	}
	list, _ = te.ecs.ListTaskDefinitions(te.ctx, &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive})
	if len(list.TaskDefinitionArns) != 1 || !strings.HasSuffix(list.TaskDefinitionArns[0], "full:2") {
		t.Fatalf("list INACTIVE: %v", list.TaskDefinitionArns)
	}
}
