package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/bitflow-lms/pipeline/ci/apps"
	"go.yaml.in/yaml/v3"
)

// Load reads, defaults and validates one environment file, with the app
// list of the repository's bitflow-frontend/apps.json (found above the file,
// else above the working directory; see FindApps). Any problem (unknown key,
// bad value, missing service, unknown app, malformed region, account or ARN)
// is reported as a *ValidationError listing all of them.
func Load(path string) (*Environment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("environment config: %w", err)
	}
	list, _, err := FindApps(filepath.Dir(path), ".")
	if err != nil {
		return nil, fmt.Errorf("environment config %s: %w", path, err)
	}
	return Parse(path, b, list)
}

// Parse is Load on bytes already read, with the frontend apps given (parse
// bitflow-frontend/apps.json with apps.Parse); file names them in errors.
func Parse(file string, data []byte, frontendApps []apps.App) (*Environment, error) {
	env := Environment{Apps: frontendApps}
	var root yaml.Node
	verr := &ValidationError{File: file}
	if err := yaml.Unmarshal(data, &root); err != nil {
		verr.Problems = append(verr.Problems, yamlProblems(nil, err)...)
		return nil, verr
	}
	if len(bytes.TrimSpace(data)) == 0 {
		verr.Problems = append(verr.Problems, Problem{Message: "file is empty"})
		return nil, verr
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&env); err != nil {
		verr.Problems = append(verr.Problems, yamlProblems(&root, err)...)
	}
	env.File = file
	env.applyDefaults()
	for _, p := range env.problems() {
		p.Line = lineOf(&root, p.Field)
		verr.Problems = append(verr.Problems, p)
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	return &env, nil
}

var (
	notFoundRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	lineRE     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// yamlProblems turns yaml.v3 errors (a *yaml.TypeError carries one message
// per bad field) into problems with line numbers and plain wording.
func yamlProblems(root *yaml.Node, err error) []Problem {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []Problem
	for _, m := range msgs {
		if s := notFoundRE.FindStringSubmatch(m); s != nil {
			line, _ := strconv.Atoi(s[1])
			out = append(out, Problem{Field: fieldAt(root, line, s[2]), Line: line, Message: fmt.Sprintf("unknown key %q (in %s; check spelling)", s[2], strings.TrimPrefix(s[3], "config."))})
			continue
		}
		if s := lineRE.FindStringSubmatch(m); s != nil {
			line, _ := strconv.Atoi(s[1])
			out = append(out, Problem{Field: fieldAt(root, line, ""), Line: line, Message: s[2]})
			continue
		}
		out = append(out, Problem{Message: m})
	}
	return out
}

// lineOf finds the line of a dotted field path (a.b[2].c) in the document, or
// of its nearest existing parent; 0 if nothing matches.
func lineOf(root *yaml.Node, field string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range splitPath(field) {
		switch {
		case part.index >= 0:
			if n.Kind != yaml.SequenceNode || part.index >= len(n.Content) {
				return line
			}
			n = n.Content[part.index]
			line = n.Line
		default:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part.key {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		}
	}
	return line
}

type pathPart struct {
	key   string
	index int
}

func splitPath(field string) []pathPart {
	var out []pathPart
	for _, seg := range strings.Split(field, ".") {
		if seg == "" {
			continue
		}
		key, rest, _ := strings.Cut(seg, "[")
		if key != "" {
			out = append(out, pathPart{key: key, index: -1})
		}
		for rest != "" {
			num, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if err != nil {
				break
			}
			out = append(out, pathPart{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

// fieldAt returns the path of the deepest key on line (named name, if name
// is not ""), or "" when there is none.
func fieldAt(root *yaml.Node, line int, name string) string {
	found := ""
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := joinField(path, k.Value)
				if k.Line == line && (name == "" || k.Value == name) {
					found = p
				}
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	if root != nil {
		walk(root, "")
	}
	return found
}

func joinField(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}
