package ecr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"
)

func TestLoginDecodesAndNeverPrintsPassword(t *testing.T) {
	f := newFake()
	c, err := Login(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "123456789012.dkr.ecr.us-east-1.amazonaws.com" || c.Username != "AWS" || c.Password != "s3cr3t-registry-password" {
		t.Fatalf("decoded %q %q (password ok: %v)", c.Host, c.Username, c.Password == "s3cr3t-registry-password")
	}
	var buf bytes.Buffer
	logger := log.New(&buf, "", 0)
	logger.Printf("%v %+v %#v %s %q", c, c, c, c, c)
	logger.Print(c, &c)
	j, _ := json.Marshal(c)
	buf.Write(j)
	buf.WriteString(fmt.Sprint([]Credentials{c}))
	if strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("password leaked:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "[REDACTED]") || !strings.Contains(buf.String(), c.Host) {
		t.Errorf("redacted form should still show the host:\n%s", buf.String())
	}
}

func TestLoginRejectsMalformedTokenWithoutEchoingIt(t *testing.T) {
	f := newFake()
	f.token = "not base64 s3cr3t!!"
	_, err := Login(context.Background(), f)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsureRepositories(t *testing.T) {
	f := newFake()
	f.repos["bitflow-backend"] = map[string]string{}
	_, err := EnsureRepositories(context.Background(), f, []string{"bitflow-backend", "bitflow-student", "bitflow-parent"}, false)
	var miss *MissingRepositoriesError
	if !errors.As(err, &miss) || strings.Join(miss.Names, ",") != "bitflow-student,bitflow-parent" {
		t.Fatalf("err = %v", err)
	}
	if len(f.created) != 0 {
		t.Fatalf("created without permission: %v", f.created)
	}
	repos, err := EnsureRepositories(context.Background(), f, []string{"bitflow-backend", "bitflow-student"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if repos[0].Created || !repos[1].Created || repos[1].URI != "reg/bitflow-student" {
		t.Errorf("repos = %+v", repos)
	}
}

func TestCheckReleaseReturnsDigestsAndEveryMissingImage(t *testing.T) {
	f := newFake()
	f.repos["bitflow-backend"] = map[string]string{"abc123": "sha256:b1"}
	f.repos["bitflow-student"] = map[string]string{"abc123": "sha256:s1"}
	f.repos["bitflow-parent"] = map[string]string{"old": "sha256:p0"}
	refs := []ImageRef{
		{App: "backend", Repository: "bitflow-backend", Tag: "abc123"},
		{App: "student", Repository: "bitflow-student", Tag: "abc123"},
	}
	imgs, err := CheckRelease(context.Background(), f, "reg.example", refs)
	if err != nil {
		t.Fatal(err)
	}
	if imgs[0].Digest != "sha256:b1" || imgs[1].Digest != "sha256:s1" || imgs[1].Ref() != "reg.example/bitflow-student@sha256:s1" {
		t.Errorf("images = %+v", imgs)
	}
	refs = append(refs, ImageRef{App: "parent", Repository: "bitflow-parent", Tag: "abc123"},
		ImageRef{App: "principal", Repository: "bitflow-principal", Tag: "abc123"})
	_, err = CheckRelease(context.Background(), f, "reg.example", refs)
	var miss *MissingImagesError
	if !errors.As(err, &miss) || len(miss.Missing) != 2 ||
		err.Error() != "2 release image(s) missing from ECR at tag abc123: image not found: bitflow-parent; repository not found: bitflow-principal" {
		t.Fatalf("err = %v", err)
	}
}
