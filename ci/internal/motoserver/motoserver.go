// Package motoserver starts moto_server (the Python AWS mock) for a test on
// a free loopback port, so tests written against the in-repo emulator can
// also run against an independent implementation of the same APIs.
package motoserver

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/bitflow-lms/pipeline/ci/internal/sdktransport"
)

// RequireEnv, set to 1 (ci/Makefile's rehearse target does), turns a
// missing moto_server into a failure instead of a skip.
const RequireEnv = "BITFLOW_REQUIRE_MOTO"

// Start runs moto_server until t ends and returns its URL. Without a
// moto_server on PATH the test is skipped with one line saying so (fails
// when RequireEnv is 1).
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s=1 but moto_server is not on PATH (pip install 'moto[server]')", RequireEnv)
		}
		t.Skip("moto_server not on PATH: skipping the run against moto")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server on %s did not answer within 30s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// AWSConfig is a config whose clients talk to the moto_server at url with
// static test credentials.
func AWSConfig(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), HTTPClient: sdktransport.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDMOTO", "moto-secret", "")}
}
