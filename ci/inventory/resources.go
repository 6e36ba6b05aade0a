// Package inventory lists every AWS resource an environment file names —
// ECR repositories, the cluster, each service and its task-definition
// family, the migration family, target groups, the load balancer, its
// listener and rules, log groups, IAM roles, the state bucket — and checks,
// with read-only SDK calls, that each exists and is configured the way the
// deploy brain expects (container names, ports, target-group attachments).
// The same list renders ci/docs/new-aws-account.md.
package inventory

import (
	"fmt"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Kind is a type of AWS resource.
type Kind string

// Resource kinds, in the order a new account creates them.
const (
	KindAccount      Kind = "account"
	KindRole         Kind = "iam role"
	KindRepository   Kind = "ecr repository"
	KindLogGroup     Kind = "log group"
	KindCluster      Kind = "ecs cluster"
	KindLoadBalancer Kind = "load balancer"
	KindListener     Kind = "listener"
	KindTargetGroup  Kind = "target group"
	KindRule         Kind = "listener rule"
	KindTaskFamily   Kind = "task definition"
	KindService      Kind = "ecs service"
	KindBucket       Kind = "s3 bucket"
)

// PlaceholderAccount is the account ID the committed environment files carry
// until a real one is filled in.
const PlaceholderAccount = "123456789012"

// Resource is one AWS resource the environment needs, by exact name, with
// what it must look like.
type Resource struct {
	Kind Kind
	Name string
	// Want says how it must be configured (container names, ports, ...).
	Want string

	service *config.Service // services, families, target groups and rules
	colour  *config.Colour  // blue/green colour services and target groups
}

// String is "<kind> <name>".
func (r Resource) String() string { return string(r.Kind) + " " + r.Name }

// Resources lists what env needs, in creation order, each once.
func Resources(env *config.Environment) []Resource {
	var out []Resource
	seen := map[string]bool{}
	add := func(r Resource) {
		if k := r.String(); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	add(Resource{Kind: KindAccount, Name: env.AccountID, Want: "the account the credentials belong to, region " + env.Region})
	add(Resource{Kind: KindRole, Name: env.Roles.Execution, Want: "trusted by ecs-tasks.amazonaws.com; pulls images, writes logs (every task definition's executionRoleArn)"})
	add(Resource{Kind: KindRole, Name: env.Roles.Task, Want: "trusted by ecs-tasks.amazonaws.com (every task definition's taskRoleArn)"})
	if env.State != nil {
		add(Resource{Kind: KindBucket, Name: env.State.Bucket, Want: "release ledger and deploy lock under " + env.State.Prefix + "/"})
	}
	for _, app := range env.AppsDeployed() {
		add(Resource{Kind: KindRepository, Name: env.Repository(app), Want: "images of " + app + " tagged with the commit sha"})
	}
	for _, lg := range env.LogGroups() {
		add(Resource{Kind: KindLogGroup, Name: lg, Want: "awslogs-group of its family's containers"})
	}
	add(Resource{Kind: KindCluster, Name: env.Cluster, Want: "ACTIVE"})
	if lb := env.LoadBalancer; lb != nil {
		add(Resource{Kind: KindLoadBalancer, Name: lb.Name, Want: "application load balancer"})
		add(Resource{Kind: KindListener, Name: fmt.Sprintf("%s:%d", lb.Name, lb.ListenerPort), Want: "holds one rule per service below"})
	}
	for i := range env.Services {
		s := &env.Services[i]
		if s.TargetGroup == "" {
			continue
		}
		c := s.PortContainer()
		add(Resource{Kind: KindTargetGroup, Name: s.TargetGroup, service: s, Want: fmt.Sprintf("ip targets, port %d (container %s of %s)", c.Port, c.Name, s.Name)})
		if s.Rule != nil && env.LoadBalancer != nil {
			add(Resource{Kind: KindRule, Name: fmt.Sprintf("%s:%d priority %d", env.LoadBalancer.Name, env.LoadBalancer.ListenerPort, s.Rule.Priority), service: s,
				Want: ruleText(s.Rule) + " -> forward to " + s.TargetGroup})
		}
	}
	for i := range env.Services {
		s := &env.Services[i]
		var ctrs []string
		for _, c := range s.Containers {
			ct := c.Name + " (image " + env.Repository(c.App)
			if c.Port != 0 {
				ct += fmt.Sprintf(", port %d", c.Port)
			}
			ctrs = append(ctrs, ct+")")
		}
		add(Resource{Kind: KindTaskFamily, Name: s.TaskFamily(), service: s, Want: "containers " + strings.Join(ctrs, ", ")})
	}
	if !env.Migration.Disabled {
		add(Resource{Kind: KindTaskFamily, Name: env.MigrationFamily(), Want: "container " + env.Migration.Container + " (image " + env.Repository(config.BackendApp) + ")"})
	}
	for i := range env.Services {
		s := &env.Services[i]
		want := "runs family " + s.TaskFamily()
		if c := s.PortContainer(); s.TargetGroup != "" {
			want += fmt.Sprintf(", attached to target group %s via container %s port %d", s.TargetGroup, c.Name, c.Port)
		}
		add(Resource{Kind: KindService, Name: s.Name, service: s, Want: want})
	}
	if bg := env.BlueGreen; bg != nil {
		for _, col := range []*config.Colour{&bg.Blue, &bg.Green} {
			add(Resource{Kind: KindTargetGroup, Name: arnName(col.TargetGroupArn), colour: col, Want: "blue/green colour: " + col.TargetGroupArn})
			add(Resource{Kind: KindService, Name: col.Service, colour: col, Want: "blue/green colour, attached to target group " + arnName(col.TargetGroupArn)})
		}
	}
	return out
}

func ruleText(r *config.Rule) string {
	var conds []string
	if r.Host != "" {
		conds = append(conds, "host "+r.Host)
	}
	if r.Path != "" {
		conds = append(conds, "path "+r.Path)
	}
	return strings.Join(conds, " and ")
}

// arnName is the name part of a target group ARN (…:targetgroup/NAME/id).
func arnName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":targetgroup/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// List is the resources one per line with how each must look (what check
// --offline prints).
func List(env *config.Environment) string {
	var b strings.Builder
	b.WriteString("resources the environment needs (not checked: no AWS call):\n")
	for _, r := range Resources(env) {
		fmt.Fprintf(&b, "  %s: %s\n", r, r.Want)
	}
	return b.String()
}
