package ecs

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func loadFixture(t *testing.T) *TaskDefinition {
	t.Helper()
	b, err := os.ReadFile("testdata/frontend-taskdef.json")
	if err != nil {
		t.Fatal(err)
	}
	var td types.TaskDefinition
	if err := json.Unmarshal(b, &td); err != nil {
		t.Fatal(err)
	}
	return &TaskDefinition{TaskDefinition: td, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("lms")}}}
}

// fillAll sets every exported field reachable from v to a non-zero value.
func fillAll(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type() == reflect.TypeOf(&time.Time{}) {
			now := time.Unix(1700000000, 0)
			v.Set(reflect.ValueOf(&now))
			return
		}
		p := reflect.New(v.Type().Elem())
		fillAll(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fillAll(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fillAll(k, depth+1)
		e := reflect.New(v.Type().Elem()).Elem()
		fillAll(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("x-" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1.5)
	case reflect.Interface:
		// document types and the like: left nil
	}
}

// TestRenderCarriesEveryRegisterField walks RegisterTaskDefinitionInput by
// reflection: every field it has must be filled from a fully populated task
// definition, so a field added by a newer SDK cannot be dropped silently.
func TestRenderCarriesEveryRegisterField(t *testing.T) {
	var src types.TaskDefinition
	fillAll(reflect.ValueOf(&src).Elem(), 0)
	td := &TaskDefinition{TaskDefinition: src, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}
	in, err := Render(td, map[string]string{aws.ToString(src.ContainerDefinitions[0].Name): "repo@sha256:new"})
	if err != nil {
		t.Fatal(err)
	}
	iv := reflect.ValueOf(in).Elem()
	sv := reflect.ValueOf(src)
	for i := 0; i < iv.NumField(); i++ {
		f := iv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if iv.Field(i).IsZero() {
			t.Errorf("RegisterTaskDefinitionInput.%s is not carried over from the current task definition", f.Name)
			continue
		}
		switch f.Name {
		case "Tags":
			if !reflect.DeepEqual(in.Tags, td.Tags) {
				t.Errorf("Tags = %v", in.Tags)
			}
		case "ContainerDefinitions":
			want := src.ContainerDefinitions[0]
			want.Image = aws.String("repo@sha256:new")
			if !reflect.DeepEqual(in.ContainerDefinitions[0], want) {
				t.Errorf("container definition changed beyond its image")
			}
		default:
			if !reflect.DeepEqual(iv.Field(i).Interface(), sv.FieldByName(f.Name).Interface()) {
				t.Errorf("%s differs from the source", f.Name)
			}
		}
	}
	if aws.ToString(src.ContainerDefinitions[0].Image) == "repo@sha256:new" {
		t.Error("Render modified the source task definition")
	}
}

func TestRenderChangesOnlyNamedImages(t *testing.T) {
	td := loadFixture(t)
	in, err := Render(td, map[string]string{
		"student": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student@sha256:aaaa",
		"parent":  "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-parent@sha256:bbbb",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(in.ContainerDefinitions[0].Image); !strings.HasSuffix(got, "bitflow-student@sha256:aaaa") {
		t.Errorf("student image = %s", got)
	}
	if got := aws.ToString(in.ContainerDefinitions[2].Image); got != "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable" {
		t.Errorf("sidecar image changed: %s", got)
	}
	if aws.ToString(in.Family) != "bitflow-frontend" || aws.ToString(in.Cpu) != "2048" || in.NetworkMode != types.NetworkModeAwsvpc ||
		aws.ToString(in.ExecutionRoleArn) == "" || in.EphemeralStorage.SizeInGiB != 30 || len(in.Tags) != 1 ||
		in.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"] != "/ecs/bitflow-frontend" {
		t.Errorf("fields not carried over: %+v", in)
	}

	diff, err := Diff(td, in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("diff:\n%s", diff)
	var changed []string
	for _, l := range strings.Split(diff, "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			changed = append(changed, l)
		}
	}
	want := []string{
		`-      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student:1111111",`,
		`+      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student@sha256:aaaa",`,
		`-      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-parent:1111111",`,
		`+      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-parent@sha256:bbbb",`,
	}
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("changed lines:\n%s\nwant:\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(diff, "# container student: 123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student:1111111 -> 123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student@sha256:aaaa\n# container parent: ") ||
		!strings.Contains(diff, "\n--- bitflow-frontend:41\n+++ bitflow-frontend:new\n") {
		t.Errorf("diff header: %q", diff[:300])
	}
	if same, _ := Diff(td, RegisterInput(td)); same != "" {
		t.Errorf("no-change diff should be empty, got:\n%s", same)
	}
}

func TestRenderUnknownContainerNamesFamilyAndContainers(t *testing.T) {
	_, err := Render(loadFixture(t), map[string]string{"studnt": "x", "student": "y"})
	if err == nil || !strings.Contains(err.Error(), "bitflow-frontend:41 has no container named studnt (it has: log-router, parent, student)") {
		t.Fatalf("err = %v", err)
	}
}

var _ = awsecs.RegisterTaskDefinitionInput{}
