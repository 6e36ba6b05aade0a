package awsemu

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsState is the emulated ECS control plane: clusters, task definition
// families with revisions, services with deployments, and tasks. All of it
// sits behind Emulator.mu; advance (registered with onAdvance) moves tasks
// and deployments to the clock's present before every request.
type ecsState struct {
	e        *Emulator
	clusters map[string]*ecsCluster // by name
	families map[string][]*ecsTaskDef
	faults   ecsFaults
	native   *nativeState
	ipSeq    int
	eniSeq   int
	// advancedTo is the instant state was last advanced to: effects of
	// changes made between requests (health faults) start no earlier.
	advancedTo time.Time
}

// ecsCluster is one cluster with its services and tasks.
type ecsCluster struct {
	name, arn string
	status    string
	createdAt time.Time
	tags      []types.Tag
	services  map[string]*ecsService
	svcOrder  []string
	tasks     map[string]*ecsTask // by task id
	taskOrder []string
	active    []*ecsTask // tasks not yet STOPPED, in launch order (pruned lazily)
	settings  []types.ClusterSetting
	providers []string
	defaultCP []types.CapacityProviderStrategyItem
}

// ecsTaskDef is one registered revision, kept in the SDK's TaskDefinition
// shape so every field the caller registered comes back unchanged.
type ecsTaskDef struct {
	td   types.TaskDefinition
	tags []types.Tag
}

func newECS(e *Emulator) *ecsState {
	s := &ecsState{e: e, clusters: map[string]*ecsCluster{}, families: map[string][]*ecsTaskDef{}, native: newNativeState()}
	s.faults.init()
	e.onAdvance(s.advance)
	s.registerClusterOps()
	s.registerTaskDefOps()
	s.registerServiceOps()
	s.registerTaskOps()
	s.registerNativeOps()
	s.registerFaultControls()
	return s
}

// arn builds an ECS ARN in the emulator's region and account.
func (s *ecsState) arn(resource string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:%s", s.e.region, s.e.account, resource)
}

// nameFromARN returns the last path element of an ARN, or the input if it is
// a plain name.
func nameFromARN(v string) string {
	if !strings.HasPrefix(v, "arn:") {
		return v
	}
	return v[strings.LastIndex(v, "/")+1:]
}

// cluster resolves a cluster name or ARN ("" means "default") or answers
// ClusterNotFoundException as ECS does.
func (s *ecsState) cluster(ref *string) (*ecsCluster, error) {
	name := "default"
	if ref != nil && *ref != "" {
		n, ours, err := s.ecsResourceRef(*ref, "cluster", nil)
		if err != nil {
			return nil, err
		}
		if !ours {
			return nil, clientError("ClusterNotFoundException", "Cluster not found.")
		}
		name = n
	}
	c := s.clusters[name]
	if c == nil || c.status != "ACTIVE" {
		return nil, clientError("ClusterNotFoundException", "Cluster not found.")
	}
	return c, nil
}

// ecsOp registers an ECS action whose input decodes (encoding/json, which
// matches the wire's camelCase member names to the SDK's field names) into
// In, and whose output is encoded with the SDK's own codec.
func ecsOp[In any](s *ecsState, action string, run func(in *In) (any, error)) {
	s.e.onJSON("ecs", action, func(body []byte) (any, error) {
		in := new(In)
		if err := decodeJSON(body, in); err != nil {
			return nil, err
		}
		return run(in)
	})
}

func (s *ecsState) registerClusterOps() {
	ecsOp(s, "CreateCluster", func(in *ecs.CreateClusterInput) (any, error) {
		name := "default"
		if in.ClusterName != nil && *in.ClusterName != "" {
			name = *in.ClusterName
		}
		if !validECSName(name) {
			return nil, invalidParameter("Cluster name can only contain letters, numbers, hyphens and underscores (max 255): %q", name)
		}
		c := s.clusters[name]
		if c == nil || c.status != "ACTIVE" {
			c = &ecsCluster{
				name: name, arn: s.arn("cluster/" + name), status: "ACTIVE", createdAt: s.e.Now(),
				tags: in.Tags, services: map[string]*ecsService{}, tasks: map[string]*ecsTask{},
				settings: in.Settings, providers: in.CapacityProviders, defaultCP: in.DefaultCapacityProviderStrategy,
			}
			if len(c.providers) == 0 {
				c.providers = []string{"FARGATE", "FARGATE_SPOT"}
			}
			s.clusters[name] = c
		}
		return encodeECS(&ecs.CreateClusterOutput{Cluster: s.clusterShape(c, nil)})
	})
	ecsOp(s, "DescribeClusters", func(in *ecs.DescribeClustersInput) (any, error) {
		out := &ecs.DescribeClustersOutput{}
		refs := in.Clusters
		if len(refs) == 0 {
			refs = []string{"default"}
		}
		for _, ref := range refs {
			name, ours, err := s.ecsResourceRef(ref, "cluster", nil)
			if err != nil {
				return nil, err
			}
			c := s.clusters[name]
			if !ours {
				c = nil
			}
			if c == nil {
				arn := ref
				if !strings.HasPrefix(ref, "arn:") {
					arn = s.arn("cluster/" + ref)
				}
				out.Failures = append(out.Failures, types.Failure{Arn: &arn, Reason: ptr("MISSING")})
				continue
			}
			out.Clusters = append(out.Clusters, *s.clusterShape(c, in.Include))
		}
		return encodeECS(out)
	})
	ecsOp(s, "ListClusters", func(in *ecs.ListClustersInput) (any, error) {
		out := &ecs.ListClustersOutput{ClusterArns: []string{}}
		for _, c := range s.clusters {
			if c.status == "ACTIVE" {
				out.ClusterArns = append(out.ClusterArns, c.arn)
			}
		}
		sort.Strings(out.ClusterArns)
		return encodeECS(out)
	})
}

// clusterShape renders a cluster with its live counts.
func (s *ecsState) clusterShape(c *ecsCluster, include []types.ClusterField) *types.Cluster {
	out := &types.Cluster{
		ClusterArn: ptr(c.arn), ClusterName: ptr(c.name), Status: ptr(c.status),
		CapacityProviders: c.providers, DefaultCapacityProviderStrategy: c.defaultCP, Settings: c.settings,
	}
	for _, name := range c.svcOrder {
		if c.services[name].status == "ACTIVE" {
			out.ActiveServicesCount++
		}
	}
	for _, t := range c.tasks {
		switch t.lastStatus {
		case "RUNNING":
			out.RunningTasksCount++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			out.PendingTasksCount++
		}
	}
	for _, f := range include {
		if f == types.ClusterFieldTags {
			out.Tags = c.tags
		}
	}
	return out
}

// validECSName is ECS's rule for cluster, service and family names.
func validECSName(n string) bool {
	if n == "" || len(n) > 255 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
