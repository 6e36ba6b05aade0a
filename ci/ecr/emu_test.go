package ecr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

// TestAgainstEmulator runs login, repository and release checks through the
// real SDK client against the emulator.
func TestAgainstEmulator(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	ctx := context.Background()
	client := awsecr.NewFromConfig(srv.AWSConfig())

	c, err := Login(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "123456789012.dkr.ecr.us-east-1.amazonaws.com" || c.Username != "AWS" || c.Password == "" {
		t.Fatalf("credentials host %q user %q", c.Host, c.Username)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %#v %s", c, c, c, c)
	if strings.Contains(buf.String(), c.Password) {
		t.Fatal("password printed")
	}

	if _, err := EnsureRepositories(ctx, client, []string{"bitflow-backend"}, false); err == nil {
		t.Fatal("missing repository not reported")
	}
	repos, err := EnsureRepositories(ctx, client, []string{"bitflow-backend", "bitflow-student"}, true)
	if err != nil || !repos[0].Created || !strings.HasSuffix(repos[1].URI, "/bitflow-student") {
		t.Fatalf("%v %+v", err, repos)
	}
	digest, err := seed.PushImage(ctx, client, "bitflow-backend", "abc1234")
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := CheckRelease(ctx, client, c.Host, []ImageRef{{App: "backend", Repository: "bitflow-backend", Tag: "abc1234"}})
	if err != nil || imgs[0].Digest != digest {
		t.Fatalf("%v %+v (want %s)", err, imgs, digest)
	}
	_, err = CheckRelease(ctx, client, c.Host, []ImageRef{
		{App: "backend", Repository: "bitflow-backend", Tag: "fffffff"},
		{App: "student", Repository: "bitflow-student", Tag: "abc1234"},
		{App: "parent", Repository: "bitflow-parent", Tag: "abc1234"},
	})
	var miss *MissingImagesError
	if !errors.As(err, &miss) || len(miss.Missing) != 3 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "bitflow-parent:abc1234 (repository not found)") || !strings.Contains(err.Error(), "bitflow-student:abc1234 (image not found)") {
		t.Errorf("err = %v", err)
	}
}
