package lock

import (
	"os"
	"os/user"
)

// Owner names who takes a lock or starts a release: the CI run URL when
// running in GitHub Actions (GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/
// runs/GITHUB_RUN_ID), otherwise user@host. runURL is "" outside CI.
func Owner(getenv func(string) string) (owner, runURL string) {
	if id, repo := getenv("GITHUB_RUN_ID"), getenv("GITHUB_REPOSITORY"); id != "" && repo != "" {
		server := getenv("GITHUB_SERVER_URL")
		if server == "" {
			server = "https://github.com"
		}
		runURL = server + "/" + repo + "/actions/runs/" + id
		return runURL, runURL
	}
	name := getenv("USER")
	if u, err := user.Current(); name == "" && err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	if name == "" {
		name = "unknown"
	}
	if host == "" {
		host = "unknown"
	}
	return name + "@" + host, ""
}
