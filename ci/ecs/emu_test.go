package ecs

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
)

// testMaxBackoff caps the SDK retryer's wall-clock backoff: throttling is
// still retried, in milliseconds.
const testMaxBackoff = 100 * time.Millisecond

// emuEnv is a seeded emulator with SDK clients pointed at it.
type emuEnv struct {
	srv   *awsemu.Server
	clock *awsemu.ManualClock // shared with the emulator: waits move it
	ecs   *awsecs.Client
	logs  *cloudwatchlogs.Client
	seed  *seed.Result
	ctx   context.Context
}

func newEmu(t *testing.T, timing awsemu.Timing) *emuEnv {
	t.Helper()
	srv, clk := emutest.StartManual(t, awsemu.Options{Timing: timing})
	cfg := awsx.WithRetryer(srv.AWSConfig(), 0, testMaxBackoff)
	ctx := context.Background()
	res, err := seed.Bitflow(ctx, cfg, seed.Options{ImageTag: "1111111"})
	if err != nil {
		t.Fatal(err)
	}
	return &emuEnv{srv: srv, clock: clk, ecs: awsecs.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), seed: res, ctx: ctx}
}

// waitSeeded waits until the seeded services are stable before a test starts.
func (e *emuEnv) waitSeeded(t *testing.T) {
	t.Helper()
	if _, err := WaitStable(e.ctx, e.ecs, WaitOptions{Clock: e.clock, Cluster: seed.Cluster, Services: []string{seed.BackendService, "bitflow-frontend-student"}, Poll: 100 * time.Millisecond, Timeout: 20 * time.Second}); err != nil {
		t.Fatalf("seeded services never became stable: %v", err)
	}
}

// newRevision registers a copy of family's current revision with the backend
// image changed, returning its ARN.
func (e *emuEnv) newRevision(t *testing.T, family, container, image string) string {
	t.Helper()
	td, err := DescribeTaskDefinition(e.ctx, e.ecs, family)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Render(td, map[string]string{container: image})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := Register(e.ctx, e.ecs, in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(reg.TaskDefinitionArn)
}

func (e *emuEnv) backend(t *testing.T) *awsecs.DescribeServicesOutput {
	t.Helper()
	out, err := e.ecs.DescribeServices(e.ctx, &awsecs.DescribeServicesInput{Cluster: aws.String(seed.Cluster), Services: []string{seed.BackendService}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// syncBuf is a goroutine-safe progress sink.
type syncBuf = syncbuf.Buffer
