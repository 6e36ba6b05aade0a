package awsemu

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3RequestsValidatedAgainstTheModel: S3 members from the path,
// query, headers and body are checked against botocore's s3 model; a
// refused request is S3's 400 InvalidArgument <Error>, and nothing is
// stored.
func TestS3RequestsValidatedAgainstTheModel(t *testing.T) {
	te := newTestEnv(t, Timing{})
	c := newS3Client(te)
	if _, err := c.CreateBucket(te.ctx, &s3.CreateBucketInput{Bucket: aws.String("state")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(te.ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String("k"), Body: strings.NewReader("x"), StorageClass: "MOON"})
	if apiCode(err) != "InvalidArgument" || !strings.Contains(err.Error(), "Value 'MOON' at 'StorageClass' failed to satisfy constraint: Member must satisfy enum value set") {
		t.Fatalf("storage class MOON: %v", err)
	}
	if _, err := c.HeadObject(te.ctx, &s3.HeadObjectInput{Bucket: aws.String("state"), Key: aws.String("k")}); apiCode(err) != "NotFound" {
		t.Fatalf("a refused PutObject stored the object: %v", err)
	}
	_, err = c.ListObjectsV2(te.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("state"), EncodingType: "base64"})
	if apiCode(err) != "InvalidArgument" || !strings.Contains(err.Error(), "at 'EncodingType'") {
		t.Fatalf("encoding-type base64: %v", err)
	}
	// Raw: a max-keys that is not an integer (the SDK cannot send one).
	req, _ := http.NewRequest(http.MethodGet, te.srv.URL+"/state?list-type=2&max-keys=ten", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<Code>InvalidArgument</Code>") || !strings.Contains(string(body), "at &#39;MaxKeys&#39; is not a valid integer") {
		t.Fatalf("max-keys=ten: %d %s", resp.StatusCode, body)
	}
	if _, err := c.PutObject(te.ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String("k"), Body: strings.NewReader("x"), StorageClass: s3types.StorageClassStandard}); err != nil {
		t.Fatalf("a valid PutObject was refused: %v", err)
	}
}

// TestCloudWatchRequestsValidatedAgainstTheModel: CBOR request bodies are
// checked against botocore's cloudwatch model; the SDK reads the
// ValidationError from the awsQueryCompatible error header.
func TestCloudWatchRequestsValidatedAgainstTheModel(t *testing.T) {
	te := newTestEnv(t, Timing{})
	cw := cloudwatch.NewFromConfig(te.srv.AWSConfig(), func(o *cloudwatch.Options) { o.RetryMaxAttempts = 1 })
	cases := []struct {
		in   *cloudwatch.DescribeAlarmsInput
		want string
	}{
		{&cloudwatch.DescribeAlarmsInput{StateValue: "PURPLE"}, "Value 'PURPLE' at 'StateValue' failed to satisfy constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]"},
		{&cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(101)}, "Value '101' at 'MaxRecords' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{&cloudwatch.DescribeAlarmsInput{AlarmNames: make([]string, 101)}, "at 'AlarmNames' failed to satisfy constraint: Member must have length less than or equal to 100"},
	}
	for _, c := range cases {
		_, err := cw.DescribeAlarms(te.ctx, c.in)
		if apiCode(err) != "ValidationError" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want ValidationError %q", c.in, err, c.want)
		}
	}
	if _, err := cw.DescribeAlarms(te.ctx, &cloudwatch.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm, MaxRecords: aws.Int32(100)}); err != nil {
		t.Fatalf("a valid DescribeAlarms was refused: %v", err)
	}
}
