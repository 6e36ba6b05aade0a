package config

import (
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bitflow-lms/pipeline/ci/apps"
)

// testApps is the repository's app list (bitflow-frontend/apps.json).
func testApps(t *testing.T) []apps.App {
	t.Helper()
	list, path, err := FindApps(".")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(filepath.Dir(path)) != "bitflow-frontend" || len(list) != 14 {
		t.Fatalf("%s: %d apps", path, len(list))
	}
	return list
}

const portalsBase = `name: production
region: us-east-1
accountId: "123456789012"
loadBalancer: {name: bitflow-alb, listenerPort: 443}
services:
  - {name: bitflow-backend, role: backend, containers: [{name: backend, app: backend, port: 8000}], targetGroup: bitflow-backend, rule: {host: api.x.edu, priority: 10}}
migration: {taskDefinition: bitflow-migration, container: backend}
`

func TestPortalsDeriveOneServicePerApp(t *testing.T) {
	env, err := Parse("p.yaml", []byte(portalsBase+`portals:
  service: bitflow-frontend-{app}
  container: "{app}"
  targetGroup: bf-{app}
  rule: {path: "/{app}/*"}
  overrides:
    student: {service: student-portal, port: 4000, rule: {host: student.x.edu, priority: 7}}
`), testApps(t))
	if err != nil {
		t.Fatal(err)
	}
	list := testApps(t)
	if len(env.Services) != 1+len(list) {
		t.Fatalf("%d services", len(env.Services))
	}
	for i, a := range list {
		s := env.Services[1+i]
		if !s.Derived() || s.Role != RoleFrontend || s.App() != a.Name || len(s.Containers) != 1 {
			t.Errorf("service %d: %+v", i, s)
			continue
		}
		if a.Name == "student" {
			if s.Name != "student-portal" || s.TaskFamily() != "bitflow-frontend-student" || s.Containers[0].Port != 4000 ||
				s.Rule.Host != "student.x.edu" || s.Rule.Path != "" || s.Rule.Priority != 7 {
				t.Errorf("override not applied: %+v rule %+v", s, s.Rule)
			}
			continue
		}
		if s.Name != "bitflow-frontend-"+a.Name || s.TaskFamily() != s.Name || s.Containers[0].Name != a.Name ||
			s.Containers[0].Port != a.Port || s.TargetGroup != "bf-"+a.Name || s.Rule.Path != "/"+a.Name+"/*" || s.Rule.Priority != a.Port {
			t.Errorf("%s: derived %+v rule %+v", a.Name, s, s.Rule)
		}
	}
	// Written back, the derived services are not repeated: the file parses again to the same services.
	b, err := yaml.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.yaml", b, list)
	if err != nil {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	if len(again.Services) != len(env.Services) || again.Services[8].Name != env.Services[8].Name {
		t.Errorf("round trip: %d services", len(again.Services))
	}
}

func TestPortalProblemsNameThePatternOrOverride(t *testing.T) {
	_, msg := problemsOf(t, portalsBase+`portals:
  service: bitflow-frontend-{app}
  container: "{name}"
  targetGroup: bitflow-fe-{app}
  rule: {host: "{app}.x.edu", priority: 5}
  overrides:
    studnt: {port: 1}
    parent: {targetGroup: bitflow-backend, rule: {host: p.x.edu, priority: 10}}
`)
	for _, want := range []string{
		// line numbers: the pattern's line for derived values, the override's line for overridden ones
		`portals.targetGroup (line 11): app "super-non-teaching-manager": "bitflow-fe-super-non-teaching-manager" is not a target group name (1-32 letters, digits and -, no - at either end; 37 characters)`,
		`portals.targetGroup (line 11): app "college-accounts-admin": "bitflow-fe-college-accounts-admin" is not a target group name`,
		`portals.container (line 10): "{name}": unknown placeholder {name} (only {app})`,
		`portals.container (line 10): every app: "{name}" is not a container name`,
		`portals.container (line 10): "{name}" has no {app}: every portal would get the same name`,
		`portals.rule.priority (line 12): one priority would be shared by every portal`,
		`portals.overrides.studnt (line 14): "studnt" is not one of the apps of bitflow-frontend/apps.json`,
		`portals.overrides.parent.targetGroup (line 15): app "parent": targetGroup "bitflow-backend" is already used by services[0].targetGroup`,
		`portals.overrides.parent.rule.priority (line 15): app "parent": priority "10" is already used by services[0].rule.priority`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestElevenContainersAreRefused(t *testing.T) {
	var ctrs []string
	for _, a := range testApps(t)[:11] {
		ctrs = append(ctrs, "{name: "+a.Name+", app: "+a.Name+"}")
	}
	_, msg := problemsOf(t, `name: production
region: us-east-1
accountId: "123456789012"
services:
  - {name: bitflow-backend, role: backend, containers: [{name: backend, app: backend}]}
  - {name: fe, role: frontend, containers: [`+strings.Join(ctrs, ", ")+`]}
migration: {disabled: true}
`)
	if !strings.Contains(msg, "services[1].containers (line 6): 11 containers: ECS allows at most 10 per task definition") {
		t.Errorf("11-container service not refused:\n%s", msg)
	}
}

func TestRuleNeedsTargetGroupAndLoadBalancer(t *testing.T) {
	_, msg := problemsOf(t, `name: production
region: us-east-1
accountId: "123456789012"
services:
  - {name: bitflow-backend, role: backend, containers: [{name: backend, app: backend}], rule: {priority: 0}}
migration: {disabled: true}
`)
	for _, want := range []string{
		"services[0].rule (line 5): needs a host or a path condition",
		"services[0].rule.priority (line 5): 0 is not a listener rule priority (1..50000)",
		"services[0].rule (line 5): a listener rule needs the service's targetGroup to forward to",
		"services[0].rule (line 5): a listener rule needs loadBalancer (name and listenerPort)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestLoadFindsTheRepositoryAppList(t *testing.T) {
	env := loadRepoEnv(t, "production")
	if len(env.Apps) != 14 || env.Apps[7].Name != "student" || env.Apps[7].Port != 3008 {
		t.Errorf("apps = %v", env.Apps)
	}
	if _, err := Parse("x.yaml", []byte(portalsBase), nil); err == nil || !strings.Contains(err.Error(), "no frontend apps given: the app list comes from bitflow-frontend/apps.json") {
		t.Errorf("no app list: %v", err)
	}
}
