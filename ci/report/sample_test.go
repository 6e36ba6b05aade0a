package report

import (
	"strings"
	"time"

	"github.com/bitflow-lms/pipeline/ci/imagereuse"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// t0 is a fixed start time so durations in rendered text are predictable.
var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const sampleSHA = "0123456789abcdef0123456789abcdef01234567"

// sampleManifest is a realistic run: every stage succeeded. Callers change
// the outcome and the last stages to make failure and cancel runs.
func sampleManifest() *manifest.Manifest {
	stage := func(name string, startSec, durSec int) manifest.Stage {
		start := t0.Add(time.Duration(startSec) * time.Second)
		return manifest.Stage{Name: name, Status: manifest.StageSucceeded, StartedAt: start, FinishedAt: start.Add(time.Duration(durSec) * time.Second)}
	}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		ID:            "production-0123456-1795600800",
		Environment:   "production",
		GitSHA:        sampleSHA,
		Strategy:      "bluegreen",
		Images: []manifest.Image{
			{App: "backend", Repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend", Tag: sampleSHA, Digest: "sha256:" + strings.Repeat("a", 64)},
			{App: "student", Repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-student", Tag: sampleSHA, Digest: "sha256:" + strings.Repeat("b", 64)},
		},
		Services: []manifest.ServiceChange{{
			Service: "bitflow-backend-green", Cluster: "bitflow-cluster",
			TaskDefinitionBefore: "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:41",
			TaskDefinitionAfter:  "arn:aws:ecs:us-east-1:123456789012:task-definition/bitflow-backend:42",
			Rollout:              &manifest.Rollout{StartedAt: t0.Add(99 * time.Second), FinishedAt: t0.Add(170 * time.Second), Result: manifest.RolloutStable},
		}},
		Stages: []manifest.Stage{
			stage("validate", 0, 1),
			stage("check-images", 1, 2),
			stage("migrate", 3, 95),
			stage("deploy", 98, 87),
		},
		Outcome:        manifest.OutcomeSucceeded,
		EnvironmentURL: "https://app.bitflow.edu",
		StartedAt:      t0,
		FinishedAt:     t0.Add(185 * time.Second),
	}
}

// samplePublish is the merged publish record of sampleManifest's release:
// the build matrix built and pushed the backend before the deploy started;
// the deploy job's publish retagged the student portal.
func samplePublish() *imagereuse.Record {
	span := func(fromSec, toSec int) *imagereuse.Span {
		return &imagereuse.Span{StartedAt: t0.Add(time.Duration(fromSec) * time.Second), FinishedAt: t0.Add(time.Duration(toSec) * time.Second)}
	}
	repo := "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-"
	return &imagereuse.Record{SHA: sampleSHA, Images: []imagereuse.Published{
		{Image: imagereuse.Image{App: "backend", Repository: repo + "backend", InputTag: "in-" + strings.Repeat("1", 32), Action: imagereuse.Build, Digest: "sha256:" + strings.Repeat("a", 64)},
			Build: span(-400, -190), Push: span(-190, -172)},
		{Image: imagereuse.Image{App: "student", Repository: repo + "student", InputTag: "in-" + strings.Repeat("2", 32), Action: imagereuse.Reuse, Digest: "sha256:" + strings.Repeat("b", 64)},
			Push: span(-20, -18)},
	}}
}

// longReason is longer than GitHub's 140-character description limit.
const longReason = "migration task exited 1: SQLSTATE[23502]: Not null violation: 7 ERROR: column \"email_normalized\" of relation \"students\" contains null values (stopped reason: Essential container in task exited)"

// failedManifest is sampleManifest failing at the migrate stage.
func failedManifest() *manifest.Manifest {
	m := sampleManifest()
	m.Stages = m.Stages[:3]
	m.Stages[2].Status = manifest.StageFailed
	m.Stages[2].Error = longReason
	m.Outcome = manifest.OutcomeFailed
	m.FailedStage = "migrate"
	m.FailureReason = longReason
	m.FinishedAt = m.Stages[2].FinishedAt
	return m
}

// cancelledManifest is sampleManifest cancelled during the deploy stage.
func cancelledManifest() *manifest.Manifest {
	m := sampleManifest()
	last := &m.Stages[3]
	last.Status = manifest.StageCancelled
	last.Error = "context canceled"
	m.Outcome = manifest.OutcomeCancelled
	m.FailedStage = "deploy"
	m.FailureReason = "cancelled by the workflow (run cancelled)"
	return m
}
