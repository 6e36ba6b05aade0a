package report

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bitflow-lms/pipeline/ci/manifest"
)

// DefaultGitHubAPIURL is the public GitHub REST API.
const DefaultGitHubAPIURL = "https://api.github.com/"

// GitHubOptions configures the GitHub Deployments reporter.
type GitHubOptions struct {
	// Token authenticates the API calls (the workflow's GITHUB_TOKEN with
	// deployments: write and statuses: write). It is a secret: it is only ever
	// put in the Authorization header and is redacted from every error.
	Token string
	// Repository is "owner/name".
	Repository string
	// BaseURL is the REST API root; "" means DefaultGitHubAPIURL. For GitHub
	// Enterprise Server it is https://HOST/api/v3/.
	BaseURL string
	// RunURL links the deployment status and the commit status to the
	// workflow run (optional).
	RunURL string
	// ProductionEnvironments are the environment names GitHub marks as
	// production; nil means just "production".
	ProductionEnvironments []string
	// HTTPClient is used for the API calls; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
}

// GitHub reports a run as a GitHub Deployment of the git sha to the
// environment, with deployment statuses (in_progress, then success, failure
// or error) and a commit status named "bitflow/deploy/<environment>".
// Dry runs are not reported: they change nothing in the environment.
type GitHub struct {
	client     *github.Client
	owner      string
	repo       string
	runURL     string
	production map[string]bool
	red        *redactor

	mu           sync.Mutex
	deploymentID int64 // of the run in progress; 0 until Start succeeds
}

// NewGitHub checks the options and builds the reporter. It makes no request.
func NewGitHub(opts GitHubOptions) (*GitHub, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("github reporter: token is empty")
	}
	owner, repo, ok := strings.Cut(opts.Repository, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, fmt.Errorf("github reporter: repository %q is not owner/name", opts.Repository)
	}
	base := opts.BaseURL
	if base == "" {
		base = DefaultGitHubAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("github reporter: base URL %q is not an http(s) URL", opts.BaseURL)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	client := github.NewClient(hc).WithAuthToken(opts.Token)
	client.BaseURL = u
	prod := map[string]bool{"production": true}
	if opts.ProductionEnvironments != nil {
		prod = map[string]bool{}
		for _, e := range opts.ProductionEnvironments {
			prod[e] = true
		}
	}
	return &GitHub{
		client:     client,
		owner:      owner,
		repo:       repo,
		runURL:     opts.RunURL,
		production: prod,
		red:        newRedactor(opts.Token),
	}, nil
}

// Name implements Reporter.
func (g *GitHub) Name() string { return "github" }

// StatusContext is the commit status context for an environment.
func StatusContext(environment string) string { return "bitflow/deploy/" + environment }

// Start creates the deployment and marks it in_progress, and sets the commit
// status to pending.
func (g *GitHub) Start(ctx context.Context, m *manifest.Manifest) error {
	if m.DryRun {
		return nil
	}
	if err := checkRun(m); err != nil {
		return err
	}
	id, err := g.ensureDeployment(ctx, m)
	if err != nil {
		return err
	}
	desc := truncate(fmt.Sprintf("Deploying %s with %s", shortSHA(m.GitSHA), m.Strategy), githubDescriptionLimit)
	return errors.Join(
		g.deploymentStatus(ctx, m, id, "in_progress", desc, ""),
		g.commitStatus(ctx, m, "pending", desc),
	)
}

// Finish posts the final deployment status (success with the environment
// URL, failure with the failing stage and reason, error when cancelled) and
// the matching commit status. It creates the deployment first if Start did
// not.
func (g *GitHub) Finish(ctx context.Context, m *manifest.Manifest) error {
	if m.DryRun {
		return nil
	}
	if err := checkRun(m); err != nil {
		return err
	}
	id, err := g.ensureDeployment(ctx, m)
	if err != nil {
		return err
	}
	deployState, commitState := githubStates(m.Outcome)
	desc := truncate(finishDescription(m), githubDescriptionLimit)
	envURL := ""
	if m.Outcome == manifest.OutcomeSucceeded {
		envURL = m.EnvironmentURL
	}
	err = errors.Join(
		g.deploymentStatus(ctx, m, id, deployState, desc, envURL),
		g.commitStatus(ctx, m, commitState, desc),
	)
	g.mu.Lock()
	g.deploymentID = 0 // the next run gets its own deployment
	g.mu.Unlock()
	return err
}

// checkRun refuses a manifest GitHub could not attach a deployment to.
func checkRun(m *manifest.Manifest) error {
	var missing []string
	if m.GitSHA == "" {
		missing = append(missing, "gitSha")
	}
	if m.Environment == "" {
		missing = append(missing, "environment")
	}
	if len(missing) > 0 {
		return fmt.Errorf("github reporter: manifest %q has no %s", m.ID, strings.Join(missing, " or "))
	}
	return nil
}

// githubStates maps an outcome to a deployment status state and a commit status state.
func githubStates(o manifest.Outcome) (deployment, commit string) {
	switch o {
	case manifest.OutcomeSucceeded:
		return "success", "success"
	case manifest.OutcomeFailed, manifest.OutcomeRolledBack:
		return "failure", "failure"
	case manifest.OutcomeCancelled:
		return "error", "error"
	default: // a run that finished without an outcome is an error, never a success
		return "error", "error"
	}
}

// finishDescription is the status text of a finished run.
func finishDescription(m *manifest.Manifest) string {
	switch m.Outcome {
	case manifest.OutcomeSucceeded:
		return fmt.Sprintf("Deployed %s with %s in %s", shortSHA(m.GitSHA), m.Strategy, formatDuration(totalDuration(m)))
	case manifest.OutcomeRolledBack:
		return "Rolled back; failed at " + failureText(m)
	case manifest.OutcomeCancelled:
		if f := failureText(m); f != "" {
			return "Cancelled at " + f
		}
		return "Cancelled"
	default:
		if f := failureText(m); f != "" {
			return "Failed at " + f
		}
		return "Failed (outcome " + string(m.Outcome) + ")"
	}
}

// ensureDeployment returns the deployment of the run in progress, creating it if needed.
func (g *GitHub) ensureDeployment(ctx context.Context, m *manifest.Manifest) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.deploymentID != 0 {
		return g.deploymentID, nil
	}
	prod := g.production[m.Environment]
	req := &github.DeploymentRequest{
		Ref:                   github.String(m.GitSHA),
		Task:                  github.String("deploy"),
		AutoMerge:             github.Bool(false),
		RequiredContexts:      &[]string{},
		Environment:           github.String(m.Environment),
		Description:           github.String(truncate(fmt.Sprintf("%s deploy of %s", m.Strategy, shortSHA(m.GitSHA)), githubDescriptionLimit)),
		ProductionEnvironment: github.Bool(prod),
		TransientEnvironment:  github.Bool(false),
		Payload: map[string]any{
			"manifestId": m.ID,
			"strategy":   m.Strategy,
		},
	}
	d, _, err := g.client.Repositories.CreateDeployment(ctx, g.owner, g.repo, req)
	if err != nil {
		return 0, g.red.Error(fmt.Errorf("github reporter: create deployment of %s to %s in %s/%s: %w", shortSHA(m.GitSHA), m.Environment, g.owner, g.repo, err))
	}
	if d.GetID() == 0 {
		return 0, fmt.Errorf("github reporter: create deployment of %s to %s: GitHub returned no deployment id", shortSHA(m.GitSHA), m.Environment)
	}
	g.deploymentID = d.GetID()
	return g.deploymentID, nil
}

// deploymentStatus posts one deployment status.
func (g *GitHub) deploymentStatus(ctx context.Context, m *manifest.Manifest, id int64, state, desc, envURL string) error {
	req := &github.DeploymentStatusRequest{
		State:       github.String(state),
		Description: github.String(desc),
		Environment: github.String(m.Environment),
	}
	if g.runURL != "" {
		req.LogURL = github.String(g.runURL)
	}
	if envURL != "" {
		req.EnvironmentURL = github.String(envURL)
	}
	if state == "success" {
		req.AutoInactive = github.Bool(true)
	}
	if _, _, err := g.client.Repositories.CreateDeploymentStatus(ctx, g.owner, g.repo, id, req); err != nil {
		return g.red.Error(fmt.Errorf("github reporter: deployment %d status %s: %w", id, state, err))
	}
	return nil
}

// commitStatus posts the commit status "bitflow/deploy/<env>" on the sha.
func (g *GitHub) commitStatus(ctx context.Context, m *manifest.Manifest, state, desc string) error {
	st := &github.RepoStatus{
		State:       github.String(state),
		Description: github.String(desc),
		Context:     github.String(StatusContext(m.Environment)),
	}
	if g.runURL != "" {
		st.TargetURL = github.String(g.runURL)
	}
	if _, _, err := g.client.Repositories.CreateStatus(ctx, g.owner, g.repo, m.GitSHA, st); err != nil {
		return g.red.Error(fmt.Errorf("github reporter: commit status %s on %s: %w", state, shortSHA(m.GitSHA), err))
	}
	return nil
}
