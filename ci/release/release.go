// Package release builds the image references of a release: the repository of
// each app in a registry, the immutable git-sha tag (plus "latest" only when
// asked), and parses the digest-pinned reference a push returns.
package release

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	hostRe   = regexp.MustCompile(`^[a-zA-Z0-9.-]+(:[0-9]+)?$`)
	pathRe   = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`)
	prefixRe = regexp.MustCompile(`^([a-z0-9]+([._/-][a-z0-9]+)*[._/-]?)?$`)
	digestRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// Registry is where images are pushed: a host (with optional port) and an
// optional path, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com" or
// "127.0.0.1:5000/bitflow".
type Registry struct {
	Host string
	Path string
}

// ParseRegistry checks a --registry value (no scheme, no tag, no digest).
func ParseRegistry(s string) (Registry, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	if s == "" {
		return Registry{}, fmt.Errorf("--registry is empty: want HOST[:PORT][/PATH]")
	}
	if strings.Contains(s, "://") {
		return Registry{}, fmt.Errorf("--registry %q: give the host without a scheme (HOST[:PORT][/PATH])", s)
	}
	host, path, _ := strings.Cut(s, "/")
	if !hostRe.MatchString(host) || !(strings.ContainsAny(host, ".:") || host == "localhost") {
		return Registry{}, fmt.Errorf("--registry %q: %q is not a registry host (needs a dot, a port or localhost)", s, host)
	}
	if path != "" && !pathRe.MatchString(path) {
		return Registry{}, fmt.Errorf("--registry %q: path %q is not a valid repository path (lower-case, no tag or digest)", s, path)
	}
	return Registry{Host: host, Path: path}, nil
}

// String is HOST[/PATH].
func (r Registry) String() string {
	if r.Path == "" {
		return r.Host
	}
	return r.Host + "/" + r.Path
}

// Repository of app: REGISTRY/PREFIX+APP, e.g. ".../bitflow-student".
func (r Registry) Repository(prefix, app string) (string, error) {
	if !prefixRe.MatchString(prefix) {
		return "", fmt.Errorf("--repository-prefix %q: lower-case letters, digits and . _ - / only", prefix)
	}
	if !pathRe.MatchString(app) {
		return "", fmt.Errorf("app %q is not a valid repository name", app)
	}
	return r.String() + "/" + prefix + app, nil
}

// Tags of a release: the sha always, "latest" only when alsoLatest.
func Tags(sha string, alsoLatest bool) []string {
	if alsoLatest {
		return []string{sha, "latest"}
	}
	return []string{sha}
}

// Published is one pushed image.
type Published struct {
	App        string
	Repository string
	Tag        string
	Digest     string // sha256:...
}

// ParsePushed splits the reference a push returns ("REPO:TAG@sha256:...")
// and checks it is the repository and tag that were pushed.
func ParsePushed(app, wantRepo, wantTag, ref string) (Published, error) {
	name, digest, ok := strings.Cut(ref, "@")
	if !ok || !digestRe.MatchString(digest) {
		return Published{}, fmt.Errorf("push of %s returned %q: no sha256 digest", app, ref)
	}
	if name != wantRepo+":"+wantTag {
		return Published{}, fmt.Errorf("push of %s returned %q, expected %s:%s", app, ref, wantRepo, wantTag)
	}
	return Published{App: app, Repository: wantRepo, Tag: wantTag, Digest: digest}, nil
}

// ECRRegion extracts the region of an ECR registry host
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com); "" for any other host.
func ECRRegion(host string) string {
	parts := strings.Split(host, ".")
	if len(parts) >= 6 && parts[1] == "dkr" && parts[2] == "ecr" {
		return parts[3]
	}
	return ""
}
