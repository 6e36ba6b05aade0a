// Package manifest is the release manifest: the JSON record written for every
// deploy. It names the git sha, every image with its digest, every task
// definition before and after, the strategy, the timing and result of each
// stage, and the outcome. Rollback and plan read it; reporting (Slack, GitHub,
// the job summary) renders it; people can read it too.
package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// SchemaVersion is bumped when the JSON shape changes. Version 2 added who
// started the run (startedBy, runUrl), what it replaced or undoes, and the
// commit time; version 1 manifests are still read. Optional fields (a
// service's rollout) come without a bump, so that a toolkit that predates
// them still reads the ledger: JSON readers skip what they do not know.
const SchemaVersion = 2

// Outcome is the final state of a deploy.
type Outcome string

const (
	OutcomeInProgress Outcome = "in_progress"
	OutcomeSucceeded  Outcome = "succeeded"
	OutcomeFailed     Outcome = "failed"
	OutcomeRolledBack Outcome = "rolled_back" // failed, and traffic/state was returned automatically
	OutcomeCancelled  Outcome = "cancelled"
	// OutcomeAbandoned: the run died (killed, lost its machine) and the run
	// that took over its expired lock closed its record (Abandoned says when,
	// by whom and what was live then).
	OutcomeAbandoned Outcome = "abandoned"
	// OutcomeRefused: a check refused the run before it changed anything
	// (a rollback with a newer release live, or nothing left to undo).
	OutcomeRefused Outcome = "refused"
)

// StageStatus is the state of one stage of a run.
type StageStatus string

const (
	StageRunning   StageStatus = "running"
	StageSucceeded StageStatus = "succeeded"
	StageFailed    StageStatus = "failed"
	StageSkipped   StageStatus = "skipped"
	StageCancelled StageStatus = "cancelled"
	// StageAbandoned: the stage was running when the run died; its
	// FinishedAt is when another run closed the record (Abandon), not the
	// moment of death, which nobody saw.
	StageAbandoned StageStatus = "abandoned"
)

// Image is one built and pushed image of a release.
type Image struct {
	App        string `json:"app"`        // "backend" or one of the 14 frontend apps
	Repository string `json:"repository"` // e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend
	Tag        string `json:"tag"`
	Digest     string `json:"digest,omitempty"` // sha256:...
}

// Ref is the image reference, pinned by digest when the digest is known.
func (i Image) Ref() string {
	if i.Digest != "" {
		return i.Repository + "@" + i.Digest
	}
	return i.Repository + ":" + i.Tag
}

// Short is Ref for a progress line: ShortRef of it.
func (i Image) Short() string { return ShortRef(i.Ref()) }

// ShortRef shortens an image reference for a progress line: the repository
// name without the registry host, and a digest cut to 12 hex digits (as
// docker prints image ids), e.g. bitflow-backend@sha256:ee41377b3ca8. The
// manifest and task definitions keep the full reference.
func ShortRef(ref string) string {
	name, digest, pinned := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if !pinned {
		return name
	}
	if algo, hex, ok := strings.Cut(digest, ":"); ok && len(hex) > 12 {
		digest = algo + ":" + hex[:12]
	}
	return name + "@" + digest
}

// ServiceChange records what a deploy did (or would do) to one ECS service.
type ServiceChange struct {
	Service              string `json:"service"`
	Cluster              string `json:"cluster"`
	TaskDefinitionBefore string `json:"taskDefinitionBefore,omitempty"`
	TaskDefinitionAfter  string `json:"taskDefinitionAfter,omitempty"`
	DesiredCountBefore   int32  `json:"desiredCountBefore,omitempty"`
	DesiredCountAfter    int32  `json:"desiredCountAfter,omitempty"`
	// ServiceDeployments are the ECS service deployments of a native
	// strategy, in order (a rollback redeploy comes after the deployment).
	ServiceDeployments []ServiceDeployment `json:"serviceDeployments,omitempty"`
	// Rollout is when the run's deployment of the service started and
	// ended (nil: the run did not deploy it, or its manifest predates it).
	Rollout *Rollout `json:"rollout,omitempty"`
}

// RolloutResult is how a service's rollout ended.
type RolloutResult string

const (
	RolloutStable RolloutResult = "stable" // the new task definition runs, steady
	RolloutFailed RolloutResult = "failed" // ECS rolled it back, its tasks kept failing, a gate failed, or it timed out
	// RolloutStopped: the run stopped waiting before it was stable, because
	// another service failed or the run was cancelled.
	RolloutStopped RolloutResult = "stopped"
)

// Rollout is one service's deployment within a run: from the UpdateService
// that started it to when it was seen stable or failed. FinishedAt is zero
// and Result empty while it runs, or when the run handed it to ECS before
// the end (a native strategy's --wait-until).
type Rollout struct {
	StartedAt  time.Time     `json:"startedAt"`
	FinishedAt time.Time     `json:"finishedAt,omitzero"`
	Result     RolloutResult `json:"result,omitempty"`
	// Reason says why it failed or stopped, for this service alone (a
	// run's error groups identical reasons of several services).
	Reason string `json:"reason,omitempty"`
}

// Ended is true once the rollout has a result.
func (r *Rollout) Ended() bool { return r != nil && r.Result != "" }

// ServiceDeployment is one ECS service deployment a native strategy started.
type ServiceDeployment struct {
	Arn            string `json:"arn"`
	TaskDefinition string `json:"taskDefinition"`
	Rollback       bool   `json:"rollback,omitempty"` // redeploys the previous revision
}

// Traffic records the load balancer state before and after a blue/green or canary deploy.
type Traffic struct {
	ListenerArn       string         `json:"listenerArn,omitempty"`
	RuleArn           string         `json:"ruleArn,omitempty"`
	LiveColourBefore  string         `json:"liveColourBefore,omitempty"`
	LiveColourAfter   string         `json:"liveColourAfter,omitempty"`
	WeightsBefore     map[string]int `json:"weightsBefore,omitempty"` // target group ARN -> weight
	WeightsAfter      map[string]int `json:"weightsAfter,omitempty"`
	OldColourScaledTo *int32         `json:"oldColourScaledTo,omitempty"`
}

// Stage is one timed step of a run.
type Stage struct {
	Name       string      `json:"name"`
	Status     StageStatus `json:"status"`
	StartedAt  time.Time   `json:"startedAt"`
	FinishedAt time.Time   `json:"finishedAt,omitempty"`
	Error      string      `json:"error,omitempty"`
}

// Duration is how long the stage took (zero while it runs).
func (s Stage) Duration() time.Duration {
	if s.FinishedAt.IsZero() {
		return 0
	}
	return s.FinishedAt.Sub(s.StartedAt)
}

// Manifest is the release manifest of one deploy.
type Manifest struct {
	SchemaVersion  int             `json:"schemaVersion"`
	ID             string          `json:"id"` // unique per run, e.g. production-<sha>-<unix>
	Environment    string          `json:"environment"`
	GitSHA         string          `json:"gitSha"`
	Strategy       string          `json:"strategy"` // rolling | bluegreen | canary
	DryRun         bool            `json:"dryRun,omitempty"`
	Images         []Image         `json:"images"`
	Services       []ServiceChange `json:"services"`
	Traffic        *Traffic        `json:"traffic,omitempty"`
	Migration      *Migration      `json:"migration,omitempty"`
	Stages         []Stage         `json:"stages"`
	Outcome        Outcome         `json:"outcome"`
	FailedStage    string          `json:"failedStage,omitempty"`
	FailureReason  string          `json:"failureReason,omitempty"`
	EnvironmentURL string          `json:"environmentUrl,omitempty"`
	StartedAt      time.Time       `json:"startedAt"`
	FinishedAt     time.Time       `json:"finishedAt,omitempty"`
	// StartedBy is who or what started the run: user@host or the CI run URL.
	StartedBy string `json:"startedBy,omitempty"`
	// RunURL is the CI run, if the run was started by CI.
	RunURL string `json:"runUrl,omitempty"`
	// Replaces is the ID of the release that was live when this one started
	// (the newest succeeded release in the ledger).
	Replaces string `json:"replaces,omitempty"`
	// Undoes is, for a rollback, the ID of the release it undid.
	Undoes string `json:"undoes,omitempty"`
	// CommitTime is when GitSHA was committed, if known (for lead time).
	CommitTime *time.Time `json:"commitTime,omitempty"`
	// Abandoned is set when another run closed this run's record after its
	// holder died (outcome abandoned).
	Abandoned *Abandonment `json:"abandoned,omitempty"`
	// UndoneBy is the rollback that undid this release, and UndoneAt when
	// it finished (written by that rollback).
	UndoneBy string     `json:"undoneBy,omitempty"`
	UndoneAt *time.Time `json:"undoneAt,omitempty"`
}

// Abandonment is how a dead run's record was closed: when, by which run
// (and who started it), why it was found dead, and what was live then.
type Abandonment struct {
	At    time.Time `json:"at"`
	By    string    `json:"by"`    // the ID of the run that closed the record
	ByWho string    `json:"byWho"` // who started that run (user@host or CI run URL)
	// Why says how the run was found dead: its lock expired (when) and was
	// taken over, or its record was in progress with nobody holding the lock.
	Why string `json:"why"`
	// LiveRelease is the newest succeeded release in the ledger then ("": none).
	LiveRelease string `json:"liveRelease,omitempty"`
	// Live maps every service the dead run changed to the task definition
	// it ran then (nil when ECS could not be asked).
	Live map[string]string `json:"live,omitempty"`
}

// Abandon closes a dead run's record as ab says: outcome abandoned,
// finished at ab.At, and every stage still running marked abandoned,
// finished at ab.At, with an error saying so; the first of
// them becomes the failed stage if none was recorded. why is the failure
// reason when the record has none.
func (m *Manifest) Abandon(ab *Abandonment, why string) {
	m.Outcome, m.FinishedAt, m.Abandoned = OutcomeAbandoned, ab.At, ab
	if m.FailureReason == "" {
		m.FailureReason = why
	}
	for i := range m.Stages {
		st := &m.Stages[i]
		if st.Status != StageRunning {
			continue
		}
		st.Status, st.FinishedAt = StageAbandoned, ab.At
		st.Error = "the run died during this stage; its record was closed at " + ab.At.UTC().Format(time.RFC3339)
		if m.FailedStage == "" {
			m.FailedStage = st.Name
		}
	}
}

// IsRollback is true for the record of a rollback run.
func (m *Manifest) IsRollback() bool { return m.Undoes != "" || m.Strategy == "rollback" }

// Migration records the one-off migration task.
type Migration struct {
	TaskArn        string   `json:"taskArn,omitempty"`
	TaskDefinition string   `json:"taskDefinition,omitempty"`
	Command        []string `json:"command"`
	ExitCode       *int32   `json:"exitCode,omitempty"`
	StoppedReason  string   `json:"stoppedReason,omitempty"`
	// Guard is what the destructive-migration guard found (nil: it did not run).
	Guard *MigrationGuard `json:"guard,omitempty"`
}

// MigrationGuard records the pretend task's pending migrations and the
// contract steps among them.
type MigrationGuard struct {
	TaskArn       string         `json:"taskArn,omitempty"`
	Pending       []string       `json:"pending"`
	ContractSteps []ContractStep `json:"contractSteps"`
	// Allowed is true when the deploy was told --allow-contract.
	Allowed bool `json:"allowed,omitempty"`
}

// ContractStep is one statement that drops, renames or tightens what the
// live release may still use, and why.
type ContractStep struct {
	Migration string `json:"migration"`
	Statement string `json:"statement"`
	Kind      string `json:"kind"`
	Why       string `json:"why"`
}

// Stage returns the stage with that name, or nil.
func (m *Manifest) Stage(name string) *Stage {
	for i := range m.Stages {
		if m.Stages[i].Name == name {
			return &m.Stages[i]
		}
	}
	return nil
}

// Write stores the manifest as indented JSON at path (atomically: temp file + rename).
func (m *Manifest) Write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Read loads a manifest and checks its schema version.
func Read(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse decodes a manifest and checks its schema version.
func Parse(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("release manifest: %w", err)
	}
	if m.SchemaVersion < 1 || m.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("release manifest: schemaVersion %d, this toolkit reads 1 to %d", m.SchemaVersion, SchemaVersion)
	}
	return &m, nil
}
