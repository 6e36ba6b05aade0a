package config

import (
	"strings"
	"testing"
)

func TestShippedEnvironmentsNameTheirState(t *testing.T) {
	for _, name := range []string{"production", "staging", "emulator"} {
		env := loadRepoEnv(t, name)
		if env.State == nil || env.State.Bucket == "" || env.State.Prefix != name {
			t.Errorf("%s: state %+v, want a bucket and prefix %q", name, env.State, name)
		}
	}
}

func TestStateIsValidated(t *testing.T) {
	env := loadRepoEnv(t, "staging")
	env.State = &State{Bucket: "Bad_Bucket", Prefix: "a/../b"}
	err := env.Validate()
	if err == nil || !strings.Contains(err.Error(), "state.bucket") || !strings.Contains(err.Error(), "state.prefix") {
		t.Fatalf("bad state accepted: %v", err)
	}
	env.State = &State{Bucket: "bitflow-state", Prefix: "/lead"}
	if err := env.Validate(); err == nil || !strings.Contains(err.Error(), "state.prefix") {
		t.Fatalf("leading slash accepted: %v", err)
	}
	env.State = &State{Bucket: "bitflow-state", Prefix: "teams/staging"}
	if err := env.Validate(); err != nil {
		t.Fatal(err)
	}
}
