package awsemu

import (
	"encoding/json"
	"net/http"
	"strings"
)

// serveControl answers the emulator's own endpoints under /_emulator/ (not
// AWS APIs): /_emulator/calls lists the call log as JSON; other endpoints are
// registered per service with onControl.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	defer func() { // a fault or a scripted alarm may bring the next transition forward
		e.mu.Lock()
		e.schedule()
		e.mu.Unlock()
	}()
	switch r.URL.Path {
	case "/_emulator/calls":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(e.Calls())
	default:
		if h := e.controls[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		// A path registered with a trailing slash also serves the paths
		// under it (longest match wins), as with http.ServeMux.
		best := ""
		for p := range e.controls {
			if strings.HasSuffix(p, "/") && strings.HasPrefix(r.URL.Path, p) && len(p) > len(best) {
				best = p
			}
		}
		if best != "" {
			e.controls[best](w, r)
			return
		}
		http.NotFound(w, r)
	}
}
