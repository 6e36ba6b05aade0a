package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
)

// hostileLog is a migration log with a secret in every shape of issue 21;
// secrets are the values that must never be seen again.
var hostileLog = map[string]string{
	"DB_PASSWORD='tw0 w0rds-A'":                     "tw0 w0rds-A",
	"DB_PASSWORD=s3;cr3t-B":                         "s3;cr3t-B",
	"DB_PASSWORD=s3,cr3t-C":                         "s3,cr3t-C",
	"DB_PASSWORD=s3&cr3t-D":                         "s3&cr3t-D",
	"SQLSTATE[08006] postgres://app:pa/ss-E@db/app": "pa/ss-E",
	"SQLSTATE[08006] postgres://app:pa@ss-F@db/app": "pa@ss-F",
	"> Authorization: Bearer tok-G-1a2b3c4d":        "tok-G-1a2b3c4d",
	"+ export DB_PASS=pw-H-7890":                    "pw-H-7890",
	`{"level":"error","db_password":"js on-I"}`:     "js on-I",
	"  redis_password: yaml value-J":                "yaml value-J",
	"push ghp_16C7e42F292c6912E7710c838347Ae178B4a": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
}

// TestSecretsNeverLeaveTheRun deploys a release whose migration fails
// printing secrets, with every reporter that needs no network on, and
// checks that no secret reaches the CLI's output, the release manifest, the
// ledger in S3 or the job summary (the reporter's and the summary verb's).
func TestSecretsNeverLeaveTheRun(t *testing.T) {
	srv, _ := seededRelease(t, awsemu.Options{})
	var lines []string
	for l := range hostileLog {
		lines = append(lines, l)
	}
	srv.FailTasks("bitflow-migration", 3, lines...)
	dir := t.TempDir()
	mpath, stepSummary, verbSummary := filepath.Join(dir, "m.json"), filepath.Join(dir, "step-summary.md"), filepath.Join(dir, "summary.md")
	getenv := func(k string) string {
		if k == "GITHUB_STEP_SUMMARY" {
			return stepSummary
		}
		return ""
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"deploy", "--config", "../../environments/emulator.yaml", "--endpoint", srv.URL, "--sha", "abcdef1", "--manifest", mpath}, &out, &errOut, getenv)
	if code != exitFailed || !strings.Contains(errOut.String(), "exit code 3") || !strings.Contains(errOut.String(), "DB_PASSWORD=") {
		t.Fatalf("deploy with a failing migration: exit %d (want %d, the log tail in the error)\n%s\n%s", code, exitFailed, out.String(), errOut.String())
	}
	var sumOut, sumErr bytes.Buffer
	if code := run(context.Background(), []string{"summary", "--manifest", mpath, "--output", verbSummary}, &sumOut, &sumErr, getenv); code != exitOK {
		t.Fatalf("summary: %d %s", code, sumErr.String())
	}
	places := map[string]string{"stdout": out.String(), "stderr": errOut.String() + sumOut.String() + sumErr.String()}
	for name, path := range map[string]string{"manifest": mpath, "job summary (reporter)": stepSummary, "job summary (summary verb)": verbSummary} {
		b, err := os.ReadFile(path)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v (%d bytes)", name, err, len(b))
		}
		places[name] = string(b)
	}
	places["ledger"] = ledgerObjects(t, srv)
	if !strings.Contains(places["ledger"], "exit code 3") {
		t.Fatalf("the ledger has no record of the failed migration:\n%.2000s", places["ledger"])
	}
	for name, text := range places {
		for line, secret := range hostileLog {
			e, _ := json.Marshal(secret) // the manifest and the ledger are JSON: & is \u0026 there
			for _, form := range []string{secret, string(e[1 : len(e)-1])} {
				if strings.Contains(text, form) {
					t.Errorf("%s shows the secret of %q", name, line)
					break
				}
			}
		}
	}
}

// ledgerObjects is every object of the emulator's state bucket, concatenated.
func ledgerObjects(t *testing.T, srv *awsemu.Server) string {
	t.Helper()
	ctx := context.Background()
	client := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bitflow-deploy-state")})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, o := range list.Contents {
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bitflow-deploy-state"), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		all.WriteString(aws.ToString(o.Key) + "\n" + string(b) + "\n")
	}
	return all.String()
}
