package awsemu

import (
	"encoding/json"
	"net/http"
)

// serveControl answers the emulator's own endpoints under /_emulator/ (not
// AWS APIs): /_emulator/calls lists the call log as JSON; other endpoints are
// registered per service with onControl.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_emulator/calls":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(e.Calls())
	default:
		if h := e.controls[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}
}
