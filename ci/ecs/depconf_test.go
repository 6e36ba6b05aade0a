package ecs

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// MergeDeploymentConfiguration keeps every member the request leaves out
// (a newer SDK's too) and replaces every member it sends.
func TestMergeDeploymentConfigurationCoversEveryMember(t *testing.T) {
	typ := reflect.TypeOf(types.DeploymentConfiguration{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		cur, sent := &types.DeploymentConfiguration{}, &types.DeploymentConfiguration{}
		nonZero(reflect.ValueOf(cur).Elem().Field(i))
		if got := reflect.ValueOf(MergeDeploymentConfiguration(cur, sent)).Elem().Field(i); got.IsZero() {
			t.Errorf("%s: not sent, not kept", f.Name)
		}
		nonZero(reflect.ValueOf(sent).Elem().Field(i))
		if got := reflect.ValueOf(MergeDeploymentConfiguration(cur, sent)).Elem().Field(i).Interface(); !reflect.DeepEqual(got, reflect.ValueOf(sent).Elem().Field(i).Interface()) ||
			f.Type.Kind() == reflect.Pointer && got == reflect.ValueOf(cur).Elem().Field(i).Interface() {
			t.Errorf("%s: sent, not replaced", f.Name)
		}
	}
}

func nonZero(v reflect.Value) {
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

// The rolling configuration sets every strategy-specific member a native
// strategy sets, so switching back clears them: strategy, hooks (an empty
// list, which the SDK sends), bake time, alarms (off), circuit breaker.
func TestRollingDeploymentConfigurationClearsNativeMembers(t *testing.T) {
	dc := RollingDeploymentConfiguration()
	if dc.Strategy != types.DeploymentStrategyRolling || dc.LifecycleHooks == nil || len(dc.LifecycleHooks) != 0 ||
		dc.BakeTimeInMinutes == nil || *dc.BakeTimeInMinutes != 0 || dc.Alarms == nil || dc.Alarms.Enable || dc.Alarms.AlarmNames == nil ||
		dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable {
		t.Errorf("%+v", dc)
	}
	if dc.MaximumPercent != nil || dc.MinimumHealthyPercent != nil {
		t.Errorf("the task counts are the service's own: %+v", dc)
	}
}
