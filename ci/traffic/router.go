package traffic

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Colour is one side of a blue/green pair: an ECS service and the target
// group it registers its tasks with.
type Colour struct {
	Name           string // "blue" or "green"
	Service        string // ECS service, e.g. bitflow-backend-green
	TargetGroupArn string
}

// Router reads and changes where one listener's default action (or, when
// RuleArn is set, one rule's action) forwards traffic between two colours.
type Router struct {
	ELB         ELBAPI
	ListenerArn string
	RuleArn     string // optional: switch this rule instead of the default action
	Blue, Green Colour
}

// State is where traffic goes right now.
type State struct {
	// Weights is the forward weight of each colour by name ("blue", "green").
	Weights map[string]int32
	// Actions are the listener's default actions (or the rule's actions) as read.
	Actions []elbtypes.Action
}

// Percent is the share of traffic (0-100) the named colour receives.
func (s State) Percent(colour string) int {
	total := int32(0)
	for _, w := range s.Weights {
		total += w
	}
	if total == 0 {
		return 0
	}
	return int(s.Weights[colour] * 100 / total)
}

// Split is true when both colours receive traffic (a canary in progress).
func (s State) Split() bool { return s.Weights["blue"] > 0 && s.Weights["green"] > 0 }

// String is e.g. "blue 90% / green 10%".
func (s State) String() string {
	return fmt.Sprintf("blue %d%% / green %d%%", s.Percent("blue"), s.Percent("green"))
}

// Validate checks the router's configuration.
func (r *Router) Validate() error {
	var errs []error
	if r.ListenerArn == "" && r.RuleArn == "" {
		errs = append(errs, errors.New("traffic: listener ARN is empty"))
	}
	for _, c := range []Colour{r.Blue, r.Green} {
		if c.Name == "" || c.TargetGroupArn == "" || c.Service == "" {
			errs = append(errs, fmt.Errorf("traffic: colour %q needs a name, a service and a target group ARN", c.Name))
		}
	}
	if r.Blue.TargetGroupArn != "" && r.Blue.TargetGroupArn == r.Green.TargetGroupArn {
		errs = append(errs, fmt.Errorf("traffic: blue and green use the same target group %s", r.Blue.TargetGroupArn))
	}
	return errors.Join(errs...)
}

// Other returns the colour that is not c.
func (r *Router) Other(c Colour) Colour {
	if c.Name == r.Blue.Name {
		return r.Green
	}
	return r.Blue
}

// ColourByName returns blue or green by name.
func (r *Router) ColourByName(name string) (Colour, error) {
	switch name {
	case r.Blue.Name:
		return r.Blue, nil
	case r.Green.Name:
		return r.Green, nil
	}
	return Colour{}, fmt.Errorf("traffic: no colour named %q (have %q, %q)", name, r.Blue.Name, r.Green.Name)
}

func (r *Router) what() string {
	if r.RuleArn != "" {
		return "rule " + r.RuleArn
	}
	return "listener " + r.ListenerArn
}

// actions reads the listener's default actions or the rule's actions.
func (r *Router) actions(ctx context.Context) ([]elbtypes.Action, error) {
	if r.RuleArn != "" {
		out, err := r.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{r.RuleArn}})
		if err != nil {
			return nil, fmt.Errorf("describe rule %s: %w", r.RuleArn, err)
		}
		if len(out.Rules) != 1 {
			return nil, fmt.Errorf("describe rule %s: got %d rules", r.RuleArn, len(out.Rules))
		}
		return out.Rules[0].Actions, nil
	}
	out, err := r.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{r.ListenerArn}})
	if err != nil {
		return nil, fmt.Errorf("describe listener %s: %w", r.ListenerArn, err)
	}
	if len(out.Listeners) != 1 {
		return nil, fmt.Errorf("describe listener %s: got %d listeners", r.ListenerArn, len(out.Listeners))
	}
	return out.Listeners[0].DefaultActions, nil
}

// Current reads where traffic goes from the listener (or rule) itself. It is
// an error when it forwards to a target group that is neither colour.
func (r *Router) Current(ctx context.Context) (State, error) {
	acts, err := r.actions(ctx)
	if err != nil {
		return State{}, err
	}
	st := State{Weights: map[string]int32{r.Blue.Name: 0, r.Green.Name: 0}, Actions: acts}
	fwd := forwardIndex(acts)
	if fwd < 0 {
		return st, fmt.Errorf("%s has no forward action (actions: %s)", r.what(), describeActions(acts))
	}
	for arn, w := range weightsOf(acts[fwd]) {
		switch arn {
		case r.Blue.TargetGroupArn:
			st.Weights[r.Blue.Name] += w
		case r.Green.TargetGroupArn:
			st.Weights[r.Green.Name] += w
		default:
			if w > 0 {
				return st, fmt.Errorf("%s forwards to target group %s, which is neither %s (%s) nor %s (%s)",
					r.what(), arn, r.Blue.Name, r.Blue.TargetGroupArn, r.Green.Name, r.Green.TargetGroupArn)
			}
		}
	}
	if st.Weights[r.Blue.Name]+st.Weights[r.Green.Name] == 0 {
		return st, fmt.Errorf("%s sends no traffic to either colour", r.what())
	}
	return st, nil
}

// Live returns the colour that receives all traffic. It is an error while
// traffic is split between both (an unfinished canary).
func (r *Router) Live(ctx context.Context) (Colour, State, error) {
	st, err := r.Current(ctx)
	if err != nil {
		return Colour{}, st, err
	}
	if st.Split() {
		return Colour{}, st, fmt.Errorf("%s splits traffic (%s): a canary is in progress or was interrupted; roll back or finish it first", r.what(), st)
	}
	if st.Weights[r.Blue.Name] > 0 {
		return r.Blue, st, nil
	}
	return r.Green, st, nil
}

// SetPercent sends percent (0-100) of traffic to colour c and the rest to
// the other colour, with one weighted forward action. Other actions of the
// listener or rule (e.g. authentication) are kept as they are.
func (r *Router) SetPercent(ctx context.Context, c Colour, percent int) error {
	if percent < 0 || percent > 100 {
		return fmt.Errorf("traffic: percent %d is outside 0-100", percent)
	}
	other := r.Other(c)
	return r.SetWeights(ctx, map[string]int32{c.Name: int32(percent), other.Name: int32(100 - percent)})
}

// SwitchTo sends all traffic to colour c (the other colour stays in the
// forward action with weight 0, so its target group stays attached).
func (r *Router) SwitchTo(ctx context.Context, c Colour) error { return r.SetPercent(ctx, c, 100) }

// SetWeights writes the forward action with these weights by colour name.
func (r *Router) SetWeights(ctx context.Context, weights map[string]int32) error {
	acts, err := r.actions(ctx)
	if err != nil {
		return err
	}
	fwd := elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{}}
	for _, c := range []Colour{r.Blue, r.Green} {
		fwd.ForwardConfig.TargetGroups = append(fwd.ForwardConfig.TargetGroups,
			elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(c.TargetGroupArn), Weight: aws.Int32(weights[c.Name])})
	}
	next := make([]elbtypes.Action, 0, len(acts)+1)
	replaced := false
	for _, a := range acts {
		if a.Type == elbtypes.ActionTypeEnumForward && !replaced {
			fwd.Order = a.Order
			if a.ForwardConfig != nil {
				fwd.ForwardConfig.TargetGroupStickinessConfig = a.ForwardConfig.TargetGroupStickinessConfig
			}
			next = append(next, fwd)
			replaced = true
			continue
		}
		next = append(next, a)
	}
	if !replaced {
		next = append(next, fwd)
	}
	if r.RuleArn != "" {
		_, err = r.ELB.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: aws.String(r.RuleArn), Actions: next})
	} else {
		_, err = r.ELB.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(r.ListenerArn), DefaultActions: next})
	}
	if err != nil {
		return fmt.Errorf("set %s to %s: %w", r.what(), weightsString(weights), err)
	}
	return nil
}

func forwardIndex(acts []elbtypes.Action) int {
	for i, a := range acts {
		if a.Type == elbtypes.ActionTypeEnumForward {
			return i
		}
	}
	return -1
}

// weightsOf returns target group ARN -> weight of a forward action.
func weightsOf(a elbtypes.Action) map[string]int32 {
	out := map[string]int32{}
	if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
		for _, t := range a.ForwardConfig.TargetGroups {
			w := int32(1)
			if t.Weight != nil {
				w = *t.Weight
			}
			out[aws.ToString(t.TargetGroupArn)] += w
		}
		return out
	}
	if a.TargetGroupArn != nil {
		out[*a.TargetGroupArn] = 1
	}
	return out
}

// WeightsByArn returns target group ARN -> weight of the state's forward
// action (for the release manifest).
func (s State) WeightsByArn() map[string]int {
	out := map[string]int{}
	if i := forwardIndex(s.Actions); i >= 0 {
		for arn, w := range weightsOf(s.Actions[i]) {
			out[arn] = int(w)
		}
	}
	return out
}

func describeActions(acts []elbtypes.Action) string {
	var parts []string
	for _, a := range acts {
		parts = append(parts, string(a.Type))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func weightsString(w map[string]int32) string {
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, w[k]))
	}
	return strings.Join(parts, " ")
}
