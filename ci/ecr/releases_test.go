package ecr

import (
	"bytes"
	"context"
	"strings"
	"testing"

	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsemu/seed"
)

func TestReleasesCountsAppsPerTagAndSkipsLatestAndInputTags(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	ctx := context.Background()
	client := awsecr.NewFromConfig(srv.AWSConfig())
	repos := []string{"bitflow-backend", "bitflow-student"}
	if _, err := EnsureRepositories(ctx, client, repos, true); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ repo, tag string }{
		{"bitflow-backend", "aaa1111"}, {"bitflow-student", "aaa1111"},
		{"bitflow-backend", "bbb2222"}, {"bitflow-backend", "latest"}, {"bitflow-student", "in-0123abcd"},
	} {
		if _, err := seed.PushImage(ctx, client, p.repo, p.tag); err != nil {
			t.Fatal(err)
		}
	}
	list, err := Releases(ctx, client, repos)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range list {
		got[r.Tag] = r.Apps
	}
	if len(got) != 2 || got["aaa1111"] != 2 || got["bbb2222"] != 1 {
		t.Fatalf("releases = %+v", list)
	}
	var b bytes.Buffer
	WriteReleases(&b, list, len(repos))
	if !strings.Contains(b.String(), "aaa1111") || !strings.Contains(b.String(), "2/2   yes") || !strings.Contains(b.String(), "1/2   no") {
		t.Errorf("table:\n%s", b.String())
	}
	if _, err := Releases(ctx, client, []string{"bitflow-nope"}); err == nil || !strings.Contains(err.Error(), "bitflow-nope") {
		t.Errorf("missing repository: %v", err)
	}
}
