// Package iam holds the IAM documents for the deploy role GitHub Actions
// assumes: the least-privilege permissions policy (deploy-role-policy.json)
// and the GitHub OIDC trust policy (deploy-role-trust.json). docs/iam.md
// explains them; the tests check that every AWS call the deploy brain makes
// is allowed, and that neighbouring resources are not.
package iam

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// DeployRolePolicy is deploy-role-policy.json.
//
//go:embed deploy-role-policy.json
var DeployRolePolicy []byte

// DeployRoleTrust is deploy-role-trust.json.
//
//go:embed deploy-role-trust.json
var DeployRoleTrust []byte

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement. Action and Resource accept a string or a list.
type Statement struct {
	Sid       string                           `json:"Sid"`
	Effect    string                           `json:"Effect"`
	Principal map[string]string                `json:"Principal,omitempty"`
	Action    StringList                       `json:"Action"`
	Resource  StringList                       `json:"Resource,omitempty"`
	Condition map[string]map[string]StringList `json:"Condition,omitempty"`
}

// StringList is an IAM value that may be one string or a list of strings.
type StringList []string

// UnmarshalJSON accepts "x" and ["x", "y"].
func (s *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// Parse decodes a policy document and checks its version and effects.
func Parse(name string, b []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if d.Version != "2012-10-17" {
		return nil, fmt.Errorf("%s: Version %q, want 2012-10-17", name, d.Version)
	}
	for i, st := range d.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return nil, fmt.Errorf("%s: statement %d (%s): Effect %q", name, i, st.Sid, st.Effect)
		}
		if len(st.Action) == 0 {
			return nil, fmt.Errorf("%s: statement %d (%s): no Action", name, i, st.Sid)
		}
	}
	return &d, nil
}
