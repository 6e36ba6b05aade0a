package awsemu

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// wantCode asserts err is an API error with code (as the SDK surfaces it).
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if ae.ErrorMessage() == "" {
		t.Fatalf("%s: empty message", what)
	}
}

func TestECSErrorsAsTheSDKSurfacesThem(t *testing.T) {
	te := newTestEnv(t, Timing{})
	ctx := te.ctx

	_, err := te.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("nope"), Services: []string{"x"}})
	var cnf *types.ClusterNotFoundException
	if !errors.As(err, &cnf) || cnf.ErrorMessage() != "Cluster not found." {
		t.Fatalf("unknown cluster: %v", err)
	}
	te.mustSetup(t, "c1", "api", nil)

	_, err = te.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("ghost")})
	var snf *types.ServiceNotFoundException
	if !errors.As(err, &snf) {
		t.Fatalf("unknown service: %v", err)
	}

	// DescribeServices reports unknown services as failures, not errors.
	out, err := te.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"ghost"}})
	if err != nil || len(out.Failures) != 1 || *out.Failures[0].Reason != "MISSING" || *out.Failures[0].Arn != "arn:aws:ecs:us-east-1:123456789012:service/c1/ghost" {
		t.Fatalf("missing service: %v %+v", err, out)
	}

	_, err = te.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api:9")})
	var ce *types.ClientException
	if !errors.As(err, &ce) || ce.ErrorMessage() != "Unable to describe task definition." {
		t.Fatalf("unknown revision: %v", err)
	}

	_, err = te.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("api"), LaunchType: types.LaunchTypeFargate})
	var ipe *types.InvalidParameterException
	if !errors.As(err, &ipe) || ipe.ErrorMessage() != "Network Configuration must be provided when networkMode 'awsvpc' is specified." {
		t.Fatalf("no network configuration: %v", err)
	}
	_, err = te.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("api"), LaunchType: types.LaunchTypeFargate,
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE")}}, NetworkConfiguration: testNet})
	wantCode(t, "launch type and capacity provider", err, "InvalidParameterException")
	_, err = te.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("nope"), NetworkConfiguration: testNet})
	wantCode(t, "unknown task definition", err, "InvalidParameterException")

	create := func(name, td string, lbs []types.LoadBalancer) error {
		_, err := te.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet, LoadBalancers: lbs})
		return err
	}
	if err := create("api", "api", nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "duplicate service", create("api", "api", nil), "InvalidParameterException")
	wantCode(t, "LB container port not in task definition", create("api2", "api", []types.LoadBalancer{{
		TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef"),
		ContainerName:  aws.String("backend"), ContainerPort: aws.Int32(9999)}}), "InvalidParameterException")

	// A deleted (DRAINING) service is not ACTIVE.
	if _, err := te.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = te.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("api"), ForceNewDeployment: true})
	var sna *types.ServiceNotActiveException
	if !errors.As(err, &sna) {
		t.Fatalf("draining service: %v", err)
	}

	_, err = te.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("c1"), Task: aws.String("0123456789abcdef0123456789abcdef")})
	wantCode(t, "stop unknown task", err, "InvalidParameterException")

	// Registration checks: Fargate + awslogs needs an execution role.
	_, err = te.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("x"), NetworkMode: types.NetworkModeAwsvpc,
		Cpu: aws.String("256"), Memory: aws.String("512"), RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("c"), Image: aws.String("busybox"),
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "/x"}}}}})
	if !errors.As(err, &ce) {
		t.Fatalf("fargate awslogs without execution role: %v", err)
	}

	// Every failed call is in the call log with its code.
	found := false
	for _, c := range te.srv.Calls() {
		if c.Action == "UpdateService" && c.Error == "ServiceNotActiveException" && c.Mutating {
			found = true
		}
	}
	if !found {
		t.Fatal("call log lacks the failed UpdateService")
	}
}
