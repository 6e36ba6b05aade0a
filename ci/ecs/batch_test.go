package ecs

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// TestWaitBatchesDescribeCalls waits on 12 services: every tick must be at
// most two DescribeServices calls (10 + 2 services), on one shared ticker.
func TestWaitBatchesDescribeCalls(t *testing.T) {
	e := newEmu(t, awsemu.Timing{})
	e.waitSeeded(t)
	svc := e.backend(t).Services[0]
	var names []string
	for i := 0; i < 12; i++ {
		name := fmt.Sprintf("svc-%02d", i)
		if _, err := e.ecs.CreateService(e.ctx, &awsecs.CreateServiceInput{Cluster: aws.String(seed.Cluster), ServiceName: aws.String(name),
			TaskDefinition: svc.TaskDefinition, DesiredCount: aws.Int32(1), LaunchType: svc.LaunchType, NetworkConfiguration: svc.NetworkConfiguration}); err != nil {
			t.Fatal(err)
		}
		e.srv.SetRolloutTime(name, 3*time.Second)
		names = append(names, name)
	}
	e.srv.ResetCalls()
	ticks := 0
	_, err := WaitStable(e.ctx, e.ecs, WaitOptions{Clock: e.clock, Cluster: seed.Cluster, Services: names, Poll: 500 * time.Millisecond,
		OnState: func(s ServiceState) {
			if s.Service == names[0] {
				ticks++
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	calls := e.srv.CountCalls("ecs.DescribeServices")
	if ticks < 3 || calls > 2*ticks {
		t.Errorf("%d DescribeServices calls for %d ticks of 12 services: want at most 2 per tick", calls, ticks)
	}
	t.Logf("%d ticks, %d DescribeServices calls for 12 services", ticks, calls)
}
