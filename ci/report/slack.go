package report

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// ErrNotConfigured is returned by a constructor whose required secret is
// empty. New treats it as "this sink is off", not as a problem.
var ErrNotConfigured = errors.New("not configured")

// Slack's limits on block text (characters).
const (
	slackHeaderLimit  = 150
	slackSectionLimit = 3000
)

// SlackOptions configures the Slack reporter.
type SlackOptions struct {
	// WebhookURL is the incoming-webhook URL. It is a secret (anyone holding
	// it can post): it is never logged and is redacted from every error.
	WebhookURL string
	// RunURL links the message to the workflow run (optional).
	RunURL string
	// RepositoryURL, e.g. https://github.com/owner/name, turns the sha into a
	// link to the commit (optional).
	RepositoryURL string
	// HTTPClient posts the message; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
}

// Slack posts exactly one message per run, when the run finishes, whatever
// the outcome: environment, sha, strategy, per-stage durations and, when the
// run did not succeed, the failing stage and reason.
type Slack struct {
	webhook string
	runURL  string
	repoURL string
	hc      *http.Client
	red     *redactor
}

// NewSlack checks the options and builds the reporter. An empty webhook URL
// returns an error wrapping ErrNotConfigured. The URL itself never appears
// in an error.
func NewSlack(opts SlackOptions) (*Slack, error) {
	if strings.TrimSpace(opts.WebhookURL) == "" {
		return nil, fmt.Errorf("slack reporter: webhook URL is empty: %w", ErrNotConfigured)
	}
	u, err := url.Parse(opts.WebhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("slack reporter: webhook URL is not an http(s) URL (value not shown: it is a secret)")
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Slack{
		webhook: opts.WebhookURL,
		runURL:  opts.RunURL,
		repoURL: strings.TrimSuffix(opts.RepositoryURL, "/"),
		hc:      hc,
		red:     newRedactor(opts.WebhookURL),
	}, nil
}

// Name implements Reporter.
func (s *Slack) Name() string { return "slack" }

// Start sends nothing: the run gets one message, at the end.
func (s *Slack) Start(context.Context, *manifest.Manifest) error { return nil }

// Finish posts the run's message.
func (s *Slack) Finish(ctx context.Context, m *manifest.Manifest) error {
	msg := SlackMessage(m, s.runURL, s.repoURL)
	if err := slack.PostWebhookCustomHTTPContext(ctx, s.webhook, s.hc, msg); err != nil {
		return s.red.Error(fmt.Errorf("slack reporter: post message for %s: %w", m.ID, err))
	}
	return nil
}

// SlackMessage renders the message for a finished run. runURL and repoURL
// may be empty.
func SlackMessage(m *manifest.Manifest, runURL, repoURL string) *slack.WebhookMessage {
	emoji, colour := slackLook(m.Outcome)
	headline := emoji + " " + title(m)

	sha := "`" + shortSHA(m.GitSHA) + "`"
	if repoURL != "" && m.GitSHA != "" {
		sha = fmt.Sprintf("<%s/commit/%s|%s>", repoURL, m.GitSHA, shortSHA(m.GitSHA))
	}
	field := func(label, value string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, "*"+label+"*\n"+value, false, false)
	}
	fields := []*slack.TextBlockObject{
		field("Environment", m.Environment),
		field("Commit", sha),
		field("Strategy", m.Strategy),
		field("Outcome", string(m.Outcome)),
		field("Duration", formatDuration(totalDuration(m))),
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(headline, slackHeaderLimit), true, false)),
		slack.NewSectionBlock(nil, fields, nil),
	}
	if f := failureText(m); f != "" {
		text := truncate("*Failure:* "+slackEscape(f), slackSectionLimit)
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil))
	}
	if len(m.Stages) > 0 {
		text := truncate("*Stages*\n```"+stageLines(m)+"```", slackSectionLimit)
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil))
	}
	var ctxElems []slack.MixedElement
	if runURL != "" {
		ctxElems = append(ctxElems, slack.NewTextBlockObject(slack.MarkdownType, "<"+runURL+"|Workflow run>", false, false))
	}
	if m.ID != "" {
		ctxElems = append(ctxElems, slack.NewTextBlockObject(slack.MarkdownType, "Manifest `"+m.ID+"`", false, false))
	}
	if len(ctxElems) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", ctxElems...))
	}
	return &slack.WebhookMessage{
		Text:        headline, // notification and fallback text
		Blocks:      &slack.Blocks{BlockSet: blocks},
		Attachments: []slack.Attachment{{Color: colour, Fallback: headline, Text: imageLines(m)}},
	}
}

// slackLook picks the emoji and attachment colour for an outcome.
func slackLook(o manifest.Outcome) (emoji, colour string) {
	switch o {
	case manifest.OutcomeSucceeded:
		return ":white_check_mark:", "good"
	case manifest.OutcomeCancelled:
		return ":no_entry_sign:", "warning"
	case manifest.OutcomeRolledBack:
		return ":rewind:", "danger"
	default:
		return ":x:", "danger"
	}
}

// stageLines is a fixed-width list of stages: name, status, duration.
func stageLines(m *manifest.Manifest) string {
	width := 0
	for _, s := range m.Stages {
		width = max(width, len(s.Name))
	}
	var b strings.Builder
	for _, s := range m.Stages {
		fmt.Fprintf(&b, "%-*s  %-9s  %s\n", width, s.Name, s.Status, stageDuration(s))
	}
	return b.String()
}

// imageLines lists the images of the run, one per line, pinned by digest.
func imageLines(m *manifest.Manifest) string {
	if len(m.Images) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Images:\n")
	for _, img := range m.Images {
		fmt.Fprintf(&b, "• %s: `%s`\n", img.App, img.Ref())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// slackEscape escapes the three characters Slack's mrkdwn treats as control characters.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
