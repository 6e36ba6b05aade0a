package awsemu

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ecsService is a REPLICA service with its deployments (newest first: the
// first is PRIMARY) and its event log (newest first).
type ecsService struct {
	name, arn   string
	cluster     *ecsCluster
	status      string
	createdAt   time.Time
	desired     int32
	td          *ecsTaskDef
	launch      launchSpec
	lbs         []types.LoadBalancer
	depConf     *types.DeploymentConfiguration
	grace       *int32                 // healthCheckGracePeriodSeconds (nil = 0, as ECS)
	in          ecs.CreateServiceInput // the create request, for fields echoed back as-is
	deployments []*ecsDeployment
	stable      *ecsDeployment // the last deployment that COMPLETED
	events      []types.ServiceEvent
}

func (s *ecsState) registerServiceOps() {
	ecsOp(s, "CreateService", s.createService)
	ecsOp(s, "UpdateService", s.updateService)
	ecsOp(s, "DescribeServices", func(in *ecs.DescribeServicesInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Services) == 0 {
			return nil, invalidParameter("Services cannot be empty.")
		}
		if len(in.Services) > 10 {
			return nil, invalidParameter("Services cannot contain more than 10 elements.")
		}
		out := &ecs.DescribeServicesOutput{Services: []types.Service{}, Failures: []types.Failure{}}
		for _, ref := range in.Services {
			svc, err := s.serviceRef(c, ref)
			if err != nil {
				return nil, err
			}
			if svc == nil {
				arn := ref
				if !strings.HasPrefix(ref, "arn:") {
					arn = s.arn("service/" + c.name + "/" + ref)
				}
				out.Failures = append(out.Failures, types.Failure{Arn: ptr(arn), Reason: ptr("MISSING")})
				continue
			}
			out.Services = append(out.Services, s.serviceShape(svc, in.Include))
		}
		return encodeECS(out)
	})
	ecsOp(s, "ListServices", func(in *ecs.ListServicesInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, name := range c.svcOrder {
			svc := c.services[name]
			if svc.status == "INACTIVE" || in.LaunchType != "" && svc.launch.launchType != in.LaunchType {
				continue
			}
			arns = append(arns, svc.arn)
		}
		page, next, err := paginate(arns, in.NextToken, in.MaxResults, 10)
		if err != nil {
			return nil, err
		}
		return encodeECS(&ecs.ListServicesOutput{ServiceArns: page, NextToken: next})
	})
	ecsOp(s, "DeleteService", func(in *ecs.DeleteServiceInput) (any, error) {
		c, err := s.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		svc, err := s.serviceRef(c, deref(in.Service))
		if err != nil {
			return nil, err
		}
		if svc == nil || svc.status == "INACTIVE" {
			return nil, clientError("ServiceNotFoundException", "Service not found.")
		}
		if svc.desired > 0 && !deref(in.Force) {
			return nil, invalidParameter("The service cannot be stopped while it is scaled above 0.")
		}
		now := s.e.Now()
		svc.status = "DRAINING"
		svc.desired = 0
		for _, d := range svc.deployments {
			for _, t := range s.deploymentTasks(d) {
				s.beginStop(t, now, types.TaskStopCodeServiceSchedulerInitiated, "Service deleted")
			}
		}
		return encodeECS(&ecs.DeleteServiceOutput{Service: ptr(s.serviceShape(svc, nil))})
	})
}

func (s *ecsState) createService(in *ecs.CreateServiceInput) (any, error) {
	c, err := s.cluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	name := deref(in.ServiceName)
	if !validECSName(name) {
		return nil, invalidParameter("Service name can only contain letters, numbers, hyphens and underscores (max 255): %q", name)
	}
	if old := c.services[name]; old != nil && old.status != "INACTIVE" {
		return nil, invalidParameter("Creation of service was not idempotent.")
	}
	if deref(in.TaskDefinition) == "" {
		return nil, invalidParameter("TaskDefinition can not be blank.")
	}
	td, err := s.taskDef(*in.TaskDefinition)
	if err != nil || td.td.Status != types.TaskDefinitionStatusActive {
		return nil, invalidParameter("TaskDefinition not found.")
	}
	if in.SchedulingStrategy == types.SchedulingStrategyDaemon {
		return nil, invalidParameter("This emulator only runs REPLICA services.")
	}
	if in.DeploymentController != nil && in.DeploymentController.Type != "" && in.DeploymentController.Type != types.DeploymentControllerTypeEcs {
		return nil, invalidParameter("This emulator only runs the ECS deployment controller (got %s).", in.DeploymentController.Type)
	}
	desired := deref(in.DesiredCount)
	if desired < 0 {
		return nil, invalidParameter("desiredCount can not be negative.")
	}
	l := launchSpec{launchType: in.LaunchType, cps: in.CapacityProviderStrategy, netConf: in.NetworkConfiguration}
	if l.launchType == "" && len(l.cps) == 0 {
		l.cps = c.defaultCP
		if len(l.cps) == 0 {
			l.launchType = types.LaunchTypeEc2
		}
	}
	if err := s.validateLaunch(td, l); err != nil {
		return nil, err
	}
	if err := s.validateLoadBalancers(td, in.LoadBalancers); err != nil {
		return nil, err
	}
	if err := validateGrace(in.HealthCheckGracePeriodSeconds, in.LoadBalancers); err != nil {
		return nil, err
	}
	now := s.e.Now()
	svc := &ecsService{grace: in.HealthCheckGracePeriodSeconds,
		name: name, arn: s.arn("service/" + c.name + "/" + name), cluster: c, status: "ACTIVE", createdAt: now,
		desired: desired, td: td, launch: l, lbs: in.LoadBalancers, depConf: in.DeploymentConfiguration, in: *in,
	}
	if svc.depConf == nil {
		svc.depConf = &types.DeploymentConfiguration{}
	}
	if svc.depConf.MaximumPercent == nil {
		svc.depConf.MaximumPercent = ptr(int32(200))
	}
	if svc.depConf.MinimumHealthyPercent == nil {
		svc.depConf.MinimumHealthyPercent = ptr(int32(100))
	}
	if svc.depConf.DeploymentCircuitBreaker == nil {
		svc.depConf.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{}
	}
	if svc.depConf.Strategy == "" {
		svc.depConf.Strategy = types.DeploymentStrategyRolling
	}
	if err := s.validateNative(svc.depConf, svc.lbs); err != nil {
		return nil, err
	}
	if _, ok := c.services[name]; !ok {
		c.svcOrder = append(c.svcOrder, name)
	}
	c.services[name] = svc
	s.startDeployment(svc, now, nil)
	return encodeECS(&ecs.CreateServiceOutput{Service: ptr(s.serviceShape(svc, nil))})
}

// validateLoadBalancers checks each loadBalancers entry against the task
// definition and asks ELBv2 whether its target group exists.
func (s *ecsState) validateLoadBalancers(td *ecsTaskDef, lbs []types.LoadBalancer) error {
	for _, lb := range lbs {
		arn := deref(lb.TargetGroupArn)
		if arn == "" {
			return invalidParameter("loadBalancers: targetGroupArn is required for Application Load Balancers.")
		}
		if !s.e.elbv2.targetGroupExists(arn) {
			return invalidParameter("The target group with targetGroupArn %s does not exist.", arn)
		}
		found := false
		for _, c := range td.td.ContainerDefinitions {
			if deref(c.Name) != deref(lb.ContainerName) {
				continue
			}
			for _, pm := range c.PortMappings {
				if deref(pm.ContainerPort) == deref(lb.ContainerPort) {
					found = true
				}
			}
		}
		if !found {
			return invalidParameter("The container %s did not have a container port %d defined.", deref(lb.ContainerName), deref(lb.ContainerPort))
		}
	}
	return nil
}

func (s *ecsState) updateService(in *ecs.UpdateServiceInput) (any, error) {
	_, svc, err := s.existingService(in.Cluster, deref(in.Service))
	if err != nil {
		return nil, err
	}
	if svc.status != "ACTIVE" {
		return nil, clientError("ServiceNotActiveException", "Service was not ACTIVE.")
	}
	td := svc.td
	if in.TaskDefinition != nil {
		if td, err = s.taskDef(*in.TaskDefinition); err != nil || td.td.Status != types.TaskDefinitionStatusActive {
			return nil, invalidParameter("TaskDefinition not found.")
		}
	}
	if in.DesiredCount != nil && *in.DesiredCount < 0 {
		return nil, invalidParameter("desiredCount can not be negative.")
	}
	l := svc.launch
	changed := false
	if in.NetworkConfiguration != nil {
		l.netConf, changed = in.NetworkConfiguration, true
	}
	if in.CapacityProviderStrategy != nil {
		l.cps, l.launchType, changed = in.CapacityProviderStrategy, "", true
	}
	if err := s.validateLaunch(td, l); err != nil {
		return nil, err
	}
	lbs := svc.lbs
	if in.LoadBalancers != nil {
		lbs, changed = in.LoadBalancers, true
	}
	if err := s.validateLoadBalancers(td, lbs); err != nil {
		return nil, err
	}
	grace := svc.grace
	if in.HealthCheckGracePeriodSeconds != nil {
		grace = in.HealthCheckGracePeriodSeconds
	}
	if err := validateGrace(grace, lbs); err != nil {
		return nil, err
	}
	now := s.e.Now()
	depConf := mergeDeploymentConfiguration(svc.depConf, in.DeploymentConfiguration)
	if err := s.validateNative(depConf, lbs); err != nil {
		return nil, err
	}
	svc.grace, svc.depConf = grace, depConf
	svc.launch, svc.lbs = l, lbs
	if in.DesiredCount != nil {
		svc.desired = *in.DesiredCount
	}
	if in.TaskDefinition != nil && td != svc.td || in.ForceNewDeployment || changed {
		svc.td = td
		if !s.startNative(svc, now) {
			s.startDeployment(svc, now, nil)
		}
	} else if p := svc.primary(); p != nil {
		p.desired = svc.desired
		p.updatedAt = now
		s.reconcile(svc, now)
	}
	return encodeECS(&ecs.UpdateServiceOutput{Service: ptr(s.serviceShape(svc, nil))})
}

// validateGrace checks healthCheckGracePeriodSeconds as ECS does: not
// negative, and only for a service that uses load balancers.
func validateGrace(grace *int32, lbs []types.LoadBalancer) error {
	if grace == nil {
		return nil
	}
	if *grace < 0 {
		return invalidParameter("healthCheckGracePeriodSeconds can not be negative.")
	}
	if len(lbs) == 0 {
		return invalidParameter("Health check grace period is only valid for services configured to use load balancers")
	}
	return nil
}

// graceSeconds is the service's health check grace period (0 if unset).
func (svc *ecsService) graceSeconds() int32 { return deref(svc.grace) }

// serviceShape renders a service as DescribeServices returns it.
func (s *ecsState) serviceShape(svc *ecsService, include []types.ServiceField) types.Service {
	out := types.Service{
		ServiceArn: ptr(svc.arn), ServiceName: ptr(svc.name), ClusterArn: ptr(svc.cluster.arn),
		Status: ptr(svc.status), DesiredCount: svc.desired, TaskDefinition: svc.td.td.TaskDefinitionArn,
		LaunchType: svc.launch.launchType, CapacityProviderStrategy: svc.launch.cps,
		NetworkConfiguration: svc.launch.netConf, LoadBalancers: svc.lbs, DeploymentConfiguration: svc.depConf,
		CreatedAt: ptr(svc.createdAt), SchedulingStrategy: types.SchedulingStrategyReplica,
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeEcs},
		CreatedBy:            ptr("arn:aws:iam::" + s.e.account + ":user/emulator"),
		PlacementConstraints: svc.in.PlacementConstraints, PlacementStrategy: svc.in.PlacementStrategy,
		HealthCheckGracePeriodSeconds: svc.grace, PropagateTags: svc.in.PropagateTags,
		EnableECSManagedTags: svc.in.EnableECSManagedTags, EnableExecuteCommand: svc.in.EnableExecuteCommand,
		ServiceRegistries: svc.in.ServiceRegistries, Events: svc.events,
		Deployments: []types.Deployment{},
	}
	if out.LoadBalancers == nil {
		out.LoadBalancers = []types.LoadBalancer{}
	}
	if out.Events == nil {
		out.Events = []types.ServiceEvent{}
	}
	if svc.launch.launchType == types.LaunchTypeFargate || len(svc.launch.cps) > 0 {
		out.PlatformVersion, out.PlatformFamily = ptr("LATEST"), ptr("Linux")
	}
	if len(svc.in.LoadBalancers) > 0 {
		out.RoleArn = ptr("arn:aws:iam::" + s.e.account + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
	}
	for _, d := range svc.deployments {
		dep := s.deploymentShape(svc, d)
		out.RunningCount += dep.RunningCount
		out.PendingCount += dep.PendingCount
		out.Deployments = append(out.Deployments, dep)
	}
	for _, f := range include {
		if f == types.ServiceFieldTags {
			out.Tags = svc.in.Tags
		}
	}
	return out
}

// serviceEvent records a service event (newest first, at most 100 kept).
func (s *ecsState) serviceEvent(svc *ecsService, at time.Time, msg string) {
	ev := types.ServiceEvent{Id: ptr(requestID()), CreatedAt: ptr(at), Message: ptr("(service " + svc.name + ") " + msg)}
	svc.events = append([]types.ServiceEvent{ev}, svc.events...)
	if len(svc.events) > 100 {
		svc.events = svc.events[:100]
	}
}
