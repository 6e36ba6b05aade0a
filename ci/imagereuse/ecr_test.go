package imagereuse

import (
	"context"
	"strings"
	"testing"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
	"github.com/bitflow-lms/pipeline/ci/ecr"
)

// TestECRReuseAgainstTheEmulator: an image pushed under its input tag is
// found with BatchGetImage and retagged to the release sha with PutImage of
// the same manifest; the digest does not change and nothing is pushed again.
func TestECRReuseAgainstTheEmulator(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	ctx := context.Background()
	client := awsecr.NewFromConfig(srv.AWSConfig())
	if _, err := ecr.EnsureRepositories(ctx, client, []string{"bitflow-student"}, true); err != nil {
		t.Fatal(err)
	}
	pushed, err := seed.PushImage(ctx, client, "bitflow-student", "in-0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}

	if _, ok, err := ECRFind(ctx, client, "bitflow-student", "in-ffffffffffffffffffffffffffffffff"); err != nil || ok {
		t.Fatalf("unknown input tag: ok=%v err=%v", ok, err)
	}
	img, ok, err := ECRFind(ctx, client, "bitflow-student", "in-0123456789abcdef0123456789abcdef")
	if err != nil || !ok || img.Digest != pushed || img.Manifest == "" || img.MediaType == "" {
		t.Fatalf("find: %+v ok=%v err=%v (pushed %s)", img, ok, err, pushed)
	}
	for i := 0; i < 2; i++ { // the second retag is a harmless repeat
		if err := ECRRetag(ctx, client, "bitflow-student", img, "abc1234"); err != nil {
			t.Fatalf("retag %d: %v", i, err)
		}
	}
	again, ok, err := ECRFind(ctx, client, "bitflow-student", "abc1234")
	if err != nil || !ok || again.Digest != pushed {
		t.Fatalf("sha tag: %+v ok=%v err=%v, want digest %s", again, ok, err, pushed)
	}

	// Decide with the ECR lookup: one image present, one not.
	got, err := Decide([]Image{
		{App: "student", Repository: "bitflow-student", InputTag: "in-0123456789abcdef0123456789abcdef"},
		{App: "student2", Repository: "bitflow-student", InputTag: "in-00000000000000000000000000000000"},
	}, func(repo, tag string) (string, bool, error) {
		img, ok, err := ECRFind(ctx, client, repo, tag)
		return img.Digest, ok, err
	})
	if err != nil || got[0].Action != Reuse || got[1].Action != Build {
		t.Fatalf("%+v %v", got, err)
	}

	if _, _, err := ECRFind(ctx, client, "bitflow-nope", "in-0"); err == nil || !strings.Contains(err.Error(), "bitflow-nope") {
		t.Errorf("missing repository: %v", err)
	}
}
