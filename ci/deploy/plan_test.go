package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bitflow-lms/pipeline/ci/awsemu"
	"github.com/bitflow-lms/pipeline/ci/config"
)

func TestPlanMakesZeroMutatingCalls(t *testing.T) {
	for _, strategy := range []string{config.StrategyBlueGreen, config.StrategyCanary, config.StrategyRolling} {
		t.Run(strategy, func(t *testing.T) {
			b := newBGFixture(t, strategy, awsemu.Timing{})
			p, err := Plan(context.Background(), b.options())
			if err != nil {
				t.Fatalf("plan: %v\n%s", err, b.out)
			}
			if muts := b.mutating(); len(muts) != 0 {
				t.Fatalf("plan made mutating calls: %v", muts)
			}
			if len(b.srv.Calls()) == 0 {
				t.Fatal("plan made no call at all: it cannot have read anything")
			}
			if len(p.Images) != 15 || p.Migration == nil || strings.Join(p.Migration.Command, " ") != "php artisan migrate --force" ||
				!strings.Contains(p.Migration.Image, "bitflow-backend@sha256:") {
				t.Errorf("images %d, migration %+v", len(p.Images), p.Migration)
			}
			var text, js bytes.Buffer
			if err := p.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := p.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var back PlanResult
			if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Strategy != strategy || len(back.Services) != len(p.Services) {
				t.Errorf("JSON round trip: %v %+v", err, back)
			}
			wantText := []string{"read-only: nothing was changed", "php artisan migrate --force", "Rollback would:", "+++ bitflow-frontend-student:new"}
			if strategy == config.StrategyRolling {
				if p.Traffic != nil {
					t.Errorf("rolling plan has traffic %+v", p.Traffic)
				}
				wantText = append(wantText, "point bitflow-backend back at")
			} else {
				tr := p.Traffic
				if tr == nil || tr.LiveColour != "blue" || tr.NewColour != "green" || tr.NewService != "bitflow-backend-green" || tr.ScaleDownTo != 1 {
					t.Fatalf("traffic %+v", tr)
				}
				green := p.serviceByName("bitflow-backend-green")
				if green == nil || green.Source != "bitflow-backend-blue" || !strings.Contains(green.Diff, "@sha256:") {
					t.Fatalf("green plan %+v", green)
				}
				// Green's own counts (scaled to 0), not blue's it renders from.
				if green.DesiredCount != 0 || green.RunningCount != 0 {
					t.Errorf("green plan shows desired %d running %d, want 0/0 (its own state)", green.DesiredCount, green.RunningCount)
				}
				steps := "[100]"
				if strategy == config.StrategyCanary {
					steps = "[10,50,100]"
				}
				if got := jsonInts(tr.Steps); got != steps {
					t.Errorf("steps %v, want %s", tr.Steps, steps)
				}
				wantText = append(wantText, "Traffic: blue (bitflow-backend-blue) is live now", "green 10%", "scale bitflow-backend-blue (blue) back to 3 tasks")
				if strategy == config.StrategyBlueGreen {
					wantText[len(wantText)-2] = "green 100%"
				}
			}
			for _, w := range wantText {
				if !strings.Contains(text.String(), w) {
					t.Errorf("plan text misses %q:\n%s", w, text.String())
				}
			}
		})
	}
}

func TestPlanReportsASplitListenerWithoutChangingIt(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	if err := b.router.SetPercent(context.Background(), b.router.Green, 30); err != nil {
		t.Fatal(err)
	}
	b.srv.ResetCalls()
	p, err := Plan(context.Background(), b.options())
	if err == nil || !strings.Contains(err.Error(), "splits traffic") || !strings.Contains(p.Error, "blue 70% / green 30%") {
		t.Fatalf("plan with a split listener: %v", err)
	}
	if muts := b.mutating(); len(muts) != 0 {
		t.Errorf("mutating calls %v", muts)
	}
	var text bytes.Buffer
	_ = p.WriteText(&text)
	if !strings.Contains(text.String(), "PLAN FAILED") {
		t.Errorf("text:\n%s", text.String())
	}
}

func jsonInts(v []int) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAWrongTargetGroupFailsBeforeAnyChange(t *testing.T) {
	b := newBGFixture(t, config.StrategyBlueGreen, awsemu.Timing{})
	b.env.BlueGreen.Green.TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bitflow-backend-gren/0123456789abcdef"
	m, err := Deploy(context.Background(), b.options())
	if err == nil || !strings.Contains(err.Error(), "blueGreen.green.targetGroupArn") || !strings.Contains(err.Error(), "TargetGroupNotFound") {
		t.Fatalf("deploy with a wrong green target group: %v", err)
	}
	if m.FailedStage != StagePrepare {
		t.Errorf("failed at %q, want prepare", m.FailedStage)
	}
	if muts := b.mutating(); len(muts) != 0 {
		t.Errorf("mutating calls before the error: %v", muts)
	}
}
