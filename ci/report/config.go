package report

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
)

// Config says which reporters to build. Empty secrets switch the matching
// reporter off.
type Config struct {
	// GitHubToken (secret) and GitHubRepository ("owner/name") enable GitHub
	// Deployments and commit statuses.
	GitHubToken      string
	GitHubRepository string
	// GitHubAPIURL is the REST API root ("" = https://api.github.com/).
	GitHubAPIURL string
	// GitHubServerURL is the web root, e.g. https://github.com (for links).
	GitHubServerURL string
	// RunURL is the link to the workflow run (log_url, target_url, Slack link).
	RunURL string
	// SlackWebhookURL (secret) enables the Slack message.
	SlackWebhookURL string
	// StepSummaryPath enables the job summary (GITHUB_STEP_SUMMARY).
	StepSummaryPath string
	// HTTPClient is shared by the GitHub and Slack reporters (nil = defaults).
	HTTPClient *http.Client
	// Logger receives warnings and the lines saying which reporters are off
	// (nil = text to stderr).
	Logger *slog.Logger
}

// ConfigFromEnv reads the variables GitHub Actions sets (GITHUB_TOKEN,
// GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID,
// GITHUB_STEP_SUMMARY) and SLACK_WEBHOOK_URL. getenv is usually os.Getenv.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		GitHubToken:      getenv("GITHUB_TOKEN"),
		GitHubRepository: getenv("GITHUB_REPOSITORY"),
		GitHubAPIURL:     getenv("GITHUB_API_URL"),
		GitHubServerURL:  getenv("GITHUB_SERVER_URL"),
		SlackWebhookURL:  getenv("SLACK_WEBHOOK_URL"),
		StepSummaryPath:  getenv("GITHUB_STEP_SUMMARY"),
	}
	if c.GitHubServerURL == "" && c.GitHubRepository != "" {
		c.GitHubServerURL = "https://github.com"
	}
	if id := getenv("GITHUB_RUN_ID"); id != "" && c.GitHubRepository != "" {
		c.RunURL = strings.TrimSuffix(c.GitHubServerURL, "/") + "/" + c.GitHubRepository + "/actions/runs/" + id
	}
	return c
}

// New builds every reporter the config enables and returns them behind one
// Multi, which is never nil. A reporter that is not configured is left out
// with one log line saying so; one whose configuration is invalid is left
// out and described in the returned error, which callers log as a warning:
// reporting problems never stop a deploy.
func New(cfg Config) (*Multi, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	var reporters []Reporter
	var errs []error
	add := func(r Reporter, err error, off string) {
		switch {
		case err == nil:
			reporters = append(reporters, r)
		case errors.Is(err, ErrNotConfigured):
			logger.Info(off)
		default:
			errs = append(errs, err)
			logger.Warn("reporter left out", "error", err.Error())
		}
	}

	if cfg.GitHubToken == "" {
		add(nil, ErrNotConfigured, "github reporter off: no GitHub token given (GITHUB_TOKEN); no deployment or commit status will be posted")
	} else {
		g, err := NewGitHub(GitHubOptions{Token: cfg.GitHubToken, Repository: cfg.GitHubRepository, BaseURL: cfg.GitHubAPIURL, RunURL: cfg.RunURL, HTTPClient: cfg.HTTPClient})
		add(nilIfErr(g, err), err, "")
	}

	repoURL := ""
	if cfg.GitHubServerURL != "" && cfg.GitHubRepository != "" {
		repoURL = strings.TrimSuffix(cfg.GitHubServerURL, "/") + "/" + cfg.GitHubRepository
	}
	s, err := NewSlack(SlackOptions{WebhookURL: cfg.SlackWebhookURL, RunURL: cfg.RunURL, RepositoryURL: repoURL, HTTPClient: cfg.HTTPClient})
	add(nilIfErr(s, err), err, "slack reporter off: no webhook URL given (SLACK_WEBHOOK_URL); no Slack message will be sent")

	sum, err := NewSummary(cfg.StepSummaryPath)
	add(nilIfErr(sum, err), err, "summary reporter off: GITHUB_STEP_SUMMARY is not set; no job summary will be written")

	if len(errs) > 0 {
		return NewMulti(logger, reporters...), fmt.Errorf("report: %w", errors.Join(errs...))
	}
	return NewMulti(logger, reporters...), nil
}

// Reporters is the one reporter builder of the deploy, the CLI and the
// Dagger module: New's reporters as the list deploy.Options takes. A
// reporter left out for a bad configuration has been logged as a warning by
// New; reporting problems never stop a deploy, so there is no error.
func Reporters(cfg Config) []Reporter {
	multi, _ := New(cfg)
	return []Reporter{multi}
}

// nilIfErr turns a typed nil pointer into a nil interface so it is not
// mistaken for a reporter.
func nilIfErr[T Reporter](r T, err error) Reporter {
	if err != nil {
		return nil
	}
	return r
}
