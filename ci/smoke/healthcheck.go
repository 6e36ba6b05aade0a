// Package smoke decides how to tell that a built image has started: the
// health check its Dockerfile declares (HEALTHCHECK), else an HTTP GET of
// /health or /api/health on the port it EXPOSEs. The Dagger module starts the
// image as a service and runs this check from a second container of the same
// image, where the check's loopback address names the service instead.
package smoke

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Check is how one image proves it started.
type Check struct {
	// Command is the health check (exec form; a shell-form HEALTHCHECK is
	// ["/bin/sh", "-c", text]); it passes when it exits 0.
	Command []string
	// Declared is true when Command is the Dockerfile's HEALTHCHECK, false
	// for the /health, /api/health fallback.
	Declared bool
	// Ports are the TCP ports the stage EXPOSEs, in order.
	Ports []int
}

// stage is what one FROM ... section declares (or inherits from an earlier stage).
type stage struct {
	name    string
	health  []string
	none    bool // HEALTHCHECK NONE
	ports   []int
	hasHC   bool
	hasPort bool
}

// Parse reads a Dockerfile and returns the Check of the stage target ("" =
// the last stage). A stage built FROM an earlier stage inherits its
// HEALTHCHECK and EXPOSE. Without a HEALTHCHECK the check is an HTTP GET of
// /health, then /api/health, on the first EXPOSEd port; with neither a
// HEALTHCHECK nor an EXPOSE, or with HEALTHCHECK NONE, it is an error.
func Parse(dockerfile, target string) (Check, error) {
	var stages []*stage
	var cur *stage
	for n, line := range logicalLines(dockerfile) {
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(word) {
		case "FROM":
			cur = &stage{}
			f := strings.Fields(rest)
			for i := 0; i < len(f); i++ {
				if strings.HasPrefix(f[i], "--") {
					continue
				}
				if base := find(stages, f[i]); base != nil {
					*cur = *base
					cur.ports = append([]int(nil), base.ports...)
				}
				if i+2 < len(f) && strings.EqualFold(f[i+1], "AS") {
					cur.name = f[i+2]
				} else {
					cur.name = ""
				}
				break
			}
			stages = append(stages, cur)
		case "EXPOSE":
			if cur == nil {
				return Check{}, fmt.Errorf("line %d: EXPOSE before FROM", n+1)
			}
			for _, p := range strings.Fields(rest) {
				num, proto, _ := strings.Cut(p, "/")
				if proto != "" && !strings.EqualFold(proto, "tcp") {
					continue
				}
				if port, err := strconv.Atoi(num); err == nil {
					cur.ports = append(cur.ports, port)
					cur.hasPort = true
				}
			}
		case "HEALTHCHECK":
			if cur == nil {
				return Check{}, fmt.Errorf("line %d: HEALTHCHECK before FROM", n+1)
			}
			cmd, none, err := healthcheck(rest)
			if err != nil {
				return Check{}, fmt.Errorf("line %d: %w", n+1, err)
			}
			cur.health, cur.none, cur.hasHC = cmd, none, true
		}
	}
	if len(stages) == 0 {
		return Check{}, fmt.Errorf("no FROM in the Dockerfile")
	}
	st := stages[len(stages)-1]
	if target != "" {
		if st = find(stages, target); st == nil {
			return Check{}, fmt.Errorf("no stage named %q", target)
		}
	}
	c := Check{Ports: st.ports}
	switch {
	case st.none:
		return Check{}, fmt.Errorf("HEALTHCHECK NONE: the image declares no way to tell it started")
	case st.hasHC:
		c.Command, c.Declared = st.health, true
	case len(st.ports) > 0:
		c.Command = HTTPProbe(st.ports[0], "/health", "/api/health")
	default:
		return Check{}, fmt.Errorf("no HEALTHCHECK and no EXPOSEd port: nothing to probe")
	}
	return c, nil
}

// healthcheck parses the arguments of a HEALTHCHECK instruction.
func healthcheck(rest string) (cmd []string, none bool, err error) {
	f := strings.Fields(rest)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		f = f[1:]
	}
	if len(f) == 0 {
		return nil, false, fmt.Errorf("HEALTHCHECK without CMD or NONE")
	}
	if strings.EqualFold(f[0], "NONE") {
		return nil, true, nil
	}
	if !strings.EqualFold(f[0], "CMD") {
		return nil, false, fmt.Errorf("HEALTHCHECK: want CMD or NONE, got %q", f[0])
	}
	_, after, _ := strings.Cut(rest, f[0]) // the first CMD after the options
	body := strings.TrimSpace(after)
	if strings.HasPrefix(body, "[") {
		var exec []string
		if err := json.Unmarshal([]byte(body), &exec); err != nil || len(exec) == 0 {
			return nil, false, fmt.Errorf("HEALTHCHECK CMD: malformed exec form %s", body)
		}
		return exec, false, nil
	}
	if body == "" {
		return nil, false, fmt.Errorf("HEALTHCHECK CMD without a command")
	}
	return []string{"/bin/sh", "-c", body}, false, nil
}

// logicalLines joins continued lines (trailing backslash) and drops comments
// and blank lines; instructions keep their arguments on one line.
func logicalLines(text string) []string {
	var out []string
	var cur strings.Builder
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

func find(stages []*stage, name string) *stage {
	for i := len(stages) - 1; i >= 0; i-- {
		if stages[i].name != "" && strings.EqualFold(stages[i].name, name) {
			return stages[i]
		}
	}
	return nil
}
