package awsemu

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// rawCall sends one request as an AWS client would put it on the wire
// (unsigned: the emulator does not check signatures) and returns the answer.
func rawCall(t *testing.T, srv *Server, header map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func ecsTarget(action string) map[string]string {
	return map[string]string{"X-Amz-Target": "AmazonEC2ContainerServiceV20141113." + action, "Content-Type": "application/x-amz-json-1.1"}
}

var queryHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

// TestWireEveryAnswerHasLengthAndRequestID: JSON and Query answers, success
// and error, large and small, carry Content-Length (never chunked) and an
// x-amzn-RequestId, which Query bodies repeat.
func TestWireEveryAnswerHasLengthAndRequestID(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.registerBigTaskDef(t, "big")
	cases := []struct {
		name   string
		header map[string]string
		body   string
		status int
	}{
		{"ecs large", ecsTarget("DescribeTaskDefinition"), `{"taskDefinition":"big"}`, 200},
		{"ecs error", ecsTarget("DescribeServices"), `{"services":["x"],"cluster":"nope"}`, 400},
		{"elbv2 ok", queryHeader, url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"2015-12-01"}}.Encode(), 200},
		{"elbv2 error", queryHeader, url.Values{"Action": {"DescribeTargetHealth"}, "Version": {"2015-12-01"}}.Encode(), 400},
		{"sts ok", queryHeader, url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}.Encode(), 200},
	}
	for _, c := range cases {
		resp, body := rawCall(t, te.srv, c.header, c.body)
		id := resp.Header.Get("X-Amzn-RequestId")
		switch {
		case resp.StatusCode != c.status:
			t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
		case len(resp.TransferEncoding) > 0 || resp.ContentLength != int64(len(body)):
			t.Errorf("%s: transfer encoding %v, content length %d for %d bytes", c.name, resp.TransferEncoding, resp.ContentLength, len(body))
		case len(id) != 36:
			t.Errorf("%s: x-amzn-RequestId %q", c.name, id)
		case c.header["X-Amz-Target"] == "" && !strings.Contains(body, "<RequestId>"+id+"</RequestId>"):
			t.Errorf("%s: body does not repeat request id %s: %s", c.name, id, body)
		}
	}
}

// TestWireZeroMembersPresent: members AWS sends as 0/false are in the JSON.
func TestWireZeroMembersPresent(t *testing.T) {
	te := newTestEnv(t, Timing{})
	te.mustSetup(t, "c1", "api", nil)
	if _, err := te.ecs.CreateService(te.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("idle"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: testNet}); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(time.Second)
	_, body := rawCall(t, te.srv, ecsTarget("DescribeServices"), `{"cluster":"c1","services":["idle"]}`)
	for _, want := range []string{`"desiredCount":0`, `"runningCount":0`, `"pendingCount":0`, `"failedTasks":0`, `"enableExecuteCommand":false`} {
		if !strings.Contains(body, want) {
			t.Errorf("DescribeServices misses %s: %s", want, body)
		}
	}
	_, body = rawCall(t, te.srv, ecsTarget("DescribeTaskDefinition"), `{"taskDefinition":"api"}`)
	if !strings.Contains(body, `"cpu":0`) {
		t.Errorf("container definition misses \"cpu\":0: %s", body)
	}
}
