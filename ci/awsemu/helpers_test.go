package awsemu

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/bitflow-lms/pipeline/ci/awsemu/conformance"
)

// testEnv is an emulator on a loopback port with real SDK clients.
type testEnv struct {
	srv   *Server
	clock *ManualClock
	ecs   *ecs.Client
	ecr   *ecr.Client
	logs  *cloudwatchlogs.Client
	sts   *sts.Client
	ctx   context.Context
}

var testStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// listenChecked serves an emulator for t with every answer checked against
// botocore's models, as emutest.Start does for other packages (which this
// package's own tests cannot import).
func listenChecked(t testing.TB, opts Options) *Server {
	t.Helper()
	var check *conformance.Checker
	if _, bench := t.(*testing.B); !bench { // benchmarks time the emulator, not the checks
		check = conformance.ForTest(t)
	}
	if check != nil {
		opts.Observe = func(x Exchange) { check.Observe(conformance.Exchange(x)) }
	}
	srv, err := Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Close()
		check.Report(t)
	})
	return srv
}

// newTestEnv starts an emulator on a ManualClock (nil timing: defaults).
func newTestEnv(t testing.TB, timing Timing) *testEnv {
	t.Helper()
	clock := NewManualClock(testStart)
	srv := listenChecked(t, Options{Clock: clock, Timing: timing})
	cfg := srv.AWSConfig()
	return &testEnv{srv: srv, clock: clock, ctx: context.Background(),
		ecs: ecs.NewFromConfig(cfg), ecr: ecr.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}
}

// newRealClockEnv starts an emulator on the wall clock (for SDK waiters).
func newRealClockEnv(t testing.TB, timing Timing) (*testEnv, aws.Config) {
	t.Helper()
	srv := listenChecked(t, Options{Timing: timing})
	cfg := srv.AWSConfig()
	return &testEnv{srv: srv, ctx: context.Background(),
		ecs: ecs.NewFromConfig(cfg), ecr: ecr.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}, cfg
}

var testNet = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
	Subnets: []string{"subnet-0a1b2c3d", "subnet-0e5f6a7b"}, SecurityGroups: []string{"sg-0123abcd"}, AssignPublicIp: types.AssignPublicIpDisabled,
}}

// mustCluster creates a cluster and a log group, and registers a FARGATE
// task definition family with one awslogs container.
func (te *testEnv) mustSetup(t testing.TB, cluster, family string, command []string) string {
	t.Helper()
	if _, err := te.ecs.CreateCluster(te.ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	if _, err := te.logs.CreateLogGroup(te.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/" + family)}); err != nil {
		t.Fatal(err)
	}
	return te.mustRegister(t, family, "public.ecr.aws/docker/library/php:8.3-fpm", command)
}

func (te *testEnv) mustRegister(t testing.TB, family, image string, command []string) string {
	t.Helper()
	out, err := te.ecs.RegisterTaskDefinition(te.ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("512"), Memory: aws.String("1024"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("backend"), Image: aws.String(image), Essential: aws.Bool(true), Command: command,
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8000), Protocol: types.TransportProtocolTcp}},
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/ecs/" + family, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.TaskDefinition.TaskDefinitionArn
}

func (te *testEnv) describeService(t *testing.T, cluster, name string) types.Service {
	t.Helper()
	out, err := te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %d services, failures %+v", name, len(out.Services), out.Failures)
	}
	return out.Services[0]
}

func (te *testEnv) describeTask(t *testing.T, cluster, arn string) types.Task {
	t.Helper()
	out, err := te.ecs.DescribeTasks(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks %s: %d tasks, failures %+v", arn, len(out.Tasks), out.Failures)
	}
	return out.Tasks[0]
}
