package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/bitflow-lms/pipeline/ci/internal/syncbuf"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:4566": true, "localhost:1": true, "[::1]:4566": true, "127.0.0.2:80": true,
		"0.0.0.0:4566": false, ":4566": false, "10.1.2.3:4566": false, "example.com:80": false, "nonsense": false,
	} {
		if err := checkLoopback(addr, false); (err == nil) != ok {
			t.Errorf("%s: err %v, want ok=%v", addr, err, ok)
		}
	}
	if err := checkLoopback("0.0.0.0:4566", true); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--rollout", "0s"}, {"--seed-bluegreen"}, {"--addr", "0.0.0.0:1"}, {"extra"}} {
		if _, _, err := parseEmulatorFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	f, command, err := parseEmulatorFlags([]string{"--seed", "--", "env", "-0"}, &bytes.Buffer{})
	if err != nil || f.addr != "127.0.0.1:0" || strings.Join(command, " ") != "env -0" {
		t.Errorf("a command after --: %+v %q %v (want the free-port default and the command)", f, command, err)
	}
}

func TestServeSeedLogAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncbuf.Buffer
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		f, _, err := parseEmulatorFlags([]string{"--seed", "--seed-tag", "abc1234", "--rollout", "100ms"}, &logs)
		if err != nil {
			done <- err
			return
		}
		_, err = serveEmulator(ctx, f, nil, &logs, &logs, func(u string) { urls <- u })
		done <- err
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("run ended early: %v\n%s", err, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server not ready")
	}
	client := ecs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "super-secret-value", "")})
	var arns []string
	for pages := ecs.NewListServicesPaginator(client, &ecs.ListServicesInput{Cluster: aws.String("bitflow-cluster")}); pages.HasMorePages(); {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, out.ServiceArns...)
	}
	if len(arns) != 15 {
		t.Fatalf("seeded services: %d %v, want bitflow-backend and one per portal", len(arns), arns)
	}
	resp, err := http.Post(url+"/_emulator/faults", "application/json", strings.NewReader(`{"fault":"never-stabilize","service":"bitflow-backend"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("fault endpoint: %v %v", err, resp)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	l := logs.String()
	for _, want := range []string{"ecs ListServices ok", "ecs CreateService ok", "ecr PutImage ok", "seeded cluster", "ready at " + url, "shutting down"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
	// Calls are logged without bodies or credentials.
	for _, secret := range []string{"super-secret-value", "emulator-secret", "php artisan"} {
		if strings.Contains(l, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}

func TestEmulatorRunsACommandAgainstItself(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "emulator", "--quiet", "--", "sh", "-c", `echo "$AWS_ENDPOINT_URL $AWS_REGION $AWS_ACCESS_KEY_ID"; exit 3`)
	if code != 3 {
		t.Fatalf("exit %d, want the command's 3\n%s", code, errOut)
	}
	if !strings.HasPrefix(out, "http://127.0.0.1:") || !strings.Contains(out, " us-east-1 AKIDEMULATOR") || !strings.Contains(errOut, "ready at "+strings.Fields(out)[0]) {
		t.Errorf("the command did not see the emulator's address and credentials: %q\n%s", out, errOut)
	}
	if strings.Contains(out, ":4566") {
		t.Errorf("the emulator bound the fixed port: %s", out)
	}
}
