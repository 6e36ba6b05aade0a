// Package causes groups per-service findings by their cause, so that a
// message about 15 services that failed for one reason says it once:
// "15 services: rolled back by ECS at 22:22Z — lifecycle hook timed out".
// The per-service detail stays in the manifest and behind --verbose.
package causes

import (
	"fmt"
	"sort"
	"strings"
)

// Item is one service's finding: Cause is its text without the service's
// own name (what makes findings of several services identical).
type Item struct {
	Service string
	Cause   string
}

// namesShown is how many service names a group lists before "and N more".
const namesShown = 3

// Group joins items into one line, one clause per distinct cause, the
// commonest first: "all 15 services: CAUSE", "2 services (a, b): CAUSE",
// "a: CAUSE". total is how many services the sentence is about (0: unknown);
// a group holding all of them says "all N services".
func Group(items []Item, total int) string {
	var order []string
	by := map[string][]string{}
	for _, it := range items {
		if _, ok := by[it.Cause]; !ok {
			order = append(order, it.Cause)
		}
		by[it.Cause] = append(by[it.Cause], it.Service)
	}
	sort.SliceStable(order, func(i, j int) bool { return len(by[order[i]]) > len(by[order[j]]) })
	parts := make([]string, 0, len(order))
	for _, c := range order {
		parts = append(parts, Who(by[c], total)+": "+c)
	}
	return strings.Join(parts, "; ")
}

// Who names a set of services for a sentence: the name of one, "all N
// services" when they are all of total, else "N services (a, b, c and M
// more)".
func Who(services []string, total int) string {
	switch n := len(services); {
	case n == 1:
		return services[0]
	case n == total:
		return fmt.Sprintf("all %d services", n)
	case n <= namesShown:
		return fmt.Sprintf("%d services (%s)", n, strings.Join(services, ", "))
	default:
		return fmt.Sprintf("%d services (%s and %d more)", n, strings.Join(services[:namesShown], ", "), n-namesShown)
	}
}

// Detail is the per-service form: one "service: cause" line each, for the
// manifest and --verbose.
func Detail(items []Item) string {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		lines = append(lines, it.Service+": "+it.Cause)
	}
	return strings.Join(lines, "\n")
}

// WithoutName abstracts a service's own name out of a finding about it:
// "runs bitflow-backend:1, not bitflow-backend:2" becomes "runs revision 1,
// not revision 2" (a task definition family is usually its service's name),
// and any other mention of the name becomes "the service".
func WithoutName(service, text string) string {
	text = strings.ReplaceAll(text, service+":", "revision ")
	return strings.ReplaceAll(text, service, "the service")
}
