package awsemu

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/bitflow-lms/pipeline/ci/internal/sdktransport"
)

// registerBigTaskDef registers a task definition whose description is far
// above the transport's 4 KiB read buffer.
func (te *testEnv) registerBigTaskDef(t *testing.T, family string) {
	t.Helper()
	var cds []types.ContainerDefinition
	for i := 0; i < 10; i++ {
		cds = append(cds, types.ContainerDefinition{Name: aws.String(fmt.Sprintf("c%d", i)), Image: aws.String("public.ecr.aws/nginx/nginx:1"),
			Environment: []types.KeyValuePair{{Name: aws.String("PADDING"), Value: aws.String(strings.Repeat("x", 800))}}})
	}
	if _, err := te.ecs.RegisterTaskDefinition(te.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: cds}); err != nil {
		t.Fatal(err)
	}
}

// slowConn stretches the client's side of the race: each Write returns a
// little after its bytes went out (the transport's write loop descheduled,
// so the emulator's answer arrives before net/http is done with the request
// body), and each Read waits a little longer (the response body is still
// being read off the socket when the write loop finishes).
type slowConn struct{ net.Conn }

func (c slowConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	time.Sleep(2 * time.Millisecond)
	return n, err
}

func (c slowConn) Read(p []byte) (int, error) {
	time.Sleep(6 * time.Millisecond)
	return c.Conn.Read(p)
}

func slowWriteTransport() *http.Transport {
	d := &net.Dialer{}
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return slowConn{c}, nil
	}}
}

// TestLargeResponseBodyRace reproduces, deterministically, the race behind
// "deserialization failed … use of closed network connection" on HTTP 200:
// the SDK closes the request body when the response headers arrive, and
// net/http's final EOF probe of that body (smithy-go's WriteTo) then fails
// and closes the connection under a response body still being read.
// Through sdktransport no call may fail.
func TestLargeResponseBodyRace(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.registerBigTaskDef(t, "big")
	call := func(hc aws.HTTPClient) (failed int) {
		cfg := te.srv.AWSConfig()
		cfg.HTTPClient = hc
		c := ecs.NewFromConfig(cfg)
		for i := 0; i < 20; i++ {
			_, err := c.DescribeTaskDefinition(te.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("big")},
				func(o *ecs.Options) { o.RetryMaxAttempts = 1 })
			if err != nil {
				if !strings.Contains(err.Error(), "closed network connection") {
					t.Fatalf("unexpected error: %v", err)
				}
				failed++
			}
		}
		return failed
	}
	bare := call(&http.Client{Transport: slowWriteTransport()})
	fixed := call(sdktransport.Wrap(&http.Client{Transport: slowWriteTransport()}))
	t.Logf("large responses failed: %d/20 with net/http's transport as is, %d/20 through sdktransport", bare, fixed)
	if fixed != 0 {
		t.Fatalf("%d of 20 calls through sdktransport failed", fixed)
	}
	if bare == 0 {
		t.Log("the SDK/net/http race no longer reproduces: sdktransport may have become unnecessary")
	}
}

// TestLargeResponsesHammer sends 1000 calls whose answers are large
// (DescribeTaskDefinition of a 10-container task definition, DescribeServices
// of 10 services) through the emulator's AWSConfig with retries off: every
// one must succeed, and each answer must carry Content-Length.
func TestLargeResponsesHammer(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.registerBigTaskDef(t, "big")
	te.mustSetup(t, "c1", "api", nil)
	var names []string
	for i := 0; i < 10; i++ {
		names = append(names, fmt.Sprintf("svc-%d", i))
		if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(names[i]),
			TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
			t.Fatal(err)
		}
	}
	te.clock.Advance(time.Second)
	noRetry := func(o *ecs.Options) { o.RetryMaxAttempts = 1 }
	failed := 0
	for i := 0; i < 1000; i++ {
		var err error
		if i%2 == 0 {
			_, err = te.ecs.DescribeTaskDefinition(te.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("big")}, noRetry)
		} else {
			var out *ecs.DescribeServicesOutput
			out, err = te.ecs.DescribeServices(te.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: names}, noRetry)
			if err == nil && len(out.Services) != 10 {
				t.Fatalf("DescribeServices: %d services", len(out.Services))
			}
		}
		if err != nil {
			failed++
			t.Error(err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of 1000 large responses failed", failed)
	}
}
