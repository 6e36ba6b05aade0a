package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
)

// TestNothingToUndoNamesWhatCanBeUndoneNext: undoing a release that a
// rollback already undid is refused, naming that rollback, what is live and
// the command that undoes the release before it.
func TestNothingToUndoNamesWhatCanBeUndoneNext(t *testing.T) {
	f := newFixture(t, awsemu.Timing{})
	ctx := context.Background()
	older, err := Deploy(ctx, f.options())
	if err != nil {
		t.Fatal(err)
	}
	f.pushRelease(t, "3333333")
	opts := f.options()
	opts.GitSHA = "3333333"
	newer, err := Deploy(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Rollback(ctx, f.rollbackOpts("carol@laptop"))
	if err != nil || rb.Undoes != newer.ID {
		t.Fatalf("rollback of the newer release: %v (undid %s)", err, rb.Undoes)
	}
	f.srv.ResetCalls()
	again := f.rollbackOpts("carol@laptop")
	again.Release = newer.ID
	_, err = Rollback(ctx, again)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("undoing %s again: %v", newer.ID, err)
	}
	for _, want := range []string{"nothing to undo: release " + newer.ID, "all 15 services: undone by rollback " + rb.ID,
		"live: release " + rb.ID, "can be undone with: bitflow-deploy rollback --env emulator --release " + older.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal misses %q:\n%v", want, err)
		}
	}
	if mut := f.mutating(); len(mut) != 0 {
		t.Errorf("the refused rollback changed the account: %v", mut)
	}
}
