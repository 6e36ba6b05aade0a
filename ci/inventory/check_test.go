package inventory

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/config"
)

func emulatorEnv(t *testing.T) *config.Environment {
	t.Helper()
	env, err := config.Load(filepath.Join("..", "environments", "emulator.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestCheckFindsTheSeededTopology(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	ctx := context.Background()
	if _, _, err := seed.BlueGreen(ctx, srv.AWSConfig(), seed.BlueGreenOptions{Options: seed.Options{ImageTag: "abc1234"}}); err != nil {
		t.Fatal(err)
	}
	env := emulatorEnv(t)
	r, err := Check(ctx, srv.AWSConfig(), env)
	if err != nil {
		t.Fatal(err)
	}
	text := r.Text()
	t.Log("\n" + text)
	if r.Failed() || r.Count(OK) != len(r.Findings)-3 {
		t.Errorf("want everything ok but the placeholder account and the two roles:\n%s", text)
	}
	for _, want := range []string{
		"  placeholder account 123456789012: 123456789012 is the placeholder of the committed file",
		"  unverified  iam role bitflow-ecs-task-role: iam GetRole: ",
		"  ok          ecs service bitflow-frontend-student\n",
		"  ok          target group bitflow-non-teaching-manager\n",
		"  ok          listener rule bitflow-alb:80 priority 3008\n",
		"  ok          task definition bitflow-migration\n",
		"  ok          ecs service bitflow-backend-green\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	// 15 services, 15 families + migration, 15 portal/backend target groups + 2 colours, 15 rules.
	kinds := map[Kind]int{}
	for _, f := range r.Findings {
		kinds[f.Kind]++
	}
	if kinds[KindService] != 17 || kinds[KindTaskFamily] != 16 || kinds[KindTargetGroup] != 17 || kinds[KindRule] != 15 || kinds[KindRepository] != 15 || kinds[KindLogGroup] != 16 {
		t.Errorf("kinds %v", kinds)
	}
}

func TestCheckReportsMissingAndMisconfiguredResources(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	ctx := context.Background()
	// Seed a topology that drifted from the file: principal on port 3000,
	// parent's target group renamed, then a service deleted, a family
	// re-registered with a renamed container and a log group deleted.
	drifted := emulatorEnv(t)
	for i := range drifted.Services {
		s := &drifted.Services[i]
		switch s.App() {
		case "principal":
			s.Containers[0].Port = 3000
		case "parent":
			s.TargetGroup = "bitflow-parent-old"
		}
	}
	if _, err := seed.Bitflow(ctx, srv.AWSConfig(), seed.Options{ImageTag: "abc1234", Env: drifted}); err != nil {
		t.Fatal(err)
	}
	client := ecs.NewFromConfig(srv.AWSConfig())
	if _, err := client.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(seed.Cluster), Service: aws.String("bitflow-frontend-faculty-teacher"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	td, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("bitflow-frontend-student")})
	if err != nil {
		t.Fatal(err)
	}
	d := td.TaskDefinition
	d.ContainerDefinitions[0].Name = aws.String("studnt")
	if _, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
		NetworkMode: d.NetworkMode, RequiresCompatibilities: d.RequiresCompatibilities, Cpu: d.Cpu, Memory: d.Memory,
		ExecutionRoleArn: d.ExecutionRoleArn, TaskRoleArn: d.TaskRoleArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatchlogs.NewFromConfig(srv.AWSConfig()).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/bitflow-frontend-parent")}); err != nil {
		t.Fatal(err)
	}

	r, err := Check(ctx, srv.AWSConfig(), emulatorEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	text := r.Text()
	t.Log("\n" + text)
	for _, want := range []string{
		"  MISSING     ecs service bitflow-frontend-faculty-teacher\n",
		"  MISSING     log group /ecs/bitflow-frontend-parent\n",
		"  ok          ecr repository bitflow-student\n",
		"  MISSING     target group bitflow-parent\n",
		"  WRONG       ecs service bitflow-frontend-parent: not attached to target group bitflow-parent\n",
		"  WRONG       listener rule bitflow-alb:80 priority 3009: does not forward to target group bitflow-parent\n",
		"  WRONG       target group bitflow-principal: port 3000, but container principal of bitflow-frontend-principal listens on 3004\n",
		"  WRONG       task definition bitflow-frontend-principal: container principal maps ports [3000], not 3004\n",
		"  WRONG       ecs service bitflow-frontend-principal: attached to bitflow-principal via container principal port 3000, want container principal port 3004\n",
		"  WRONG       task definition bitflow-frontend-student: no container named student (it has: studnt)\n",
		"summary: ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	if !r.Failed() || r.Count(Missing) != 7 || r.Count(Wrong) != 6 {
		t.Errorf("missing %d, wrong %d, want 7 (3 + the blue/green pairs not seeded) and 6", r.Count(Missing), r.Count(Wrong))
	}
}

// An account without the repositories: each is reported missing (the
// batch describe fails as a whole, so the check describes them one by one).
func TestCheckEmptyAccount(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	r, err := Check(context.Background(), srv.AWSConfig(), emulatorEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Count(Missing); got != len(r.Findings)-3 {
		t.Errorf("%d missing of %d, want all but the account and the two roles:\n%s", got, len(r.Findings), r.Text())
	}
	if !strings.Contains(r.Text(), "  MISSING     ecr repository bitflow-student\n") {
		t.Errorf("repository not reported missing:\n%s", r.Text())
	}
}
