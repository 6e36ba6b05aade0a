// Package emutest starts the AWS emulator for a test: on a free loopback
// port, closed when the test ends.
package emutest

import (
	"testing"
	"time"

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

// Epoch is where StartManual's clock starts.
var Epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// StartManual serves a new emulator on a manual clock (opts.Clock is
// replaced) and returns the clock: hand it to the code under test, whose
// waits then move the emulated world instead of waiting.
func StartManual(t testing.TB, opts awsemu.Options) (*awsemu.Server, *awsemu.ManualClock) {
	t.Helper()
	clk := awsemu.NewManualClock(Epoch)
	opts.Clock = clk
	return Start(t, opts), clk
}
