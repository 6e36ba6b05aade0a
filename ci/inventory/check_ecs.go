package inventory

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/bitflow-lms/pipeline/ci/config"
)

func (c *checker) checkCluster(ctx context.Context, name string) (Status, []string) {
	out, err := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{name}})
	if err != nil {
		return Unverified, []string{err.Error()}
	}
	for _, cl := range out.Clusters {
		if aws.ToString(cl.ClusterName) == name {
			if st := aws.ToString(cl.Status); st != "ACTIVE" {
				return Missing, []string{"status " + st}
			}
			return OK, nil
		}
	}
	return Missing, nil
}

// checkFamily describes the family's latest ACTIVE revision: the configured
// containers exist, the target group's container listens on its port, at
// most 10 containers, the environment's roles and log group.
func (c *checker) checkFamily(ctx context.Context, r Resource) (Status, []string) {
	out, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(r.Name)})
	if apiCode(err) == "ClientException" {
		return Missing, nil
	}
	if err != nil {
		return Unverified, []string{err.Error()}
	}
	td := out.TaskDefinition
	var want []config.Container
	if r.service != nil {
		want = r.service.Containers
	} else {
		want = []config.Container{{Name: c.env.Migration.Container, App: config.BackendApp}}
	}
	var problems []string
	ports := map[string][]int32{}
	var have []string
	for _, cd := range td.ContainerDefinitions {
		name := aws.ToString(cd.Name)
		have = append(have, name)
		for _, pm := range cd.PortMappings {
			ports[name] = append(ports[name], aws.ToInt32(pm.ContainerPort))
		}
		if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == "awslogs" && lc.Options["awslogs-group"] != config.LogGroup(r.Name) {
			problems = append(problems, fmt.Sprintf("container %s logs to %s, not %s", name, lc.Options["awslogs-group"], config.LogGroup(r.Name)))
		}
	}
	if n := len(td.ContainerDefinitions); n > config.MaxContainersPerTask {
		problems = append(problems, fmt.Sprintf("%d containers (ECS allows %d)", n, config.MaxContainersPerTask))
	}
	for _, w := range want {
		p, ok := ports[w.Name]
		switch {
		case !ok && !contains(have, w.Name):
			problems = append(problems, fmt.Sprintf("no container named %s (it has: %s)", w.Name, strings.Join(have, ", ")))
		case w.Port != 0 && !containsPort(p, int32(w.Port)):
			problems = append(problems, fmt.Sprintf("container %s maps ports %v, not %d", w.Name, p, w.Port))
		}
	}
	for _, role := range []struct{ field, got, want string }{
		{"executionRoleArn", aws.ToString(td.ExecutionRoleArn), c.env.Roles.Execution},
		{"taskRoleArn", aws.ToString(td.TaskRoleArn), c.env.Roles.Task},
	} {
		if !strings.HasSuffix(role.got, ":role/"+role.want) {
			problems = append(problems, fmt.Sprintf("%s is %q, not role %s", role.field, role.got, role.want))
		}
	}
	if len(problems) > 0 {
		return Wrong, problems
	}
	return OK, nil
}

// checkService checks the service runs its family and is attached to its
// target group through the right container and port.
func (c *checker) checkService(r Resource) (Status, []string) {
	s, ok := c.services[r.Name]
	if !ok || s.status != "ACTIVE" {
		return Missing, nil
	}
	var problems []string
	var tgName, ctr string
	var port int32
	switch {
	case r.service != nil:
		if fam := familyOf(s.taskDefinition); fam != r.service.TaskFamily() {
			problems = append(problems, fmt.Sprintf("runs family %s, not %s", fam, r.service.TaskFamily()))
		}
		if pc := r.service.PortContainer(); r.service.TargetGroup != "" {
			tgName, ctr, port = r.service.TargetGroup, pc.Name, int32(pc.Port)
		}
	case r.colour != nil:
		tgName = arnName(r.colour.TargetGroupArn)
	}
	if tgName != "" {
		tg := c.targetGroups[tgName]
		attached := false
		for _, lb := range s.loadBalancers {
			if tg.arn == "" || aws.ToString(lb.TargetGroupArn) != tg.arn {
				continue
			}
			attached = true
			if ctr != "" && (aws.ToString(lb.ContainerName) != ctr || aws.ToInt32(lb.ContainerPort) != port) {
				problems = append(problems, fmt.Sprintf("attached to %s via container %s port %d, want container %s port %d",
					tgName, aws.ToString(lb.ContainerName), aws.ToInt32(lb.ContainerPort), ctr, port))
			}
		}
		if !attached {
			problems = append(problems, "not attached to target group "+tgName)
		}
	}
	if len(problems) > 0 {
		return Wrong, problems
	}
	return OK, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsPort(list []int32, p int32) bool {
	for _, x := range list {
		if x == p {
			return true
		}
	}
	return false
}
