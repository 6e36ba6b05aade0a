package deploy

import (
	"errors"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/internal/causes"
)

// serviceCauser is a per-service error that can say its cause without the
// service's name (NativeFailure, serviceError), so that the failures of
// many services group by cause.
type serviceCauser interface {
	ServiceCause() (service, cause string)
}

// serviceError is one service's failure told as a cause.
type serviceError struct{ service, cause string }

func (e *serviceError) Error() string                  { return e.service + ": " + e.cause }
func (e *serviceError) ServiceCause() (string, string) { return e.service, e.cause }

// servicesError is the failures of several services: Error groups the
// identical causes ("all 15 services: rolled back by ECS at 22:22Z —
// …"), Detail lists them one per service; errors.Is and As see each.
type servicesError struct {
	total int
	errs  []error
}

// groupServiceErrors joins the failures of total services like errors.Join
// (nil when there are none), grouped by cause in one line.
func groupServiceErrors(total int, errs []error) error {
	var kept []error
	for _, e := range errs {
		if e != nil {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return &servicesError{total: total, errs: kept}
}

func (e *servicesError) Error() string {
	var items []causes.Item
	var others []string
	for _, err := range e.errs {
		if c, ok := err.(serviceCauser); ok {
			svc, cause := c.ServiceCause()
			items = append(items, causes.Item{Service: svc, Cause: cause})
			continue
		}
		others = append(others, err.Error())
	}
	parts := others
	if len(items) > 0 {
		parts = append([]string{causes.Group(items, e.total)}, others...)
	}
	return strings.Join(parts, "; ")
}

// Detail is one line per failed service.
func (e *servicesError) Detail() string {
	lines := make([]string, 0, len(e.errs))
	for _, err := range e.errs {
		lines = append(lines, err.Error())
	}
	return strings.Join(lines, "\n")
}

func (e *servicesError) Unwrap() []error { return e.errs }

// Detail is the per-service detail behind an error that groups the
// failures of several services by cause ("" when it has none): what the
// CLI prints with --verbose. The manifest keeps it per service too.
func Detail(err error) string {
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		return d.Detail()
	}
	return ""
}
