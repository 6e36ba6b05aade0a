// Package emutest starts the AWS emulator for a test: on a free loopback
// port, closed when the test ends.
package emutest

import (
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
)

// Start serves a new emulator on 127.0.0.1 for the duration of t.
func Start(t testing.TB, opts awsemu.Options) *awsemu.Server {
	t.Helper()
	srv, err := awsemu.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}
