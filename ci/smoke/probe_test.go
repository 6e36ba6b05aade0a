package smoke

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"testing"
)

// The fallback probe passes when one of the paths answers 2xx and fails when
// none does (runs /bin/sh with the host's curl, wget, node or php).
func TestHTTPProbeAgainstAServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/health" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	_, portText, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)

	ok := HTTPProbe(port, "/health", "/api/health")
	if out, err := exec.Command(ok[0], ok[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("/api/health answers 200, the probe must pass: %v\n%s", err, out)
	}
	bad := HTTPProbe(port, "/health", "/up")
	if out, err := exec.Command(bad[0], bad[1:]...).CombinedOutput(); err == nil {
		t.Fatalf("no path answers 2xx, the probe must fail:\n%s", out)
	}
}
