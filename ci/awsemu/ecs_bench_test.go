package awsemu

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// BenchmarkDescribeServices15 measures one DescribeServices round trip
// through the real SDK client with 15 services of 2 tasks each in the
// middle of a rollout: the emulator must not be what slows a deploy's
// polling down.
func BenchmarkDescribeServices15(b *testing.B) {
	te := newTestEnv(b, Timing{TaskStart: time.Second, TaskStop: time.Second, Rollout: time.Hour})
	te.mustSetup(b, "c1", "api", nil)
	var names []string
	for i := 0; i < 15; i++ {
		name := fmt.Sprintf("svc-%02d", i)
		names = append(names, name)
		if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
			b.Fatal(err)
		}
	}
	te.clock.Advance(2 * time.Second)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		te.clock.Advance(time.Millisecond)
		out, err := te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: names[i%15 : i%15+1]})
		if err != nil || len(out.Services) != 1 {
			b.Fatal(err)
		}
	}
}
