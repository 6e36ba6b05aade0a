package awsx

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestEveryCallHasItsOwnTimeout: against an endpoint that accepts the
// connection and never answers, a call fails after CallTimeout per attempt,
// not when the caller's context ends.
func TestEveryCallHasItsOwnTimeout(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and hold every connection, answering nothing
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, h := range held {
					h.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	cfg, err := Load(context.Background(), Options{Region: "us-east-1", Endpoint: "http://" + ln.Addr().String(), MaxAttempts: 2, MaxBackoff: time.Millisecond, CallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("a call to a silent endpoint succeeded")
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the call took %s: want about 2 attempts x 200ms", took)
	}
}
