package awsemu

import (
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSTS(t *testing.T) {
	te := newTestEnv(t, Timing{})
	id, err := te.sts.GetCallerIdentity(te.ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Account != "123456789012" || *id.Arn != "arn:aws:iam::123456789012:user/emulator" || *id.UserId == "" {
		t.Fatalf("identity %+v", id)
	}
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"repo:bitflow-lms/pipeline:ref:refs/heads/main"}`))
	out, err := te.sts.AssumeRoleWithWebIdentity(te.ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/deploy"), RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String("e30." + claims + ".sig"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/deploy/gha" || *out.SubjectFromWebIdentityToken != "repo:bitflow-lms/pipeline:ref:refs/heads/main" ||
		*out.Credentials.AccessKeyId == "" || out.Credentials.Expiration == nil {
		t.Fatalf("assume role: %+v", out)
	}
	if _, err := te.sts.AssumeRoleWithWebIdentity(te.ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("nope"), RoleSessionName: aws.String("x"), WebIdentityToken: aws.String("t")}); err == nil {
		t.Fatal("bad role ARN accepted")
	}
}
