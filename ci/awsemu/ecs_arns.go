package awsemu

import (
	"regexp"
	"strings"
)

// ECS resources are named by name (or id) or by full ARN:
// arn:<partition>:ecs:<region>:<account>:<type>/<resource>. An ARN is parsed
// in full: a malformed one is InvalidParameterException, as ECS answers; a
// well-formed one for another partition, region, account or cluster names
// a resource this account/region/cluster does not have (never ours by its
// last path element).

// ecsARN is a parsed ECS ARN.
type ecsARN struct {
	partition, region, account string
	resourceType               string   // cluster, service, task, task-definition, container-instance, ...
	path                       []string // the resource after "<type>/", split at "/"
}

var (
	arnAccountRE = regexp.MustCompile(`^[0-9]{12}$`)
	arnRegionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// parseECSARN parses an ECS ARN; ok is false if s is not one.
func parseECSARN(s string) (ecsARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ecs" {
		return ecsARN{}, false
	}
	a := ecsARN{partition: parts[1], region: parts[3], account: parts[4]}
	if a.partition != "aws" && a.partition != "aws-cn" && a.partition != "aws-us-gov" ||
		!arnRegionRE.MatchString(a.region) || !arnAccountRE.MatchString(a.account) {
		return ecsARN{}, false
	}
	typ, rest, ok := strings.Cut(parts[5], "/")
	if !ok || rest == "" {
		return ecsARN{}, false
	}
	a.resourceType, a.path = typ, strings.Split(rest, "/")
	for _, p := range a.path {
		if p == "" {
			return ecsARN{}, false
		}
	}
	return a, true
}

// ours tells whether the ARN is of this emulator's partition, region and
// account.
func (s *ecsState) ours(a ecsARN) bool {
	return a.partition == "aws" && a.region == s.e.region && a.account == s.e.account
}

// ecsResourceRef resolves a name or an ARN of resourceType in cluster c
// (nil: no cluster part): name is the resource's last path element; ours is
// false for a well-formed ARN of another account, region or cluster.
func (s *ecsState) ecsResourceRef(ref, resourceType string, c *ecsCluster) (name string, ours bool, err error) {
	if !strings.HasPrefix(ref, "arn:") {
		return ref, true, nil
	}
	a, ok := parseECSARN(ref)
	if !ok || a.resourceType != resourceType || len(a.path) > 2 || resourceType == "cluster" && len(a.path) != 1 {
		return "", false, invalidParameter("Invalid %s ARN: %s", strings.ReplaceAll(resourceType, "-", " "), ref)
	}
	name = a.path[len(a.path)-1]
	ours = s.ours(a)
	if c != nil && len(a.path) == 2 && a.path[0] != c.name {
		ours = false // the ARN's cluster part names another cluster
	}
	return name, ours, nil
}

// serviceRef resolves a service name or ARN in cluster c.
func (s *ecsState) serviceRef(c *ecsCluster, ref string) (*ecsService, error) {
	name, ours, err := s.ecsResourceRef(ref, "service", c)
	if err != nil || !ours {
		return nil, err
	}
	return c.services[name], nil
}

// existingService resolves a service of a cluster (both names or ARNs), or
// answers ServiceNotFoundException as ECS does when there is none.
func (s *ecsState) existingService(cluster *string, ref string) (*ecsCluster, *ecsService, error) {
	c, err := s.cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	svc, err := s.serviceRef(c, ref)
	if err != nil {
		return nil, nil, err
	}
	if svc == nil {
		return nil, nil, clientError("ServiceNotFoundException", "Service not found.")
	}
	return c, svc, nil
}

// taskRef resolves a task id or ARN in cluster c.
func (s *ecsState) taskRef(c *ecsCluster, ref string) (*ecsTask, error) {
	id, ours, err := s.ecsResourceRef(ref, "task", c)
	if err != nil || !ours {
		return nil, err
	}
	return c.tasks[id], nil
}
