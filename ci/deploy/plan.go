package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// PlanResult is what a deploy would do, computed with read-only calls only.
type PlanResult struct {
	Environment string            `json:"environment"`
	GitSHA      string            `json:"gitSha"`
	Strategy    string            `json:"strategy"`
	Images      []manifest.Image  `json:"images"`
	Services    []PlannedService  `json:"services"`
	Traffic     *PlannedTraffic   `json:"traffic,omitempty"`
	Migration   *PlannedMigration `json:"migration,omitempty"`
	Rollback    []string          `json:"rollback"` // what a rollback of this release would restore
	Checks      []manifest.Stage  `json:"checks"`   // the read-only stages that ran
	Error       string            `json:"error,omitempty"`
	Warnings    []string          `json:"warnings,omitempty"`
}

// PlannedService is one service the release would update.
type PlannedService struct {
	Service              string `json:"service"`
	Role                 string `json:"role"`
	Source               string `json:"source,omitempty"` // the service whose task definition is the base, if not Service
	TaskDefinitionBefore string `json:"taskDefinitionBefore"`
	DesiredCount         int32  `json:"desiredCount"`
	RunningCount         int32  `json:"runningCount"`
	Diff                 string `json:"diff"` // unified diff of the task definition ("" = no change)
	// DeploymentDiff is the diff of the deployment configuration and load
	// balancers ("" = no change), e.g. a strategy switch.
	DeploymentDiff string `json:"deploymentDiff,omitempty"`
}

// PlannedTraffic is how a blue/green or canary release would move traffic.
type PlannedTraffic struct {
	ListenerArn     string         `json:"listenerArn"`
	RuleArn         string         `json:"ruleArn,omitempty"`
	TestListenerArn string         `json:"testListenerArn,omitempty"`
	LiveColour      string         `json:"liveColour"` // read from the listener
	LiveService     string         `json:"liveService"`
	NewColour       string         `json:"newColour"`
	NewService      string         `json:"newService"`
	Current         map[string]int `json:"current"` // colour -> percent now
	Steps           []int          `json:"steps"`   // percent on the new colour, in order
	Bake            string         `json:"bake"`    // after each step
	ScaleDownTo     int32          `json:"scaleDownTo"`
	Changes         []string       `json:"changes"` // listener changes in order
}

// PlannedMigration is the migration task that would run before traffic moves.
type PlannedMigration struct {
	TaskDefinition string   `json:"taskDefinition"`
	Container      string   `json:"container"`
	Command        []string `json:"command"`
	Image          string   `json:"image"`
	Disabled       bool     `json:"disabled,omitempty"`
	// GuardCommand is the read-only command the migration guard runs first
	// at deploy time (empty: the guard is off). The plan makes no mutating
	// call, so it does not run it.
	GuardCommand []string `json:"guardCommand,omitempty"`
}

// Plan is a dry run that only reads: it validates the options, checks the
// release images in ECR, lets the strategy read the live colour from the
// listener, and renders every task definition without registering it. The
// result says what would change, which colour would go live and how, the
// migration command, and what a rollback would restore. It makes no
// mutating AWS call. A failed check is returned as the error, with the
// result filled as far as it got.
func Plan(ctx context.Context, opts Options) (*PlanResult, error) {
	opts.DryRun, opts.Reporters, opts.ManifestPath, opts.OnStage = true, nil, "", nil
	run := newRun(opts)
	err := run.execute(ctx, opts)
	p := &PlanResult{Environment: run.Manifest.Environment, GitSHA: opts.GitSHA, Strategy: run.Manifest.Strategy,
		Images: run.Manifest.Images, Checks: run.Manifest.Stages, Warnings: run.warnings}
	if err != nil {
		p.Error = err.Error()
	}
	for _, t := range run.Targets {
		ps := PlannedService{Service: t.Service, Role: t.Role, Diff: t.Diff, DeploymentDiff: t.DeploymentDiff}
		if t.Source != t.Service {
			ps.Source = t.Source
		}
		if live := t.Live; live != nil { // the service's own state, not its Source's
			ps.TaskDefinitionBefore = aws.ToString(live.TaskDefinition)
			ps.DesiredCount, ps.RunningCount = live.DesiredCount, live.RunningCount
		}
		p.Services = append(p.Services, ps)
	}
	if run.Env != nil {
		p.planMigration(run)
		p.planTraffic(run)
		p.planRollback(run)
	}
	return p, err
}

func (p *PlanResult) planMigration(run *Run) {
	mc := run.Env.Migration
	p.Migration = &PlannedMigration{TaskDefinition: mc.TaskDefinition, Container: mc.Container, Command: mc.Command, Disabled: mc.Disabled}
	if mc.Guard && !mc.Disabled {
		p.Migration.GuardCommand = mc.PretendCommand
	}
	if img, ok := run.Images[config.BackendApp]; ok {
		p.Migration.Image = img.Ref()
	}
}

func (p *PlanResult) planTraffic(run *Run) {
	tr := run.Manifest.Traffic
	bg := run.Env.BlueGreen
	if tr == nil || bg == nil {
		return
	}
	live := tr.LiveColourBefore
	next := "green"
	if live == "green" {
		next = "blue"
	}
	svc := map[string]string{"blue": bg.Blue.Service, "green": bg.Green.Service}
	pt := &PlannedTraffic{ListenerArn: tr.ListenerArn, RuleArn: tr.RuleArn, TestListenerArn: bg.TestListenerArn,
		LiveColour: live, LiveService: svc[live], NewColour: next, NewService: svc[next],
		Current: map[string]int{live: 100, next: 0}, Steps: []int{100}, Bake: bg.Bake.Duration.String(), ScaleDownTo: 1}
	if bg.ScaleDownTo != nil {
		pt.ScaleDownTo = *bg.ScaleDownTo
	}
	if run.Manifest.Strategy == config.StrategyCanary && run.Env.Canary != nil {
		pt.Steps, pt.Bake = append([]int(nil), run.Env.Canary.Steps...), run.Env.Canary.Bake.Duration.String()
	}
	what := "listener " + tr.ListenerArn + " default action"
	if tr.RuleArn != "" {
		what = "rule " + tr.RuleArn
	}
	if bg.TestListenerArn != "" {
		pt.Changes = append(pt.Changes, fmt.Sprintf("test listener %s: forward to %s before the health gate", bg.TestListenerArn, next))
	}
	for _, s := range pt.Steps {
		pt.Changes = append(pt.Changes, fmt.Sprintf("%s: forward %s %d%% / %s %d%%, then bake %s", what, live, 100-s, next, s, pt.Bake))
	}
	pt.Changes = append(pt.Changes, fmt.Sprintf("on any failure: %s: forward %s 100%%", what, live))
	p.Traffic = pt
}

func (p *PlanResult) planRollback(run *Run) {
	if pt := p.Traffic; pt != nil {
		n := int32(0) // the live colour's count: the new colour renders from it
		for _, t := range run.Targets {
			if t.Service == pt.NewService && t.Current != nil {
				n = t.Current.DesiredCount
			}
		}
		p.Rollback = append(p.Rollback,
			fmt.Sprintf("scale %s (%s) back to %d tasks and wait until stable and healthy", pt.LiveService, pt.LiveColour, n),
			fmt.Sprintf("then point the listener back at %s (%s)", pt.LiveColour, pt.LiveService),
			fmt.Sprintf("then return %s (%s) to its previous task count", pt.NewService, pt.NewColour))
	}
	for _, s := range p.Services {
		if p.Traffic != nil && s.Service == p.Traffic.NewService {
			continue
		}
		if s.TaskDefinitionBefore != "" {
			p.Rollback = append(p.Rollback, fmt.Sprintf("point %s back at %s and wait until stable", s.Service, s.TaskDefinitionBefore))
		}
	}
}

func (p *PlanResult) serviceByName(name string) *PlannedService {
	for i := range p.Services {
		if p.Services[i].Service == name {
			return &p.Services[i]
		}
	}
	return nil
}
