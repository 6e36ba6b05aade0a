package awsemu

import (
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (s *ecsState) registerTaskDefOps() {
	s.e.onJSON("ecs", "RegisterTaskDefinition", s.registerTaskDefinition)
	ecsOp(s, "DescribeTaskDefinition", func(in *ecs.DescribeTaskDefinitionInput) (any, error) {
		td, err := s.taskDef(deref(in.TaskDefinition))
		if err != nil {
			return nil, clientError("ClientException", "Unable to describe task definition.")
		}
		out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: ptr(td.td)}
		for _, f := range in.Include {
			if f == types.TaskDefinitionFieldTags {
				out.Tags = td.tags
			}
		}
		return encodeECS(out)
	})
	ecsOp(s, "DeregisterTaskDefinition", func(in *ecs.DeregisterTaskDefinitionInput) (any, error) {
		ref := deref(in.TaskDefinition)
		if !strings.Contains(nameFromARN(ref), ":") {
			return nil, clientError("ClientException", "Invalid revision number. Number: %s", ref)
		}
		td, err := s.taskDef(ref)
		if err != nil {
			return nil, clientError("ClientException", "The specified task definition does not exist.")
		}
		if td.td.Status == types.TaskDefinitionStatusActive {
			td.td.Status = types.TaskDefinitionStatusInactive
			td.td.DeregisteredAt = ptr(s.e.Now())
		}
		return encodeECS(&ecs.DeregisterTaskDefinitionOutput{TaskDefinition: ptr(td.td)})
	})
	ecsOp(s, "ListTaskDefinitionFamilies", func(in *ecs.ListTaskDefinitionFamiliesInput) (any, error) {
		var fams []string
		for f, revs := range s.families {
			if in.FamilyPrefix != nil && !strings.HasPrefix(f, *in.FamilyPrefix) {
				continue
			}
			active := false
			for _, td := range revs {
				active = active || td.td.Status == types.TaskDefinitionStatusActive
			}
			// ACTIVE: a family with an active revision; INACTIVE: one with none; ALL (default): every family.
			if in.Status == types.TaskDefinitionFamilyStatusActive && !active || in.Status == types.TaskDefinitionFamilyStatusInactive && active {
				continue
			}
			fams = append(fams, f)
		}
		sort.Strings(fams)
		page, next, err := paginate(fams, in.NextToken, in.MaxResults, 100)
		if err != nil {
			return nil, err
		}
		return encodeECS(&ecs.ListTaskDefinitionFamiliesOutput{Families: page, NextToken: next})
	})
	ecsOp(s, "ListTaskDefinitions", func(in *ecs.ListTaskDefinitionsInput) (any, error) {
		status := in.Status
		if status == "" {
			status = types.TaskDefinitionStatusActive
		}
		var arns []string
		fams := make([]string, 0, len(s.families))
		for f := range s.families {
			if in.FamilyPrefix == nil || strings.HasPrefix(f, *in.FamilyPrefix) {
				fams = append(fams, f)
			}
		}
		sort.Strings(fams)
		for _, f := range fams {
			for _, td := range s.families[f] {
				if td.td.Status == status {
					arns = append(arns, *td.td.TaskDefinitionArn)
				}
			}
		}
		if in.Sort == types.SortOrderDesc {
			for i, j := 0, len(arns)-1; i < j; i, j = i+1, j-1 {
				arns[i], arns[j] = arns[j], arns[i]
			}
		}
		page, next, err := paginate(arns, in.NextToken, in.MaxResults, 100)
		if err != nil {
			return nil, err
		}
		return encodeECS(&ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: page, NextToken: next})
	})
}

// registerTaskDefinition decodes the request straight into the SDK's
// types.TaskDefinition (the request's members are a subset of it), so every
// field the caller sends is stored and returned by DescribeTaskDefinition.
func (s *ecsState) registerTaskDefinition(body []byte) (any, error) {
	var td types.TaskDefinition
	if err := shapeIn(body, "RegisterTaskDefinitionRequest", &td); err != nil {
		return nil, err
	}
	var extra struct{ Tags []types.Tag }
	if err := decodeJSON(body, &extra); err != nil {
		return nil, err
	}
	if err := validateTaskDef(&td); err != nil {
		return nil, err
	}
	fam := *td.Family
	rev := int32(len(s.families[fam]) + 1)
	td.Revision = rev
	td.TaskDefinitionArn = ptr(s.arn("task-definition/" + fam + ":" + strconv.Itoa(int(rev))))
	td.Status = types.TaskDefinitionStatusActive
	td.RegisteredAt = ptr(s.e.Now())
	td.RegisteredBy = ptr("arn:aws:iam::" + s.e.account + ":user/emulator")
	td.Compatibilities = []types.Compatibility{types.CompatibilityEc2}
	if td.NetworkMode == types.NetworkModeAwsvpc {
		td.Compatibilities = append(td.Compatibilities, types.CompatibilityFargate)
	}
	s.families[fam] = append(s.families[fam], &ecsTaskDef{td: td, tags: extra.Tags})
	return encodeECS(&ecs.RegisterTaskDefinitionOutput{TaskDefinition: &td, Tags: extra.Tags})
}

// validateTaskDef applies the checks ECS makes at registration, with ECS's
// messages.
func validateTaskDef(td *types.TaskDefinition) error {
	if td.Family == nil || !validECSName(*td.Family) {
		return clientError("ClientException", "Family contains invalid characters or is empty: %q", deref(td.Family))
	}
	if len(td.ContainerDefinitions) == 0 {
		return clientError("ClientException", "Container list cannot be empty.")
	}
	if len(td.ContainerDefinitions) > maxContainersPerTaskDef {
		return clientError("ClientException", "Too many containers.")
	}
	seen := map[string]bool{}
	awslogs := false
	for i, c := range td.ContainerDefinitions {
		if deref(c.Name) == "" {
			return clientError("ClientException", "Container.name should not be null or empty (containerDefinitions[%d]).", i)
		}
		if seen[*c.Name] {
			return clientError("ClientException", "Duplicate container name: %s.", *c.Name)
		}
		seen[*c.Name] = true
		if deref(c.Image) == "" {
			return clientError("ClientException", "Container.image should not be null or empty (container %s).", *c.Name)
		}
		if c.LogConfiguration != nil && c.LogConfiguration.LogDriver == types.LogDriverAwslogs {
			awslogs = true
			if c.LogConfiguration.Options["awslogs-group"] == "" {
				return clientError("ClientException", "Log driver awslogs requires option awslogs-group (container %s).", *c.Name)
			}
		}
	}
	fargate := false
	for _, c := range td.RequiresCompatibilities {
		if c == types.CompatibilityFargate {
			fargate = true
		}
	}
	if fargate {
		if td.NetworkMode != types.NetworkModeAwsvpc {
			return clientError("ClientException", "Fargate only supports network mode 'awsvpc'.")
		}
		if deref(td.Cpu) == "" || deref(td.Memory) == "" {
			return clientError("ClientException", "Fargate requires that 'cpu' be defined at the task level.")
		}
		if err := validateFargateSize(deref(td.Cpu), deref(td.Memory)); err != nil {
			return err
		}
		if awslogs && deref(td.ExecutionRoleArn) == "" {
			return clientError("ClientException", "Fargate requires task definition to have execution role ARN to support log driver awslogs.")
		}
	}
	return nil
}

// taskDef resolves "family", "family:revision" or a task definition ARN.
// A bare family means its latest ACTIVE revision; activeOnly rejects an
// INACTIVE revision named explicitly only when it is also requested by family.
func (s *ecsState) taskDef(ref string) (*ecsTaskDef, error) {
	if strings.HasPrefix(ref, "arn:") {
		a, ok := parseECSARN(ref)
		if !ok || a.resourceType != "task-definition" || len(a.path) != 1 {
			return nil, invalidParameter("Invalid task definition ARN: %s", ref)
		}
		if !s.ours(a) {
			return nil, clientError("ClientException", "Unable to describe task definition.")
		}
		ref = a.path[0]
	}
	fam, revStr, hasRev := strings.Cut(ref, ":")
	revs := s.families[fam]
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].td.Status == types.TaskDefinitionStatusActive {
				return revs[i], nil
			}
		}
		return nil, clientError("ClientException", "Unable to describe task definition.")
	}
	rev, err := strconv.Atoi(revStr)
	if err != nil || rev < 1 || rev > len(revs) {
		return nil, clientError("ClientException", "Unable to describe task definition.")
	}
	return revs[rev-1], nil
}

// paginate slices items by an opaque numeric token.
func paginate(items []string, token *string, max *int32, def int) ([]string, *string, error) {
	start := 0
	if token != nil && *token != "" {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalidParameter("Invalid nextToken: %s", *token)
		}
		start = n
	}
	size := def
	if max != nil {
		if *max < 1 || *max > 100 {
			return nil, nil, invalidParameter("maxResults must be between 1 and 100.")
		}
		size = int(*max)
	}
	end := start + size
	if end >= len(items) {
		return nonNil(items[start:]), nil, nil
	}
	return items[start:end], ptr(strconv.Itoa(end)), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
