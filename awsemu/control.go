package awsemu

import (
	"encoding/json"
	"net/http"
)

// serveControl answers the emulator's own endpoints under /_emulator/ (not
// AWS APIs): /_emulator/calls lists the call log as JSON; fault injection for
// the server command is added per service.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_emulator/calls":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(e.Calls())
	default:
		http.NotFound(w, r)
	}
}
