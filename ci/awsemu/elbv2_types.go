package awsemu

import "time"

// XML shapes of the ELBv2 API (2015-12-01), named and nested as the
// aws-sdk-go-v2 elasticloadbalancingv2 deserializers expect: lists are
// <Name><member>…</member></Name>, optional members are omitted when empty.

// elbAction is types.Action.
type elbAction struct {
	Type                string             `xml:"Type"`
	TargetGroupArn      string             `xml:"TargetGroupArn,omitempty"`
	Order               *int32             `xml:"Order,omitempty"`
	ForwardConfig       *elbForwardConfig  `xml:"ForwardConfig,omitempty"`
	FixedResponseConfig *elbFixedResponse  `xml:"FixedResponseConfig,omitempty"`
	RedirectConfig      *elbRedirectConfig `xml:"RedirectConfig,omitempty"`
}

// elbForwardConfig is types.ForwardActionConfig.
type elbForwardConfig struct {
	TargetGroups                []elbTargetGroupTuple `xml:"TargetGroups>member"`
	TargetGroupStickinessConfig *elbStickiness        `xml:"TargetGroupStickinessConfig,omitempty"`
}

// elbTargetGroupTuple is types.TargetGroupTuple.
type elbTargetGroupTuple struct {
	TargetGroupArn string `xml:"TargetGroupArn"`
	Weight         int32  `xml:"Weight"`
}

// elbStickiness is types.TargetGroupStickinessConfig.
type elbStickiness struct {
	Enabled         bool   `xml:"Enabled"`
	DurationSeconds *int32 `xml:"DurationSeconds,omitempty"`
}

// elbFixedResponse is types.FixedResponseActionConfig.
type elbFixedResponse struct {
	StatusCode  string `xml:"StatusCode"`
	ContentType string `xml:"ContentType,omitempty"`
	MessageBody string `xml:"MessageBody,omitempty"`
}

// elbRedirectConfig is types.RedirectActionConfig.
type elbRedirectConfig struct {
	Protocol   string `xml:"Protocol,omitempty"`
	Port       string `xml:"Port,omitempty"`
	Host       string `xml:"Host,omitempty"`
	Path       string `xml:"Path,omitempty"`
	Query      string `xml:"Query,omitempty"`
	StatusCode string `xml:"StatusCode"`
}

// elbValues is the shape of HostHeaderConfig / PathPatternConfig.
type elbValues struct {
	Values []string `xml:"Values>member"`
}

// elbHeaderConfig is types.HttpHeaderConditionConfig.
type elbHeaderConfig struct {
	HttpHeaderName string   `xml:"HttpHeaderName"`
	Values         []string `xml:"Values>member"`
}

// elbCondition is types.RuleCondition.
type elbCondition struct {
	Field             string           `xml:"Field"`
	Values            []string         `xml:"Values>member,omitempty"`
	HostHeaderConfig  *elbValues       `xml:"HostHeaderConfig,omitempty"`
	PathPatternConfig *elbValues       `xml:"PathPatternConfig,omitempty"`
	HttpHeaderConfig  *elbHeaderConfig `xml:"HttpHeaderConfig,omitempty"`
}

// elbListener is types.Listener.
type elbListener struct {
	ListenerArn     string      `xml:"ListenerArn"`
	LoadBalancerArn string      `xml:"LoadBalancerArn"`
	Port            int32       `xml:"Port"`
	Protocol        string      `xml:"Protocol"`
	DefaultActions  []elbAction `xml:"DefaultActions>member"`
}

// elbRule is types.Rule.
type elbRule struct {
	RuleArn    string         `xml:"RuleArn"`
	Priority   string         `xml:"Priority"`
	Conditions []elbCondition `xml:"Conditions>member"`
	Actions    []elbAction    `xml:"Actions>member"`
	IsDefault  bool           `xml:"IsDefault"`
}

// elbMatcher is types.Matcher.
type elbMatcher struct {
	HttpCode string `xml:"HttpCode"`
}

// elbTargetGroup is types.TargetGroup.
type elbTargetGroup struct {
	TargetGroupArn             string     `xml:"TargetGroupArn"`
	TargetGroupName            string     `xml:"TargetGroupName"`
	Protocol                   string     `xml:"Protocol"`
	Port                       int32      `xml:"Port"`
	VpcId                      string     `xml:"VpcId"`
	HealthCheckProtocol        string     `xml:"HealthCheckProtocol"`
	HealthCheckPort            string     `xml:"HealthCheckPort"`
	HealthCheckEnabled         bool       `xml:"HealthCheckEnabled"`
	HealthCheckIntervalSeconds int32      `xml:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int32      `xml:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int32      `xml:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int32      `xml:"UnhealthyThresholdCount"`
	HealthCheckPath            string     `xml:"HealthCheckPath"`
	Matcher                    elbMatcher `xml:"Matcher"`
	LoadBalancerArns           []string   `xml:"LoadBalancerArns>member"`
	TargetType                 string     `xml:"TargetType"`
	IpAddressType              string     `xml:"IpAddressType"`
}

// elbAZ is types.AvailabilityZone.
type elbAZ struct {
	ZoneName string `xml:"ZoneName"`
	SubnetId string `xml:"SubnetId"`
}

// elbLBState is types.LoadBalancerState.
type elbLBState struct {
	Code string `xml:"Code"`
}

// elbLoadBalancer is types.LoadBalancer.
type elbLoadBalancer struct {
	LoadBalancerArn       string     `xml:"LoadBalancerArn"`
	DNSName               string     `xml:"DNSName"`
	CanonicalHostedZoneId string     `xml:"CanonicalHostedZoneId"`
	CreatedTime           time.Time  `xml:"CreatedTime"`
	LoadBalancerName      string     `xml:"LoadBalancerName"`
	Scheme                string     `xml:"Scheme"`
	VpcId                 string     `xml:"VpcId"`
	State                 elbLBState `xml:"State"`
	Type                  string     `xml:"Type"`
	AvailabilityZones     []elbAZ    `xml:"AvailabilityZones>member"`
	SecurityGroups        []string   `xml:"SecurityGroups>member"`
	IpAddressType         string     `xml:"IpAddressType"`
}

// elbTargetDescription is types.TargetDescription.
type elbTargetDescription struct {
	Id               string `xml:"Id"`
	Port             int32  `xml:"Port,omitempty"`
	AvailabilityZone string `xml:"AvailabilityZone,omitempty"`
}

// elbTargetHealth is types.TargetHealth.
type elbTargetHealth struct {
	State       string `xml:"State"`
	Reason      string `xml:"Reason,omitempty"`
	Description string `xml:"Description,omitempty"`
}

// elbTargetHealthDescription is types.TargetHealthDescription.
type elbTargetHealthDescription struct {
	Target          elbTargetDescription `xml:"Target"`
	HealthCheckPort string               `xml:"HealthCheckPort"`
	TargetHealth    elbTargetHealth      `xml:"TargetHealth"`
}

// Result wrappers: each encodes as the content of <ActionResult>.

type elbLoadBalancersResult struct {
	LoadBalancers []elbLoadBalancer `xml:"LoadBalancers>member"`
}

type elbTargetGroupsResult struct {
	TargetGroups []elbTargetGroup `xml:"TargetGroups>member"`
}

type elbListenersResult struct {
	Listeners []elbListener `xml:"Listeners>member"`
}

type elbRulesResult struct {
	Rules []elbRule `xml:"Rules>member"`
}

type elbTargetHealthResult struct {
	TargetHealthDescriptions []elbTargetHealthDescription `xml:"TargetHealthDescriptions>member"`
}
