package config

import (
	"fmt"
	"strings"
)

// Describe is the human summary of a loaded environment (defaults applied):
// region, account, cluster and strategy, each service with its containers,
// the migration task and the timeouts. `bitflow-deploy check` and the Dagger
// module's `environment check` print it.
func (e *Environment) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ok — environment %s, region %s, account %s, cluster %s, strategy %s\n",
		e.File, e.Name, e.Region, e.AccountID, e.Cluster, e.Strategy)
	for _, s := range e.Services {
		fmt.Fprintf(&b, "  %s service %s: %d container(s)\n", s.Role, s.Name, len(s.Containers))
	}
	if e.Migration.Disabled {
		fmt.Fprintln(&b, "  migration: disabled")
	} else {
		fmt.Fprintf(&b, "  migration: %s (container %s): %s\n", e.Migration.TaskDefinition, e.Migration.Container, strings.Join(e.Migration.Command, " "))
		if e.Migration.Guard {
			fmt.Fprintf(&b, "  migration guard: on (%s first; contract steps refused unless --allow-contract)\n", strings.Join(e.Migration.PretendCommand, " "))
		}
	}
	fmt.Fprintf(&b, "  timeouts: deploy %s, migration %s, poll %s\n", e.Timeouts.Deploy, e.Timeouts.Migration, e.Timeouts.Poll)
	return b.String()
}
