package ledger_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/awsemu/emutest"
	"github.com/bitflow-lms/pipeline/ci/awsx"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/ledger"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

var t0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

func rec(id, sha string, startH int, dur time.Duration, out manifest.Outcome) *manifest.Manifest {
	start := t0.Add(time.Duration(startH) * time.Hour)
	commit := start.Add(-2 * time.Hour)
	return &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, ID: id, Environment: "production", GitSHA: sha, Strategy: "rolling",
		StartedAt: start, FinishedAt: start.Add(dur), Outcome: out, StartedBy: "alice@laptop", CommitTime: &commit,
		Services: []manifest.ServiceChange{{Service: "bitflow-backend", TaskDefinitionBefore: "td:" + sha + "-1", TaskDefinitionAfter: "td:" + sha}}}
}

func TestLedgerRoundTripAndHistory(t *testing.T) {
	srv := emutest.Start(t, awsemu.Options{})
	srv.CreateBucket("state")
	l := ledger.New(awsx.S3(srv.AWSConfig()), config.State{Bucket: "state", Prefix: "production"})
	ctx := context.Background()
	a := rec("a", "aaaa", 0, 10*time.Minute, manifest.OutcomeSucceeded)
	b := rec("b", "bbbb", 24, 10*time.Minute, manifest.OutcomeSucceeded)
	rb := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, ID: "rollback-b", Environment: "production", GitSHA: "bbbb", Strategy: "rollback", Undoes: "b",
		StartedAt: t0.Add(25 * time.Hour), FinishedAt: t0.Add(25*time.Hour + 5*time.Minute), Outcome: manifest.OutcomeSucceeded}
	c := rec("c", "cccc", 48, 10*time.Minute, manifest.OutcomeFailed)
	d := rec("d", "dddd", 49, 10*time.Minute, manifest.OutcomeSucceeded)
	for _, m := range []*manifest.Manifest{d, a, c, rb, b} { // written out of order
		if err := l.Put(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// Rewriting a record (every stage does) keeps one object.
	b.FailureReason = ""
	if err := l.Put(ctx, b); err != nil {
		t.Fatal(err)
	}
	h, err := l.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range h {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "a,b,rollback-b,c,d" {
		t.Fatalf("history order %v", ids)
	}
	if srv.CountCalls("s3.ListObjectsV2") != 1 || srv.CountCalls("s3.GetObject") != 5 || srv.CountCalls("s3.PutObject") != 6 {
		t.Errorf("calls: list %d get %d put %d", srv.CountCalls("s3.ListObjectsV2"), srv.CountCalls("s3.GetObject"), srv.CountCalls("s3.PutObject"))
	}
	hist := ledger.History(h)
	if u, _ := hist.ToUndo(""); u == nil || u.ID != "d" {
		t.Errorf("to undo: %+v", u)
	}
	if u, _ := hist.ToUndo("bbb"); u == nil || u.ID != "b" {
		t.Errorf("to undo by sha: %+v", u)
	}
	if live := hist.LiveRelease(); live.ID != "d" {
		t.Errorf("live %s", live.ID)
	}
	if p := hist.PutThere("bitflow-backend", "td:dddd"); p == nil || p.ID != "d" {
		t.Errorf("put there: %+v", p)
	}
	s := hist.Summarize()
	// 4 deploys over 49h (2.04 days), 2 failed changes (b undone, c failed):
	// b restored by its rollback 1h later (25h05 - 25h00 = 5m), c by d (49h10 - 48h10 = 1h).
	if s.Deploys != 4 || s.Succeeded != 3 || s.Failed != 2 || s.ChangeFailureRate != 0.5 {
		t.Errorf("summary %+v", s)
	}
	if s.LeadTime != 2*time.Hour+10*time.Minute || s.LeadTimeKnown != 3 {
		t.Errorf("lead time %s of %d", s.LeadTime, s.LeadTimeKnown)
	}
	if s.Restored != 2 || s.TimeToRestore != time.Hour {
		t.Errorf("time to restore %s of %d", s.TimeToRestore, s.Restored)
	}
	var out bytes.Buffer
	hist.Write(&out)
	for _, want := range []string{"undid b", "change failure rate: 50% (2 of the finished deploys)", "deployment frequency: 1.47 per day", "lead time for changes: 2h10m0s (median of 3)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("releases output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestMismatchNamesTamperedFields(t *testing.T) {
	a := rec("a", "aaaa", 0, time.Minute, manifest.OutcomeSucceeded)
	b := *a
	b.Services = []manifest.ServiceChange{{Service: "bitflow-backend", TaskDefinitionBefore: "td:other", TaskDefinitionAfter: "td:aaaa"}}
	b.GitSHA = "evil"
	if got := ledger.Mismatch(&b, a); strings.Join(got, ",") != "gitSha,services" {
		t.Errorf("mismatch %v", got)
	}
	if got := ledger.Mismatch(a, a); len(got) != 0 {
		t.Errorf("self mismatch %v", got)
	}
}
