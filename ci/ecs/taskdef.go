package ecs

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TaskDefinition is a registered task definition with its tags (tags are
// only returned when asked for, and RegisterTaskDefinition takes them).
type TaskDefinition struct {
	types.TaskDefinition
	Tags []types.Tag
}

// DescribeTaskDefinition fetches a task definition (family, family:revision
// or ARN) with its tags.
func DescribeTaskDefinition(ctx context.Context, api API, ref string) (*TaskDefinition, error) {
	out, err := api.DescribeTaskDefinition(ctx, &awsecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(ref),
		Include:        []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		return nil, fmt.Errorf("ecs DescribeTaskDefinition %s: %w", ref, err)
	}
	if out.TaskDefinition == nil {
		return nil, fmt.Errorf("ecs DescribeTaskDefinition %s: no task definition returned", ref)
	}
	return &TaskDefinition{TaskDefinition: *out.TaskDefinition, Tags: out.Tags}, nil
}

// registerFields are the RegisterTaskDefinitionInput fields carried over
// from types.TaskDefinition by name. Tags come from TaskDefinition.Tags.
var registerFields = func() []string {
	in := reflect.TypeOf(awsecs.RegisterTaskDefinitionInput{})
	td := reflect.TypeOf(types.TaskDefinition{})
	var names []string
	for i := 0; i < in.NumField(); i++ {
		f := in.Field(i)
		if !f.IsExported() || f.Name == "Tags" {
			continue
		}
		if tf, ok := td.FieldByName(f.Name); ok && tf.Type == f.Type {
			names = append(names, f.Name)
		}
	}
	return names
}()

// RegisterInput turns a task definition back into the input that would
// register it again: every field RegisterTaskDefinition accepts that the
// described task definition carries (matched by name and type, so fields a
// newer SDK adds are carried over too), plus its tags. Slices are copied so
// the result can be changed without touching td.
func RegisterInput(td *TaskDefinition) *awsecs.RegisterTaskDefinitionInput {
	in := &awsecs.RegisterTaskDefinitionInput{}
	dst := reflect.ValueOf(in).Elem()
	src := reflect.ValueOf(td.TaskDefinition)
	for _, name := range registerFields {
		dst.FieldByName(name).Set(src.FieldByName(name))
	}
	in.ContainerDefinitions = append([]types.ContainerDefinition(nil), td.ContainerDefinitions...)
	if len(td.Tags) > 0 {
		in.Tags = append([]types.Tag(nil), td.Tags...)
	}
	return in
}

// Render is the new revision of td with container images replaced by
// container name (images: container name -> image reference, pinned by
// digest where known). Every other field is carried over unchanged. A
// container named in images that td does not have is an error naming both.
func Render(td *TaskDefinition, images map[string]string) (*awsecs.RegisterTaskDefinitionInput, error) {
	in := RegisterInput(td)
	have := map[string]int{}
	for i, c := range in.ContainerDefinitions {
		have[aws.ToString(c.Name)] = i
	}
	var missing []string
	for name, image := range images {
		i, ok := have[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		in.ContainerDefinitions[i].Image = aws.String(image)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		var present []string
		for n := range have {
			present = append(present, n)
		}
		sort.Strings(present)
		return nil, fmt.Errorf("task definition %s has no container named %s (it has: %s)",
			Ref(td), strings.Join(missing, ", "), strings.Join(present, ", "))
	}
	return in, nil
}

// Register registers a rendered revision and returns the new task definition.
func Register(ctx context.Context, api API, in *awsecs.RegisterTaskDefinitionInput) (*types.TaskDefinition, error) {
	out, err := api.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("ecs RegisterTaskDefinition %s: %w", aws.ToString(in.Family), err)
	}
	return out.TaskDefinition, nil
}

// Ref is family:revision (or the ARN when the family is unknown).
func Ref(td *TaskDefinition) string {
	if td.Family != nil {
		return fmt.Sprintf("%s:%d", *td.Family, td.Revision)
	}
	return aws.ToString(td.TaskDefinitionArn)
}
