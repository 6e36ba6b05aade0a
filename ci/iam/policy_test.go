package iam

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ecr"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/traffic"
)

const (
	acct    = "123456789012"
	region  = "us-east-1"
	cluster = "arn:aws:ecs:" + region + ":" + acct + ":cluster/bitflow-cluster"
)

// request is one AWS call: the IAM action, the resource it touches and the
// condition context AWS evaluates.
type request struct {
	action, resource string
	context          map[string]string
}

// allowed evaluates the request against the policy's Allow statements
// (there are no Deny statements): action and resource globs, and the
// StringEquals / ArnEquals / StringLike conditions the policy uses.
func allowed(d *Document, r request) bool {
	for _, st := range d.Statement {
		if st.Effect != "Allow" || !anyGlob(st.Action, r.action) || !anyGlob(st.Resource, r.resource) {
			continue
		}
		ok := true
		for op, kv := range st.Condition {
			for k, want := range kv {
				got, present := r.context[k]
				switch op {
				case "StringEquals", "ArnEquals":
					ok = ok && present && slices.Contains(want, got)
				case "StringLike":
					ok = ok && present && anyGlob(want, got)
				default:
					ok = false // an operator this evaluator does not know never grants
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		// IAM's * matches across "/" too (unlike path.Match), hence globMatch.
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// globMatch implements IAM wildcard matching (* = any run, ? = one char), case-sensitive.
func globMatch(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(p[1:], s[1:])
	default:
		return s != "" && s[0] == p[0] && globMatch(p[1:], s[1:])
	}
}

// methods lists the methods of an interface type.
func methods(iface any) []string {
	t := reflect.TypeOf(iface).Elem()
	var out []string
	for i := range t.NumMethod() {
		out = append(out, t.Method(i).Name)
	}
	return out
}

// sample is, per IAM action, a realistic resource and condition context of
// the call the toolkit makes.
var sample = map[string]request{
	"ecs:DescribeServices":                      {resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/bitflow-backend"},
	"ecs:UpdateService":                         {resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/bitflow-backend-green"},
	"ecs:DescribeTaskDefinition":                {resource: "*"},
	"ecs:RegisterTaskDefinition":                {resource: "*"},
	"ecs:RunTask":                               {resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-migration:17", context: map[string]string{"ecs:cluster": cluster}},
	"ecs:DescribeTasks":                         {resource: "arn:aws:ecs:us-east-1:123456789012:task/bitflow-cluster/0123456789abcdef", context: map[string]string{"ecs:cluster": cluster}},
	"ecs:StopTask":                              {resource: "arn:aws:ecs:us-east-1:123456789012:task/bitflow-cluster/0123456789abcdef", context: map[string]string{"ecs:cluster": cluster}},
	"ecs:ListTasks":                             {resource: "*", context: map[string]string{"ecs:cluster": cluster}},
	"ecs:TagResource":                           {resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:43", context: map[string]string{"ecs:CreateAction": "RegisterTaskDefinition"}},
	"logs:GetLogEvents":                         {resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/bitflow-migration:log-stream:ecs/backend/0123456789abcdef"},
	"ecr:GetAuthorizationToken":                 {resource: "*"},
	"ecr:DescribeRepositories":                  {resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-backend"},
	"ecr:CreateRepository":                      {resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-student"},
	"ecr:DescribeImages":                        {resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-student"},
	"elasticloadbalancing:DescribeListeners":    {resource: "*"},
	"elasticloadbalancing:DescribeRules":        {resource: "*"},
	"elasticloadbalancing:DescribeTargetGroups": {resource: "*"},
	"elasticloadbalancing:DescribeTargetHealth": {resource: "*"},
	"elasticloadbalancing:ModifyListener":       {resource: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/bitflow-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"},
	"elasticloadbalancing:ModifyRule":           {resource: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/bitflow-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"},
	"s3:GetObject":                              {resource: "arn:aws:s3:::bitflow-deploy-state-123456789012/production/lock.json"},
	"s3:PutObject":                              {resource: "arn:aws:s3:::bitflow-deploy-state-123456789012/production/releases/20261201T190102.000Z-production-abc1234-1796152845.json"},
	"s3:DeleteObject":                           {resource: "arn:aws:s3:::bitflow-deploy-state-123456789012/staging/lock.json"},
	"s3:ListBucket":                             {resource: "arn:aws:s3:::bitflow-deploy-state-123456789012", context: map[string]string{"s3:prefix": "production/releases/"}},
	"iam:PassRole":                              {resource: "arn:aws:iam::123456789012:role/bitflow-ecs-task-execution-role", context: map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
	"ecs:ListServiceDeployments":                {resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/bitflow-frontend-student"},
	"ecs:DescribeServiceDeployments":            {resource: "arn:aws:ecs:us-east-1:123456789012:service-deployment/bitflow-cluster/bitflow-backend/r9ZNOzLvGK3fJn1PxkEqs"},
	"ecs:ContinueServiceDeployment":             {resource: "arn:aws:ecs:us-east-1:123456789012:service-deployment/bitflow-cluster/bitflow-backend/r9ZNOzLvGK3fJn1PxkEqs"},
	"ecs:StopServiceDeployment":                 {resource: "arn:aws:ecs:us-east-1:123456789012:service-deployment/bitflow-cluster/bitflow-frontend-parent/r9ZNOzLvGK3fJn1PxkEqs"},
	"cloudwatch:GetMetricData":                  {resource: "*"},
}

// passInfrastructureRole is the PassRole of a native deployment's
// UpdateService (loadBalancers[].advancedConfiguration.roleArn).
var passInfrastructureRole = request{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/bitflow-ecs-infrastructure-role",
	context: map[string]string{"iam:PassedToService": "ecs.amazonaws.com"}}

// imagePush is what `dagger call publish` does with the ECR token (docker
// registry protocol calls authorised as these IAM actions).
var imagePush = []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

func loadPolicy(t *testing.T) *Document {
	t.Helper()
	d, err := Parse("deploy-role-policy.json", DeployRolePolicy)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPolicyAllowsEveryCallTheBrainMakes derives the calls from the deploy
// brain's own AWS interfaces, so a new call without a policy update fails here.
func TestPolicyAllowsEveryCallTheBrainMakes(t *testing.T) {
	d := loadPolicy(t)
	var actions []string
	for _, m := range methods((*ecs.API)(nil)) {
		actions = append(actions, "ecs:"+m)
	}
	for _, m := range methods((*ecs.LogsAPI)(nil)) {
		actions = append(actions, "logs:"+m)
	}
	for _, m := range methods((*ecr.API)(nil)) {
		actions = append(actions, "ecr:"+m)
	}
	for _, m := range methods((*traffic.ELBAPI)(nil)) {
		actions = append(actions, "elasticloadbalancing:"+m)
	}
	for _, m := range methods((*ecs.DeploymentsAPI)(nil)) {
		actions = append(actions, "ecs:"+m)
	}
	for _, m := range methods((*traffic.TargetGroupsAPI)(nil)) {
		actions = append(actions, "elasticloadbalancing:"+m)
	}
	for _, m := range methods((*traffic.MetricsAPI)(nil)) {
		actions = append(actions, "cloudwatch:"+m)
	}
	if !allowed(d, passInfrastructureRole) {
		t.Errorf("a native deployment passes the infrastructure role to ECS: %+v is NOT allowed", passInfrastructureRole)
	}
	if len(actions) < 10 {
		t.Fatalf("found only %d brain calls; the interfaces moved?", len(actions))
	}
	actions = append(actions, "iam:PassRole", "ecs:TagResource", "ecs:StopTask", "ecs:ListTasks")
	// The lock and the ledger (ci/lock, ci/ledger): HeadObject and GetObject
	// are s3:GetObject, ListObjectsV2 is s3:ListBucket.
	actions = append(actions, "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket")
	for _, a := range actions {
		r, ok := sample[a]
		if !ok {
			t.Errorf("%s: the deploy brain calls it but this test has no sample resource for it (add one, and a policy statement if needed)", a)
			continue
		}
		r.action = a
		if !allowed(d, r) {
			t.Errorf("%s on %s (context %v) is NOT allowed by deploy-role-policy.json", a, r.resource, r.context)
		}
	}
	for _, a := range imagePush {
		if !allowed(d, request{action: a, resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-backend"}) {
			t.Errorf("image push needs %s on the bitflow-* repositories", a)
		}
	}
}

// TestPolicyDeniesNeighbours checks the scoping: the same actions on
// resources that are not Bitflow's, or without the conditions, are refused.
func TestPolicyDeniesNeighbours(t *testing.T) {
	d := loadPolicy(t)
	for _, r := range []request{
		{action: "ecs:UpdateService", resource: "arn:aws:ecs:us-east-1:123456789012:service/other-cluster/bitflow-backend"},
		{action: "ecs:UpdateService", resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/payments"},
		{action: "ecs:RunTask", resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-migration:17", context: map[string]string{"ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/other"}},
		{action: "ecs:RunTask", resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/payments:1", context: map[string]string{"ecs:cluster": cluster}},
		{action: "ecs:TagResource", resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:43"}, // tagging outside registration
		{action: "ecs:DeleteService", resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/bitflow-backend"},
		{action: "ecs:DeregisterTaskDefinition", resource: "*"},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/admin", context: map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/bitflow-ecs-task-role", context: map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}},
		{action: "ecr:PutImage", resource: "arn:aws:ecr:us-east-1:123456789012:repository/other-app"},
		{action: "ecr:DeleteRepository", resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-backend"},
		{action: "elasticloadbalancing:ModifyListener", resource: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/payments-alb/1/2"},
		{action: "elasticloadbalancing:DeleteListener", resource: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/bitflow-alb/1/2"},
		{action: "logs:GetLogEvents", resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/payments:log-stream:x"},
		{action: "logs:DeleteLogGroup", resource: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/bitflow-migration"},
		{action: "ecs:StopServiceDeployment", resource: "arn:aws:ecs:us-east-1:123456789012:service-deployment/other-cluster/bitflow-backend/x"},
		{action: "ecs:ContinueServiceDeployment", resource: "arn:aws:ecs:us-east-1:123456789012:service-deployment/bitflow-cluster/payments/x"},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/bitflow-ecs-infrastructure-role", context: map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/admin", context: map[string]string{"iam:PassedToService": "ecs.amazonaws.com"}},
		{action: "cloudwatch:PutMetricAlarm", resource: "*"},
		{action: "s3:PutObject", resource: "arn:aws:s3:::bitflow-deploy-state-123456789012/other-team/state.tfstate"},
		{action: "s3:GetObject", resource: "arn:aws:s3:::another-bucket/production/lock.json"},
		{action: "s3:DeleteBucket", resource: "arn:aws:s3:::bitflow-deploy-state-123456789012"},
		{action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::bitflow-deploy-state-123456789012"},
		{action: "s3:ListBucket", resource: "arn:aws:s3:::bitflow-deploy-state-123456789012", context: map[string]string{"s3:prefix": "other-team/"}},
		{action: "s3:ListBucket", resource: "arn:aws:s3:::bitflow-deploy-state-123456789012"}, // listing everything
	} {
		if allowed(d, r) {
			t.Errorf("%s on %s (context %v) is allowed but should not be", r.action, r.resource, r.context)
		}
	}
}

// TestPolicyShape pins the statement set and forbids wildcard actions and
// unconditioned "*" resources other than the four APIs AWS cannot scope.
func TestPolicyShape(t *testing.T) {
	d := loadPolicy(t)
	var sids []string
	star := map[string]bool{}
	for _, st := range d.Statement {
		sids = append(sids, st.Sid)
		if st.Effect != "Allow" {
			t.Errorf("%s: unexpected Effect %s", st.Sid, st.Effect)
		}
		for _, a := range st.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %q", st.Sid, a)
			}
		}
		if slices.Contains(st.Resource, "*") && len(st.Condition) == 0 {
			for _, a := range st.Action {
				star[a] = true
			}
		}
	}
	want := []string{
		"EcsReadServicesAndDeploy", "EcsListServiceDeploymentsOfBitflowServices", "EcsGateAndStopServiceDeployments", "EcsTaskDefinitionsNoResourceScoping", "EcsTagOnlyWhileRegisteringTaskDefinitions",
		"EcsRunMigrationTaskInCluster", "EcsWatchAndStopTasksInCluster", "EcsListTasksInCluster", "PassOnlyTheTaskRolesToEcsTasks", "PassOnlyTheInfrastructureRoleToEcs",
		"EcrLoginNoResourceScoping", "EcrPushPullBitflowRepositories", "LogsReadMigrationOutput", "ElbReadNoResourceScoping",
		"ElbSwitchTrafficOnBitflowAlbOnly", "CheckDescribesTheCluster", "CheckListsLogGroups", "CheckReadsTheTaskRoles",
		"CloudWatchMetricsNoResourceScoping",
		"S3DeployStateObjects", "S3ListDeployStateReleases",
	}
	if !slices.Equal(sids, want) {
		t.Errorf("statements = %v\nwant %v", sids, want)
	}
	unscopable := []string{
		"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecr:GetAuthorizationToken",
		"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeLoadBalancers",
		"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
		"cloudwatch:GetMetricData", // CloudWatch has no resource-level permissions for GetMetricData
	}
	for a := range star {
		if !slices.Contains(unscopable, a) {
			t.Errorf("%s is granted on every resource without a condition, but AWS can scope it", a)
		}
	}
}

func TestTrustPolicy(t *testing.T) {
	d, err := Parse("deploy-role-trust.json", DeployRoleTrust)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statement) != 1 {
		t.Fatalf("want one trust statement, got %d", len(d.Statement))
	}
	st := d.Statement[0]
	if !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) {
		t.Errorf("Action = %v", st.Action)
	}
	if fed := st.Principal["Federated"]; !strings.HasSuffix(fed, ":oidc-provider/token.actions.githubusercontent.com") {
		t.Errorf("Principal.Federated = %q, want the GitHub OIDC provider", fed)
	}
	eq := st.Condition["StringEquals"]
	if strings.Join(eq["token.actions.githubusercontent.com:aud"], ",") != "sts.amazonaws.com" {
		t.Errorf("aud condition = %q", eq["token.actions.githubusercontent.com:aud"])
	}
	// The subject names the branch too (custom sub template repo,context,ref), so the
	// role does not depend on the GitHub environment's branch policy, a setting this
	// repository cannot check: a job on another branch gets another subject.
	if strings.Join(eq["token.actions.githubusercontent.com:sub"], ",") != "repo:ORG/REPO:environment:production:ref:refs/heads/main" {
		t.Errorf("sub condition = %q, want the production environment of the repository on main only", eq["token.actions.githubusercontent.com:sub"])
	}
	if _, like := st.Condition["StringLike"]; like {
		t.Error("trust uses StringLike: a wildcard sub would let any branch or environment assume the deploy role")
	}
}

func TestParseRejectsBadDocuments(t *testing.T) {
	for name, src := range map[string]string{
		"not json":      `{`,
		"old version":   `{"Version":"2008-10-17","Statement":[]}`,
		"bad effect":    `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject"}]}`,
		"no action":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`,
		"action number": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":7}]}`,
	} {
		if _, err := Parse(name, []byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// checkCalls are the read-only calls of `bitflow-deploy check`
// (ci/inventory) beyond the deploy's own, on the resources it reads.
var checkCalls = []request{
	{action: "ecs:DescribeClusters", resource: cluster},
	{action: "ecs:DescribeServices", resource: "arn:aws:ecs:us-east-1:123456789012:service/bitflow-cluster/bitflow-frontend-student"},
	{action: "ecs:DescribeTaskDefinition", resource: "*"},
	{action: "ecr:DescribeRepositories", resource: "arn:aws:ecr:us-east-1:123456789012:repository/bitflow-super-non-teaching-manager"},
	{action: "logs:DescribeLogGroups", resource: "arn:aws:logs:us-east-1:123456789012:log-group:*"},
	{action: "elasticloadbalancing:DescribeLoadBalancers", resource: "*"},
	{action: "elasticloadbalancing:DescribeListeners", resource: "*"},
	{action: "elasticloadbalancing:DescribeRules", resource: "*"},
	{action: "elasticloadbalancing:DescribeTargetGroups", resource: "*"},
	{action: "iam:GetRole", resource: "arn:aws:iam::123456789012:role/bitflow-ecs-task-role"},
	{action: "iam:GetRole", resource: "arn:aws:iam::123456789012:role/bitflow-ecs-task-execution-role"},
}

func TestPolicyAllowsTheCheck(t *testing.T) {
	d := loadPolicy(t)
	for _, r := range checkCalls {
		if !allowed(d, r) {
			t.Errorf("check: %s on %s is NOT allowed by deploy-role-policy.json", r.action, r.resource)
		}
	}
	if allowed(d, request{action: "iam:GetRole", resource: "arn:aws:iam::123456789012:role/admin"}) {
		t.Error("iam:GetRole allowed on a role other than the task roles")
	}
}

// TestPolicyRolesAreTheEnvironmentsRoles keeps the roles the deploy role may
// pass (and read) equal to the roles the shipped environments name.
func TestPolicyRolesAreTheEnvironmentsRoles(t *testing.T) {
	d := loadPolicy(t)
	for _, name := range []string{"production", "staging", "emulator"} {
		env, err := config.Load(filepath.Join("..", "environments", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{env.Roles.Execution, env.Roles.Task} {
			arn := env.RoleArn(role)
			if !allowed(d, request{action: "iam:PassRole", resource: arn, context: map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}}) {
				t.Errorf("%s names role %s, but the deploy role may not pass it", name, role)
			}
		}
	}
}
