package awsemu

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Load balancers and target groups: Create*/Describe*.

var elbNameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)

func (s *elbv2State) registerLoadBalancerOps() {
	s.e.onQuery("elbv2", "CreateLoadBalancer", s.createLoadBalancer)
	s.e.onQuery("elbv2", "DescribeLoadBalancers", s.describeLoadBalancers)
	s.e.onQuery("elbv2", "CreateTargetGroup", s.createTargetGroup)
	s.e.onQuery("elbv2", "DescribeTargetGroups", s.describeTargetGroups)
}

func (s *elbv2State) createLoadBalancer(form url.Values) (any, error) {
	name := form.Get("Name")
	if !elbNameRE.MatchString(name) || strings.HasPrefix(name, "internal-") {
		return nil, elbValidation("Name %q: up to 32 alphanumeric characters or hyphens, not starting or ending with a hyphen", name)
	}
	typ := form.Get("Type")
	if typ == "" {
		typ = "application"
	}
	if typ != "application" {
		return nil, elbValidation("Type %q is not supported by this emulator (application)", typ)
	}
	scheme := form.Get("Scheme")
	if scheme == "" {
		scheme = "internet-facing"
	}
	for _, lb := range s.lbs {
		if lb.LoadBalancerName == name {
			// AWS returns the existing load balancer when the request matches.
			return elbLoadBalancersResult{LoadBalancers: []elbLoadBalancer{*lb}}, nil
		}
	}
	id := stableID("loadbalancer/" + name)
	lb := &elbLoadBalancer{
		LoadBalancerArn:       s.arnPrefix() + "loadbalancer/app/" + name + "/" + id,
		DNSName:               name + "-" + id[:10] + "." + s.e.region + ".elb.amazonaws.com",
		CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
		CreatedTime:           s.e.clock.Now().UTC(),
		LoadBalancerName:      name,
		Scheme:                scheme,
		VpcId:                 "vpc-0emulator",
		State:                 elbLBState{Code: "active"},
		Type:                  typ,
		SecurityGroups:        queryList(form, "SecurityGroups"),
		IpAddressType:         "ipv4",
	}
	for i, sub := range queryList(form, "Subnets") {
		lb.AvailabilityZones = append(lb.AvailabilityZones, elbAZ{ZoneName: s.e.region + string(rune('a'+i%6)), SubnetId: sub})
	}
	s.lbs[lb.LoadBalancerArn] = lb
	return elbLoadBalancersResult{LoadBalancers: []elbLoadBalancer{*lb}}, nil
}

func (s *elbv2State) describeLoadBalancers(form url.Values) (any, error) {
	arns, names := queryList(form, "LoadBalancerArns"), queryList(form, "Names")
	var out []elbLoadBalancer
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			lb := s.lbs[a]
			if lb == nil {
				return nil, clientError("LoadBalancerNotFound", "One or more load balancers not found: %q", a)
			}
			out = append(out, *lb)
		}
	case len(names) > 0:
		for _, n := range names {
			var found *elbLoadBalancer
			for _, lb := range s.lbs {
				if lb.LoadBalancerName == n {
					found = lb
				}
			}
			if found == nil {
				return nil, clientError("LoadBalancerNotFound", "Load balancers '[%s]' not found", n)
			}
			out = append(out, *found)
		}
	default:
		for _, lb := range s.lbs {
			out = append(out, *lb)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].LoadBalancerName < out[j].LoadBalancerName })
	}
	return elbLoadBalancersResult{LoadBalancers: out}, nil
}

func (s *elbv2State) createTargetGroup(form url.Values) (any, error) {
	name := form.Get("Name")
	if !elbNameRE.MatchString(name) {
		return nil, elbValidation("Name %q: up to 32 alphanumeric characters or hyphens, not starting or ending with a hyphen", name)
	}
	port, err := elbFormInt32(form, "Port", 0)
	if err != nil {
		return nil, err
	}
	targetType := form.Get("TargetType")
	if targetType == "" {
		targetType = "instance"
	}
	if targetType != "lambda" && (port < 1 || port > 65535) {
		return nil, elbValidation("Port %d must be between 1 and 65535", port)
	}
	protocol := form.Get("Protocol")
	if protocol == "" {
		protocol = "HTTP"
	}
	if protocol != "HTTP" && protocol != "HTTPS" {
		return nil, elbValidation("Protocol %q is not supported by this emulator for application target groups (HTTP, HTTPS)", protocol)
	}
	tg := &elbTargetGroup{
		TargetGroupName:     name,
		Protocol:            protocol,
		Port:                port,
		VpcId:               form.Get("VpcId"),
		HealthCheckProtocol: elbOrDefault(form.Get("HealthCheckProtocol"), protocol),
		HealthCheckPort:     elbOrDefault(form.Get("HealthCheckPort"), "traffic-port"),
		HealthCheckEnabled:  form.Get("HealthCheckEnabled") != "false",
		HealthCheckPath:     elbOrDefault(form.Get("HealthCheckPath"), "/"),
		Matcher:             elbMatcher{HttpCode: elbOrDefault(form.Get("Matcher.HttpCode"), "200")},
		TargetType:          targetType,
		IpAddressType:       "ipv4",
	}
	for _, f := range []struct {
		key string
		dst *int32
		def int32
	}{
		{"HealthCheckIntervalSeconds", &tg.HealthCheckIntervalSeconds, 30},
		{"HealthCheckTimeoutSeconds", &tg.HealthCheckTimeoutSeconds, 5},
		{"HealthyThresholdCount", &tg.HealthyThresholdCount, 5},
		{"UnhealthyThresholdCount", &tg.UnhealthyThresholdCount, 2},
	} {
		if *f.dst, err = elbFormInt32(form, f.key, f.def); err != nil {
			return nil, err
		}
	}
	for _, existing := range s.tgs {
		if existing.TargetGroupName == name {
			if existing.Port != tg.Port || existing.Protocol != tg.Protocol {
				return nil, clientError("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", name)
			}
			return elbTargetGroupsResult{TargetGroups: []elbTargetGroup{s.tgDescription(existing)}}, nil
		}
	}
	tg.TargetGroupArn = s.arnPrefix() + "targetgroup/" + name + "/" + stableID("targetgroup/"+name)
	s.tgs[tg.TargetGroupArn] = tg
	return elbTargetGroupsResult{TargetGroups: []elbTargetGroup{s.tgDescription(tg)}}, nil
}

func (s *elbv2State) describeTargetGroups(form url.Values) (any, error) {
	arns, names, lbArn := queryList(form, "TargetGroupArns"), queryList(form, "Names"), form.Get("LoadBalancerArn")
	var out []elbTargetGroup
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			tg := s.tgs[a]
			if tg == nil {
				return nil, clientError("TargetGroupNotFound", "One or more target groups not found: %q", a)
			}
			out = append(out, s.tgDescription(tg))
		}
	case len(names) > 0:
		for _, n := range names {
			tg := s.tgByName(n)
			if tg == nil || tg.TargetGroupName != n {
				return nil, clientError("TargetGroupNotFound", "One or more target groups not found: %q", n)
			}
			out = append(out, s.tgDescription(tg))
		}
	default:
		if lbArn != "" && s.lbs[lbArn] == nil {
			return nil, clientError("LoadBalancerNotFound", "One or more load balancers not found: %q", lbArn)
		}
		for _, tg := range s.tgs {
			d := s.tgDescription(tg)
			if lbArn == "" || elbContains(d.LoadBalancerArns, lbArn) {
				out = append(out, d)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].TargetGroupName < out[j].TargetGroupName })
	}
	return elbTargetGroupsResult{TargetGroups: out}, nil
}

func elbOrDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func elbContains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
