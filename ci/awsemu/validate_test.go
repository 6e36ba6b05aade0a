package awsemu

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestRequestValidationLikeAWS: requests AWS refuses are refused with AWS's
// error code (and message shape), through the real SDK where it sends them
// and raw where the SDK would refuse them itself.
func TestRequestValidationLikeAWS(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.mustSetup(t, "c1", "api", nil)
	if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
		t.Fatal(err)
	}
	clusterArn := "arn:aws:ecs:us-east-1:123456789012:cluster/c1"
	fargateTD := func(cpu, mem string) error {
		_, err := te.ecs.RegisterTaskDefinition(te.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("size"), NetworkMode: types.NetworkModeAwsvpc,
			RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String(cpu), Memory: aws.String(mem),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("nginx")}}})
		return err
	}
	containers := func(n int) error {
		var cds []types.ContainerDefinition
		for i := 0; i < n; i++ {
			cds = append(cds, types.ContainerDefinition{Name: aws.String(string(rune('a' + i))), Image: aws.String("nginx")})
		}
		_, err := te.ecs.RegisterTaskDefinition(te.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("many"), ContainerDefinitions: cds})
		return err
	}
	badNet := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-xxx"}}}
	cases := []struct {
		name, wantCode, wantMsg string
		call                    func() error
	}{
		{"11 containers", "ClientException", "Too many containers.", func() error { return containers(11) }},
		{"10 containers", "", "", func() error { return containers(10) }},
		{"fargate 256 cpu with 4 GB", "ClientException", "No Fargate configuration exists", func() error { return fargateTD("256", "4096") }},
		{"fargate cpu 300", "ClientException", "Invalid 'cpu' setting for task.", func() error { return fargateTD("300", "1024") }},
		{"fargate 1 vCPU 2 GB", "", "", func() error { return fargateTD("1 vCPU", "2 GB") }},
		{"placeholder subnet", "InvalidParameterException", "subnet-xxx", func() error {
			_, err := te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("api"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: badNet})
			return err
		}},
		{"fargate without network configuration", "InvalidParameterException", "Network Configuration must be provided", func() error {
			_, err := te.ecs.RunTask(te.ctx, &ecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String("api"), LaunchType: types.LaunchTypeFargate})
			return err
		}},
		{"malformed service ARN", "InvalidParameterException", "Invalid service ARN", func() error {
			_, err := te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"arn:aws:ecs:us-east-1:123456789012:servic/c1/web"}})
			return err
		}},
		{"malformed task ARN", "InvalidParameterException", "Invalid task ARN", func() error {
			_, err := te.ecs.DescribeTasks(te.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c1"), Tasks: []string{"arn:aws:ecs:us-east-1:12345:task/c1/abc"}})
			return err
		}},
		{"cluster of another account", "ClusterNotFoundException", "", func() error {
			_, err := te.ecs.ListServices(te.ctx, &ecs.ListServicesInput{Cluster: aws.String("arn:aws:ecs:us-east-1:210987654321:cluster/c1")})
			return err
		}},
		{"maxResults 101", "InvalidParameterException", "maxResults", func() error {
			_, err := te.ecs.ListServices(te.ctx, &ecs.ListServicesInput{Cluster: aws.String(clusterArn), MaxResults: aws.Int32(101)})
			return err
		}},
		{"11 services", "InvalidParameterException", "Services cannot contain more than 10 elements.", func() error {
			_, err := te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")})
			return err
		}},
		{"malformed ECR digest", "InvalidParameterException", "imageDigest", func() error {
			if _, err := te.ecr.CreateRepository(te.ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("repo")}); err != nil {
				return err
			}
			_, err := te.ecr.DescribeImages(te.ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("repo"), ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: aws.String("sha256:xyz")}}})
			return err
		}},
		{"empty log message", "InvalidParameterException", "Member must have length greater than or equal to 1", func() error {
			if _, err := te.logs.CreateLogStream(te.ctx, &logs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/api"), LogStreamName: aws.String("s")}); err != nil {
				return err
			}
			_, err := te.logs.PutLogEvents(te.ctx, &logs.PutLogEventsInput{LogGroupName: aws.String("/ecs/api"), LogStreamName: aws.String("s"),
				LogEvents: []logstypes.InputLogEvent{{Message: aws.String(""), Timestamp: aws.Int64(1)}}})
			return err
		}},
	}
	for _, c := range cases {
		err := c.call()
		if c.wantCode == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if apiCode(err) != c.wantCode || !strings.Contains(err.Error(), c.wantMsg) {
			t.Errorf("%s: got %v, want %s containing %q", c.name, err, c.wantCode, c.wantMsg)
		}
	}

	// A service ARN of another cluster is a failure, never our "web".
	out, err := te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"arn:aws:ecs:us-east-1:123456789012:service/other/web"}})
	if err != nil || len(out.Services) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("service ARN of another cluster: %v %+v", err, out)
	}
	// What the SDK would not send: a missing required member.
	resp, body := rawCall(t, te.srv, ecsTarget("UpdateService"), `{"cluster":"c1"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, `"__type":"InvalidParameterException"`) || !strings.Contains(body, "Value null at 'service' failed to satisfy constraint: Member must not be null") {
		t.Errorf("UpdateService without service: %d %s", resp.StatusCode, body)
	}
	resp, body = rawCall(t, te.srv, queryHeader, "Action=DescribeTargetHealth&Version=2015-12-01")
	if resp.StatusCode != 400 || !strings.Contains(body, "<Code>ValidationError</Code>") || !strings.Contains(body, "Value null at &#39;TargetGroupArn&#39;") {
		t.Errorf("DescribeTargetHealth without TargetGroupArn: %d %s", resp.StatusCode, body)
	}
}

// TestListTaskDefinitionFamilies lists families by status and prefix.
func TestListTaskDefinitionFamilies(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.mustSetup(t, "c1", "api", nil)
	te.mustRegister(t, "worker", "nginx", nil)
	if _, err := te.ecs.DeregisterTaskDefinition(te.ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("worker:1")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		status types.TaskDefinitionFamilyStatus
		prefix *string
		want   string
	}{{"", nil, "api,worker"}, {types.TaskDefinitionFamilyStatusActive, nil, "api"}, {types.TaskDefinitionFamilyStatusInactive, nil, "worker"}, {"", aws.String("w"), "worker"}} {
		out, err := te.ecs.ListTaskDefinitionFamilies(te.ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: c.status, FamilyPrefix: c.prefix})
		if err != nil || strings.Join(out.Families, ",") != c.want {
			t.Errorf("status %q prefix %v: %v %v, want %s", c.status, c.prefix, err, out, c.want)
		}
	}
}

// TestSigningRegionSelectsState: a client signing for another region sees
// that region's (empty) account, not ours.
func TestSigningRegionSelectsState(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.mustSetup(t, "c1", "api", nil)
	cfg := te.srv.AWSConfig()
	cfg.Region = "eu-west-1"
	_, err := ecs.NewFromConfig(cfg).DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"web"}})
	if apiCode(err) != "ClusterNotFoundException" {
		t.Errorf("eu-west-1: %v, want ClusterNotFoundException", err)
	}
	if n := te.srv.CountCalls("ecs.DescribeServices"); n != 1 {
		t.Errorf("the other region's call is not in the call log (%d)", n)
	}
}
