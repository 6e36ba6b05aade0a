package deploy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/config"
	"github.com/bitflow-lms/pipeline/ci/manifest"
)

var tagRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// validate checks the options without calling AWS and resolves the strategy.
func (r *Run) validate(opts Options) (Strategy, error) {
	if opts.Env == nil {
		return nil, errors.New("no environment config given")
	}
	env := opts.Env
	if err := env.Validate(); err != nil {
		return nil, err
	}
	if opts.Strategy != "" {
		var err error
		if env, err = env.WithStrategy(opts.Strategy); err != nil {
			return nil, err
		}
	}
	r.Env = env
	r.Manifest.Strategy = env.Strategy
	var problems []string
	if err := manifest.CheckSHA(opts.GitSHA); err != nil {
		problems = append(problems, err.Error())
	}
	if opts.AWS.Region != "" && opts.AWS.Region != env.Region {
		problems = append(problems, fmt.Sprintf("AWS config region %q differs from %s region %q", opts.AWS.Region, env.File, env.Region))
	}
	given := map[string]bool{}
	for i, img := range opts.Images {
		switch {
		case img.App != config.BackendApp && !env.IsApp(img.App):
			problems = append(problems, fmt.Sprintf("images[%d]: app %q is not backend or one of the frontend apps of "+config.AppsFile, i, img.App))
		case given[img.App]:
			problems = append(problems, fmt.Sprintf("images[%d]: app %q listed twice", i, img.App))
		case !tagRE.MatchString(img.Tag):
			problems = append(problems, fmt.Sprintf("images[%d]: tag %q is not a valid image tag", i, img.Tag))
		case img.Repository != "" && img.Repository != env.RepositoryURI(img.App):
			problems = append(problems, fmt.Sprintf("images[%d]: repository %q, but %s deploys %s from %q", i, img.Repository, env.File, img.App, env.RepositoryURI(img.App)))
		}
		given[img.App] = true
	}
	if len(opts.Images) > 0 {
		var missing []string
		for _, app := range env.AppsDeployed() {
			if !given[app] {
				missing = append(missing, app)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, "images: no image given for "+strings.Join(missing, ", "))
		}
	}
	strat, err := NewStrategy(env.Strategy, env)
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return strat, nil
}
