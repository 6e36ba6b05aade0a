// Package emutest starts the AWS emulator for a test: on a free loopback
// port, closed when the test ends, with every answer checked against AWS's
// botocore models (package conformance): a response that breaks its
// operation's shape fails the test that caused it.
package emutest

import (
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/conformance"
)

// Start serves a new emulator on 127.0.0.1 for the duration of t. Unless
// python3 with botocore is absent (then one line says so), each exchange is
// checked for model conformance and any violation is reported as a test
// error when t ends.
func Start(t testing.TB, opts awsemu.Options) *awsemu.Server {
	t.Helper()
	check := conformance.ForTest(t)
	if check != nil {
		observe := opts.Observe
		opts.Observe = func(x awsemu.Exchange) {
			check.Observe(conformance.Exchange(x))
			if observe != nil {
				observe(x)
			}
		}
	}
	srv, err := awsemu.Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Close()
		check.Report(t)
	})
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
