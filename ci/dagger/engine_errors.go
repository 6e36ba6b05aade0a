package main

import (
	"errors"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
	"github.com/bitflow-lms/pipeline/ci/internal/readable"
)

// readableErr turns an engine error into one a person can read (see
// package readable); nil stays nil.
func readableErr(err error) error {
	if err == nil {
		return nil
	}
	var exec *dagger.ExecError
	if errors.As(err, &exec) {
		return readable.ExecFailure(exec.Cmd, exec.ExitCode, exec.Stdout, exec.Stderr)
	}
	return errors.New(readable.WithoutIDs(err.Error()))
}
