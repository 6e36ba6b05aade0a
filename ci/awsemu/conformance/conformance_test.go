package conformance_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logs "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/conformance"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

func newChecker(t *testing.T) *conformance.Checker {
	t.Helper()
	c, err := conformance.New()
	if err != nil {
		t.Skipf("model conformance not checked: %v", err)
	}
	return c
}

// TestScenarioConformsToBotocore runs a representative session (the Bitflow
// blue/green topology seeded through the SDK, then the calls of a deploy,
// its failures and the guide's commands) and checks every response against
// botocore's models. It reports coverage: operations implemented versus
// operations whose responses were validated.
func TestScenarioConformsToBotocore(t *testing.T) {
	check := newChecker(t)
	clk := awsemu.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := awsemu.Listen("127.0.0.1:0", awsemu.Options{Clock: clk, Observe: func(x awsemu.Exchange) { check.Observe(conformance.Exchange(x)) }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	cfg := srv.AWSConfig()
	res, alb, err := seed.BlueGreen(ctx, cfg, seed.BlueGreenOptions{Options: seed.Options{ImageTag: "abc1234"}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	e, r, l, lb := ecs.NewFromConfig(cfg), ecr.NewFromConfig(cfg), logs.NewFromConfig(cfg), elb.NewFromConfig(cfg)
	cl := aws.String(seed.Cluster)
	noRetry := func(o *ecs.Options) { o.RetryMaxAttempts = 1 }
	// Reads a deploy makes, and failures it meets (errors are checked too).
	calls := []func() error{
		func() error { _, err := e.ListClusters(ctx, &ecs.ListClustersInput{}); return err },
		func() error {
			_, err := e.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{seed.Cluster, "nope"}, Include: []ecstypes.ClusterField{ecstypes.ClusterFieldTags}})
			return err
		},
		func() error { _, err := e.ListServices(ctx, &ecs.ListServicesInput{Cluster: cl}); return err },
		func() error {
			_, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cl, Services: []string{seed.BlueService, seed.GreenService, "missing"}})
			return err
		},
		func() error {
			_, err := e.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{})
			return err
		},
		func() error { _, err := e.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{}); return err },
		func() error {
			_, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(anyValue(res.TaskDefinitions)), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
			return err
		},
		func() error {
			_, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cl, Service: aws.String(seed.BlueService), ForceNewDeployment: true})
			return err
		},
		func() error {
			_, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cl, Service: aws.String(seed.GreenService), DesiredCount: aws.Int32(2)})
			return err
		},
		func() error {
			_, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cl, Services: []string{"arn:aws:ecs:us-east-1:123456789012:servic/x"}}, noRetry)
			return err
		},
		func() error { _, err := e.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cl}); return err },
		func() error {
			tasks, err := e.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cl, ServiceName: aws.String(seed.BlueService)})
			if err != nil || len(tasks.TaskArns) == 0 {
				return err
			}
			_, err = e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cl, Tasks: tasks.TaskArns})
			return err
		},
		func() error {
			_, err := r.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
			return err
		},
		func() error { _, err := r.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{}); return err },
		func() error {
			_, err := r.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(anyKey(res.Repositories))})
			return err
		},
		func() error {
			_, err := r.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String(anyKey(res.Repositories)), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("abc1234")}, {ImageTag: aws.String("nope")}}})
			return err
		},
		func() error {
			_, err := r.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String(anyKey(res.Repositories))})
			return err
		},
		func() error { _, err := l.DescribeLogGroups(ctx, &logs.DescribeLogGroupsInput{}); return err },
		func() error {
			if _, err := l.CreateLogStream(ctx, &logs.CreateLogStreamInput{LogGroupName: aws.String(res.LogGroups[0]), LogStreamName: aws.String("conformance")}); err != nil {
				return err
			}
			_, err := l.PutLogEvents(ctx, &logs.PutLogEventsInput{LogGroupName: aws.String(res.LogGroups[0]), LogStreamName: aws.String("conformance"),
				LogEvents: []logstypes.InputLogEvent{{Message: aws.String("hello"), Timestamp: aws.Int64(clk.Now().UnixMilli())}}})
			return err
		},
		func() error {
			_, err := l.DescribeLogStreams(ctx, &logs.DescribeLogStreamsInput{LogGroupName: aws.String(res.LogGroups[0])})
			return err
		},
		func() error {
			_, err := l.GetLogEvents(ctx, &logs.GetLogEventsInput{LogGroupName: aws.String(res.LogGroups[0]), LogStreamName: aws.String("conformance"), StartFromHead: aws.Bool(true)})
			return err
		},
		func() error {
			_, err := l.FilterLogEvents(ctx, &logs.FilterLogEventsInput{LogGroupName: aws.String(res.LogGroups[0]), FilterPattern: aws.String("hello")})
			return err
		},
		func() error {
			_, err := lb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
			return err
		},
		func() error {
			_, err := lb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(alb.LoadBalancerArn)})
			return err
		},
		func() error {
			_, err := lb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb.LoadBalancerArn)})
			return err
		},
		func() error {
			_, err := lb.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(alb.ProductionListenerArn)})
			return err
		},
		func() error {
			_, err := lb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(alb.TargetGroups["blue"])})
			return err
		},
		func() error {
			_, err := lb.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(alb.ProductionListenerArn), DefaultActions: []elbtypes.Action{{
				Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
					{TargetGroupArn: aws.String(alb.TargetGroups["blue"]), Weight: aws.Int32(90)}, {TargetGroupArn: aws.String(alb.TargetGroups["green"]), Weight: aws.Int32(10)}}}}}})
			return err
		},
		func() error {
			_, err := lb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String("arn:nope")}, func(o *elb.Options) { o.RetryMaxAttempts = 1 })
			return err
		},
		func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
		func() error {
			_, err := sts.NewFromConfig(cfg).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/deployer"),
				RoleSessionName: aws.String("ci"), WebIdentityToken: aws.String("e30.eyJzdWIiOiJyZXBvIn0.c2ln")})
			return err
		},
		func() error {
			out, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: cl, TaskDefinition: aws.String(seed.MigrationFamily), LaunchType: ecstypes.LaunchTypeFargate,
				NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: res.Subnets, SecurityGroups: res.SecurityGroups}}})
			if err != nil || len(out.Tasks) == 0 {
				return err
			}
			clk.Advance(time.Second)
			_, err = e.StopTask(ctx, &ecs.StopTaskInput{Cluster: cl, Task: out.Tasks[0].TaskArn})
			return err
		},
		func() error {
			deps, err := e.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: cl, Service: aws.String(seed.BlueService)})
			if err != nil || len(deps.ServiceDeployments) == 0 {
				return err
			}
			_, err = e.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(deps.ServiceDeployments[0].ServiceDeploymentArn)}})
			return err
		},
		func() error {
			td, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("scratch"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("nginx"), Memory: aws.Int32(128)}}})
			if err != nil {
				return err
			}
			_, err = e.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn})
			return err
		},
		func() error {
			_, err := e.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: cl, Service: aws.String(seed.GreenService), Force: aws.Bool(true)})
			return err
		},
		func() error {
			tg := aws.String(alb.TargetGroups["green"])
			if _, err := lb.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg, Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.9.9"), Port: aws.Int32(8000)}}}); err != nil {
				return err
			}
			_, err := lb.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tg, Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.9.9"), Port: aws.Int32(8000)}}})
			return err
		},
		func() error {
			fwd := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(alb.TargetGroups["green"])}}
			rule, err := lb.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: aws.String(alb.ProductionListenerArn), Priority: aws.Int32(4242), Actions: fwd,
				Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/conformance"}}}}})
			if err != nil {
				return err
			}
			if _, err := lb.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: rule.Rules[0].RuleArn, Actions: fwd}); err != nil {
				return err
			}
			_, err = lb.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: rule.Rules[0].RuleArn})
			return err
		},
		func() error {
			s := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
			b, k := aws.String("conformance"), aws.String("locks/prod.json")
			if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
				return err
			}
			if _, err := s.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); err != nil {
				return err
			}
			put, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader(`{"owner":"a"}`), IfNoneMatch: aws.String("*")})
			if err != nil {
				return err
			}
			if _, err := s.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("{}"), IfNoneMatch: aws.String("*")}); err == nil {
				return fmt.Errorf("a second If-None-Match create succeeded")
			}
			if _, err := s.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("missing")}); err == nil {
				return fmt.Errorf("HeadObject of a missing key succeeded")
			}
			got, err := s.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, IfMatch: put.ETag})
			if err != nil {
				return err
			}
			got.Body.Close()
			if _, err := s.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k}); err != nil {
				return err
			}
			if _, err := s.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("locks/"), MaxKeys: aws.Int32(1)}); err != nil {
				return err
			}
			_, err = s.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, IfMatch: put.ETag})
			return err
		},
		func() error {
			cw := cloudwatch.NewFromConfig(cfg)
			if _, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"bitflow-5xx"}}); err != nil {
				return err
			}
			_, err := cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(clk.Now().Add(-5 * time.Minute)), EndTime: aws.Time(clk.Now()),
				MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("req"), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Sum"),
					Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCount"),
						Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String("targetgroup/bitflow-backend-blue/0123456789abcdef")}}}}}}})
			return err
		},
		func() error {
			if _, err := l.PutRetentionPolicy(ctx, &logs.PutRetentionPolicyInput{LogGroupName: aws.String(res.LogGroups[0]), RetentionInDays: aws.Int32(30)}); err != nil {
				return err
			}
			_, err := l.DeleteLogGroup(ctx, &logs.DeleteLogGroupInput{LogGroupName: aws.String(res.LogGroups[0])})
			return err
		},
	}
	for _, call := range calls {
		if err := call(); err != nil {
			t.Logf("(an answered failure, checked too) %v", err)
		}
		clk.Advance(500 * time.Millisecond)
	}
	for _, v := range check.Violations() {
		t.Error(v)
	}
	implemented := 0
	var missed []string
	seen := check.Operations()
	for _, op := range srv.Operations() {
		implemented++
		if seen[op] == 0 {
			missed = append(missed, op)
		}
	}
	sort.Strings(missed)
	t.Logf("conformance: %s", check.Summary())
	t.Logf("coverage: %d of %d implemented operations validated; not exercised here: %s", implemented-len(missed), implemented, strings.Join(missed, " "))
	if check.Checked() < len(calls) {
		t.Errorf("only %d responses checked for %d calls", check.Checked(), len(calls))
	}
}

// TestCheckerCatchesBrokenResponses feeds the checker answers that break
// the model in each way it checks, and one that does not.
func TestCheckerCatchesBrokenResponses(t *testing.T) {
	check := newChecker(t)
	h := func() http.Header {
		return http.Header{"X-Amzn-Requestid": {"0c8b3a4e-1111-2222-3333-444455556666"}, "Content-Length": {"1"}}
	}
	broken := []conformance.Exchange{
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 200, Header: h(),
			Response: []byte(`{"services":[{"serviceName":"a","desiredCount":"3"}]}`)}, // wrong type
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 200, Header: h(),
			Response: []byte(`{"services":[{"serviceName":"a","deployments":[{"rolloutState":"DONE"}]}]}`)}, // not an enum value
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 200, Header: h(),
			Response: []byte(`{"services":[{"serviceName":"a","colour":"blue"}]}`)}, // undeclared member
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 200, Header: h(),
			Response: []byte(`{"services":[{"createdAt":"2026-01-01T00:00:00Z"}]}`)}, // timestamp not epoch seconds
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{}`), Status: 200, Header: h(),
			Response: []byte(`{"services":[]}`)}, // answered a request missing the required services
		{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 400, Header: h(),
			Response: []byte(`{"__type":"NoSuchThing","message":"x"}`)}, // undeclared error
		{Service: "elbv2", Operation: "DescribeTargetHealth", Protocol: "query", Request: []byte(`Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=x`), Status: 200, Header: h(),
			Response: []byte(`<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions><member><TargetHealth><State>fine</State></TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`)}, // enum
		{Service: "sts", Operation: "GetCallerIdentity", Protocol: "query", Request: []byte(`Action=GetCallerIdentity&Version=2011-06-15`), Status: 200, Header: http.Header{},
			Response: []byte(`<GetCallerIdentityResponse><GetCallerIdentityResult/><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)}, // no request id, no length
	}
	broken = append(broken, brokenS3(h)...)
	broken = append(broken, brokenCloudWatch()...)
	for i, x := range broken {
		before := len(check.Violations())
		check.Observe(x)
		vs := check.Violations()
		if len(vs) == before {
			t.Errorf("exchange %d (%s %s) was not caught", i, x.Operation, x.Response)
		}
		for _, v := range vs[before:] {
			t.Logf("caught %d: %s", i, v)
		}
	}
	before := len(check.Violations())
	check.Observe(conformance.Exchange{Service: "ecs", Operation: "DescribeServices", Protocol: "json", Request: []byte(`{"services":["a"]}`), Status: 200, Header: h(),
		Response: []byte(`{"services":[{"serviceName":"a","desiredCount":0,"createdAt":1.7e9,"deployments":[{"rolloutState":"COMPLETED"}]}],"failures":[]}`)})
	if v := check.Violations(); len(v) != before {
		t.Errorf("a conforming answer was refused: %v", v[before:])
	}
	for _, x := range conformingS3AndCloudWatch() {
		before := len(check.Violations())
		check.Observe(x)
		if v := check.Violations(); len(v) != before {
			t.Errorf("a conforming %s.%s answer was refused: %v", x.Service, x.Operation, v[before:])
		}
	}
}

// anyKey and anyValue pick the first entry of a map in key order.
func anyKey(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0]
}

func anyValue(m map[string]string) string { return m[anyKey(m)] }
