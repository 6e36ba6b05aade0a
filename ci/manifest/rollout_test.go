package manifest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// oldManifest is a schema-2 manifest written before services had rollouts.
const oldManifest = `{
  "schemaVersion": 2, "id": "production-abc1234-1", "environment": "production", "gitSha": "abc1234",
  "strategy": "rolling", "images": [{"app": "backend", "repository": "r/bitflow-backend", "tag": "abc1234"}],
  "services": [{"service": "bitflow-backend", "cluster": "c", "taskDefinitionBefore": "td:1", "taskDefinitionAfter": "td:2"}],
  "stages": [{"name": "deploy", "status": "succeeded", "startedAt": "2026-11-25T10:00:00Z", "finishedAt": "2026-11-25T10:01:00Z"}],
  "outcome": "succeeded", "startedAt": "2026-11-25T10:00:00Z"
}`

func TestManifestWithoutRolloutsStillParses(t *testing.T) {
	m, err := Parse([]byte(oldManifest))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Services) != 1 || m.Services[0].Rollout != nil || m.Services[0].Rollout.Ended() {
		t.Errorf("services %+v, want one without a rollout", m.Services)
	}
	b, err := json.Marshal(m.Services[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "rollout") {
		t.Errorf("a service without a rollout must be written as before: %s", b)
	}
}

func TestRolloutJSON(t *testing.T) {
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	open := ServiceChange{Service: "s", Rollout: &Rollout{StartedAt: start}}
	b, _ := json.Marshal(open)
	if got := string(b); !strings.Contains(got, `"rollout":{"startedAt":"2026-11-25T10:00:00Z"}`) {
		t.Errorf("a running rollout carries only its start: %s", got)
	}
	done := ServiceChange{Service: "s", Rollout: &Rollout{StartedAt: start, FinishedAt: start.Add(time.Minute), Result: RolloutStable}}
	b, _ = json.Marshal(done)
	var back ServiceChange
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if *back.Rollout != *done.Rollout || !back.Rollout.Ended() {
		t.Errorf("round trip %s: %+v", b, back.Rollout)
	}
}
