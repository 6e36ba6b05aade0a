package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
	"github.com/bitflow-lms/pipeline/ci/report"

	"github.com/bitflow-lms/pipeline/ci/dagger/internal/dagger"
)

// deployTarget is what plan, deploy and rollback share: the validated
// environment, the AWS configuration and the reporters.
type deployTarget struct {
	Env       *config.Environment
	AWS       aws.Config
	Reporters []report.Reporter
	cleanup   func()
}

// Close removes what setup left on disk (the web identity token file).
func (d *deployTarget) Close() {
	if d != nil && d.cleanup != nil {
		d.cleanup()
	}
}

// setup checks the AWS flags, loads ci/environments/NAME.yaml, runs check (the
// caller's own validation of its flags against the environment; may be nil),
// and only then builds the reporters (rep nil: none, e.g. plan) and the AWS
// configuration. Bad input is refused before any AWS call. The caller must
// Close the result, also when err != nil.
func (m *Bitflow) setup(ctx context.Context, environment string, a awsArgs, rep *reporterArgs, check func(*config.Environment) error) (*deployTarget, error) {
	d := &deployTarget{}
	if _, err := a.mode(); err != nil {
		return d, err
	}
	env, err := m.loadEnvironment(ctx, environment)
	if err != nil {
		return d, err
	}
	d.Env = env
	if check != nil {
		if err := check(env); err != nil {
			return d, err
		}
	}
	if rep != nil {
		if d.Reporters, err = rep.reporters(ctx); err != nil {
			return d, err
		}
	}
	d.AWS, d.cleanup, err = a.config(ctx, env.Region)
	return d, err
}

// loadEnvironment reads ci/environments/NAME.yaml from the source and validates it
// with the app list of bitflow-frontend/apps.json (the same parser as the CLI).
func (m *Bitflow) loadEnvironment(ctx context.Context, name string) (*config.Environment, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("environment --name %q: give a name from ci/environments/ (e.g. production)", name)
	}
	file := "ci/environments/" + name + ".yaml"
	body, err := m.Source.File(file).Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("environment --name %s: %s not found in the source: %w", name, file, err)
	}
	list, err := m.frontendApps(ctx)
	if err != nil {
		return nil, err
	}
	return config.Parse(file, []byte(body), list)
}

// reporterArgs are the reporters declared by with-github and with-slack.
type reporterArgs struct {
	GitHubToken      *dagger.Secret
	GitHubRepository string
	SlackWebhook     *dagger.Secret
	RunURL           string
}

func (r reporterArgs) reporters(ctx context.Context) ([]report.Reporter, error) {
	cfg := report.Config{GitHubRepository: r.GitHubRepository, RunURL: r.RunURL}
	if r.GitHubToken != nil {
		tok, err := r.GitHubToken.Plaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("with-github --token: %w", err)
		}
		cfg.GitHubToken = tok
	}
	if r.SlackWebhook != nil {
		hook, err := r.SlackWebhook.Plaintext(ctx)
		if err != nil {
			return nil, fmt.Errorf("with-slack --webhook: %w", err)
		}
		cfg.SlackWebhookURL = hook
	}
	return report.Reporters(cfg), nil
}

// manifestFile returns the manifest as a File named name.
func manifestFile(m *manifest.Manifest, name string) (*dagger.File, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile(name, string(b)+"\n").File(name), nil
}

// finished turns the brain's (manifest, error) into the function's result:
// the manifest file when the run succeeded, or when it failed and
// allowFailure is set (the error is then printed, and the caller reads the
// manifest's outcome); otherwise an error that carries the manifest JSON.
func finished(what string, man *manifest.Manifest, err error, allowFailure bool, name string) (*dagger.File, error) {
	if err == nil {
		return manifestFile(man, name)
	}
	if man == nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if allowFailure {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s outcome %s: returning its release manifest (--allow-failure)\n", what, err, what, man.Outcome)
		return manifestFile(man, name)
	}
	b, _ := json.MarshalIndent(man, "", "  ")
	return nil, fmt.Errorf("%s: %w\nrelease manifest:\n%s", what, err, b)
}
