package awsemu

import (
	"net"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/bitflow-lms/pipeline/ci/internal/sdktransport"
)

// Server is an Emulator listening on 127.0.0.1.
type Server struct {
	*Emulator
	URL string // e.g. http://127.0.0.1:41234
	srv *http.Server
	ln  net.Listener
}

// Listen starts a new emulator on addr (use "127.0.0.1:0" for a free port).
func Listen(addr string, opts Options) (*Server, error) {
	return Serve(addr, New(opts))
}

// Serve starts serving an existing emulator on addr. One emulator may be
// served on several addresses, e.g. a private one to seed it before the
// public one opens.
func Serve(addr string, e *Emulator) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Emulator: e, URL: "http://" + ln.Addr().String(), ln: ln, srv: &http.Server{Handler: e}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and closes every connection at once. (A graceful
// Shutdown waits up to 5 s for connections a client dialled but never used,
// which made every test that closed an emulator a lottery of 5 s stalls.)
func (s *Server) Close() error {
	s.stopWakeups()
	return s.srv.Close()
}

// AWSConfig returns an aws.Config whose clients talk to this emulator with
// static test credentials, over sdktransport's HTTP client (as the deploy
// brain's). Retry behaviour is the SDK's default (standard retryer with
// backoff), so throttling faults are survived as against AWS.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.region,
		HTTPClient:   sdktransport.Client(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEMULATOR", "emulator-secret", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}
