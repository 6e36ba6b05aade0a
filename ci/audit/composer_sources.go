package audit

import (
	"encoding/json"
	"fmt"
	"strings"
)

// CheckComposerSources reads composer.json and returns an *UnavailableError
// when no advisory database can be consulted: Composer takes advisories from
// Packagist and from other "composer"-type repositories, so with
// "packagist.org": false and no composer repository `composer audit` reports
// "advisories": [] and exits 0 - a false pass. Other repositories (path, vcs,
// package, artifact) carry no advisories.
func CheckComposerSources(composerJSON []byte) error {
	var doc struct {
		Repositories json.RawMessage `json:"repositories"`
	}
	if err := json.Unmarshal(composerJSON, &doc); err != nil {
		return fmt.Errorf("composer.json: %w", err)
	}
	entries, err := composerRepositories(doc.Repositories)
	if err != nil {
		return fmt.Errorf("composer.json repositories: %w", err)
	}
	packagist, others := true, 0
	for _, e := range entries {
		if e.disabled != "" {
			if e.disabled == "packagist" || e.disabled == "packagist.org" {
				packagist = false
			}
			continue
		}
		if strings.EqualFold(e.typ, "composer") {
			others++
		}
	}
	if !packagist && others == 0 {
		return &UnavailableError{Tool: "composer", Reason: `composer.json disables Packagist ("packagist.org": false) and lists no other composer repository, so "composer audit" has no advisory source and its empty report means nothing`}
	}
	return nil
}

type composerRepo struct {
	typ      string
	disabled string // name of a repository switched off with `"name": false`
}

// composerRepositories accepts both forms composer.json allows: a list whose
// items are repository objects or {"name": false}, and an object keyed by name.
func composerRepositories(raw json.RawMessage) ([]composerRepo, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		var named map[string]json.RawMessage
		if err2 := json.Unmarshal(raw, &named); err2 != nil {
			return nil, fmt.Errorf("neither a list nor an object: %w", err)
		}
		var out []composerRepo
		for name, v := range named {
			out = append(out, repoEntry(name, v)...)
		}
		return out, nil
	}
	var out []composerRepo
	for _, it := range items {
		out = append(out, repoEntry("", it)...)
	}
	return out, nil
}

func repoEntry(name string, v json.RawMessage) []composerRepo {
	if string(v) == "false" {
		return []composerRepo{{disabled: name}}
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		return nil
	}
	var typ string
	if t, ok := obj["type"]; ok {
		_ = json.Unmarshal(t, &typ)
		return []composerRepo{{typ: typ}}
	}
	// {"packagist.org": false} inside the list form
	var out []composerRepo
	for k, vv := range obj {
		if string(vv) == "false" {
			out = append(out, composerRepo{disabled: k})
		}
	}
	return out
}
