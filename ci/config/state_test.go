package config

import (
	"strings"
	"testing"
	"time"
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

func TestWorstCaseAddsEveryWait(t *testing.T) {
	env := loadRepoEnv(t, "production")
	env.Strategy = StrategyRolling
	rolling := env.WorstCase(0)
	if !env.Migration.Guard {
		t.Fatal("production.yaml: migration.guard is off")
	}
	migration := 2 * env.Timeouts.Migration.Duration // the guard's pretend task, then the migration
	if want := migration + env.Timeouts.Deploy.Duration + 60*time.Second; rolling != want {
		t.Errorf("rolling worst case %s, want %s", rolling, want)
	}
	env.Strategy = StrategyBlueGreen
	bg := env.BlueGreen
	want := migration + 2*env.Timeouts.Deploy.Duration + time.Duration(bg.HealthCheck.Retries)*bg.HealthCheck.Interval.Duration + bg.Bake.Duration
	if got := env.WorstCase(0); got != want {
		t.Errorf("bluegreen worst case %s, want %s", got, want)
	}
	if got := env.WorstCase(10 * time.Minute); got != want+10*time.Minute {
		t.Errorf("lock wait not added: %s", got)
	}
}
