package awsx

import (
	"context"
	"testing"
	"time"
)

func TestLoadEndpointAndStaticCredentials(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	cfg, err := Load(context.Background(), Options{Region: "eu-west-1", Endpoint: "http://emulator.test"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || cfg.BaseEndpoint == nil || *cfg.BaseEndpoint != "http://emulator.test" {
		t.Errorf("region %q endpoint %v", cfg.Region, cfg.BaseEndpoint)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDEMULATOR" {
		t.Errorf("emulator endpoint should get static emulator credentials, got %q %v", creds.AccessKeyID, err)
	}
	if got := cfg.Retryer().MaxAttempts(); got != DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", got, DefaultMaxAttempts)
	}

	cfg, err = Load(context.Background(), Options{Region: "us-east-1", AccessKeyID: "AKIA1", SecretAccessKey: "s", SessionToken: "tok", MaxAttempts: 4})
	if err != nil {
		t.Fatal(err)
	}
	creds, _ = cfg.Credentials.Retrieve(context.Background())
	if creds.AccessKeyID != "AKIA1" || creds.SessionToken != "tok" {
		t.Errorf("static session credentials not used: %q", creds.AccessKeyID)
	}
	if got := cfg.Retryer().MaxAttempts(); got != 4 {
		t.Errorf("MaxAttempts = %d, want 4", got)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	for name, o := range map[string]Options{
		"endpoint": {Region: "us-east-1", Endpoint: "emulator.test"},
		"half key": {Region: "us-east-1", AccessKeyID: "AKIA"},
		"region":   {AccessKeyID: "a", SecretAccessKey: "b"},
		"web id":   {Region: "us-east-1", WebIdentity: &WebIdentity{RoleARN: "arn:aws:iam::123456789012:role/x"}},
	} {
		if _, err := Load(context.Background(), o); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestRetryerBacksOffOnThrottling(t *testing.T) {
	r := NewRetryer(0, 3*time.Second)
	if r.MaxAttempts() != DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d", r.MaxAttempts())
	}
	err := throttleErr{}
	if !r.IsErrorRetryable(err) {
		t.Fatal("ThrottlingException must be retryable")
	}
	for attempt := 1; attempt <= 8; attempt++ {
		d, e := r.RetryDelay(attempt, err)
		if e != nil || d > 3*time.Second {
			t.Errorf("attempt %d: delay %s err %v (max backoff 3s)", attempt, d, e)
		}
	}
	// The retry quota is disabled: many throttled retries never exhaust it.
	for i := 0; i < 1000; i++ {
		if _, e := r.GetRetryToken(context.Background(), err); e != nil {
			t.Fatalf("retry token %d: %v", i, e)
		}
	}
}

// throttleErr looks like the SDK's decoded ThrottlingException (ErrorCode).
type throttleErr struct{}

func (throttleErr) Error() string        { return "ThrottlingException: Rate exceeded" }
func (throttleErr) ErrorCode() string    { return "ThrottlingException" }
func (throttleErr) ErrorMessage() string { return "Rate exceeded" }
