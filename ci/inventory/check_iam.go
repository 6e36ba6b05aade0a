package inventory

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// checkRole reads the role and its trust policy, which must let ECS tasks
// assume it. An endpoint that does not serve IAM (the in-repo emulator)
// leaves the role unverified rather than missing.
func (c *checker) checkRole(ctx context.Context, name string) (Status, []string) {
	out, err := c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if apiCode(err) == "NoSuchEntity" {
		return Missing, nil
	}
	if err != nil {
		return Unverified, []string{"iam GetRole: " + shortErr(err)}
	}
	doc, _ := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
	if !strings.Contains(doc, "ecs-tasks.amazonaws.com") {
		return Wrong, []string{"its trust policy does not name ecs-tasks.amazonaws.com"}
	}
	return OK, nil
}

func (c *checker) checkBucket(ctx context.Context, name string) (Status, []string) {
	_, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	switch code := apiCode(err); {
	case err == nil:
		return OK, nil
	case code == "NotFound" || code == "NoSuchBucket":
		return Missing, nil
	default:
		return Unverified, []string{"s3 HeadBucket: " + shortErr(err)}
	}
}

// shortErr is the API error code and message, without the SDK's operation
// and request-id wrapping.
func shortErr(err error) string {
	if code := apiCode(err); code != "" {
		msg := err.Error()
		if i := strings.LastIndex(msg, code); i >= 0 {
			return msg[i:]
		}
		return code
	}
	return err.Error()
}
