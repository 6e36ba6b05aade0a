package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/ecs"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// render builds each target's new task definition from its source
// service's current one (only images change, pinned by digest), prints the
// diff, and registers it unless this is a dry run.
func (r *Run) render(ctx context.Context) error {
	for _, t := range r.Targets {
		old, err := ecs.DescribeTaskDefinition(ctx, r.ecs, aws.ToString(t.Current.TaskDefinition))
		if err != nil {
			return err
		}
		t.OldTaskDefinition = old
		images := map[string]string{}
		for _, c := range t.Containers {
			img, ok := r.Images[c.App]
			if !ok {
				return fmt.Errorf("no checked image for app %s (container %s of %s)", c.App, c.Name, t.Service)
			}
			images[c.Name] = img.Ref()
		}
		in, err := ecs.Render(old, images)
		if err != nil {
			return fmt.Errorf("service %s: %w", t.Service, err)
		}
		if t.Diff, err = ecs.Diff(old, in); err != nil {
			return err
		}
		r.Printf("    %s (from %s):", t.Service, ecs.Ref(old))
		if t.Diff == "" {
			r.Printf("      no change: the service already runs these images")
		} else {
			r.Printf("%s", indent(t.Diff, "      "))
		}
		change := manifest.ServiceChange{Service: t.Service, Cluster: r.Env.Cluster,
			TaskDefinitionBefore: aws.ToString(t.Current.TaskDefinition), DesiredCountBefore: t.Current.DesiredCount}
		if !r.DryRun {
			reg, err := ecs.Register(ctx, r.ecs, in)
			if err != nil {
				return err
			}
			t.NewTaskDefinitionArn = aws.ToString(reg.TaskDefinitionArn)
			change.TaskDefinitionAfter = t.NewTaskDefinitionArn
			r.Printf("    registered %s", shortARN(t.NewTaskDefinitionArn))
		}
		r.mu.Lock()
		r.Manifest.Services = append(r.Manifest.Services, change)
		r.mu.Unlock()
	}
	return nil
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
