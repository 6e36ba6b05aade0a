package awsemu

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Every member of the SDK's DeploymentConfiguration (a newer SDK may add
// some) is kept by mergeDeploymentConfiguration when the request leaves it
// out, and replaced when the request sends it.
func TestMergeDeploymentConfigurationCoversEveryMember(t *testing.T) {
	typ := reflect.TypeOf(types.DeploymentConfiguration{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		cur, sent := &types.DeploymentConfiguration{}, &types.DeploymentConfiguration{}
		set(reflect.ValueOf(cur).Elem().Field(i))
		if got := reflect.ValueOf(mergeDeploymentConfiguration(cur, sent)).Elem().Field(i); got.IsZero() {
			t.Errorf("%s: not sent, not kept", f.Name)
		}
		set(reflect.ValueOf(sent).Elem().Field(i))
		want := reflect.ValueOf(sent).Elem().Field(i).Interface()
		if got := reflect.ValueOf(mergeDeploymentConfiguration(cur, sent)).Elem().Field(i).Interface(); !reflect.DeepEqual(got, want) || f.Type.Kind() == reflect.Pointer && got == reflect.ValueOf(cur).Elem().Field(i).Interface() {
			t.Errorf("%s: sent, not replaced", f.Name)
		}
	}
}

// set gives v a non-zero value of its type.
func set(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.String:
		v.SetString("X")
	default:
		panic("unexpected kind " + v.Kind().String())
	}
}
