package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/bitflow-lms/pipeline/ci/config"
)

// Status is the outcome of checking one resource.
type Status string

// Statuses, from good to bad.
const (
	OK          Status = "ok"
	Unverified  Status = "unverified"  // the endpoint could not answer (e.g. an emulator without IAM)
	Placeholder Status = "placeholder" // the committed placeholder account
	Missing     Status = "MISSING"
	Wrong       Status = "WRONG"
)

// Finding is one resource and what the check found.
type Finding struct {
	Resource
	Status Status
	// Problems say what is misconfigured (Wrong) or why it could not be
	// verified (Unverified).
	Problems []string
}

// Report is the result of Check.
type Report struct {
	Env      *config.Environment
	Findings []Finding
}

// Count is how many findings have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == s {
			n++
		}
	}
	return n
}

// Failed tells whether a resource is missing or misconfigured.
func (r *Report) Failed() bool { return r.Count(Missing)+r.Count(Wrong) > 0 }

// Text is one line per resource and a summary line.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "check %s (%s): %d resources in account %s, region %s\n", r.Env.Name, r.Env.File, len(r.Findings), r.Env.AccountID, r.Env.Region)
	for _, f := range r.Findings {
		line := fmt.Sprintf("  %-11s %s", f.Status, f.Resource)
		if len(f.Problems) > 0 {
			line += ": " + strings.Join(f.Problems, "; ")
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "summary: %d ok, %d missing, %d misconfigured, %d placeholder, %d unverified\n",
		r.Count(OK), r.Count(Missing), r.Count(Wrong), r.Count(Placeholder), r.Count(Unverified))
	return b.String()
}

// Check describes every resource of env with read-only calls through cfg
// (the emulator, moto or AWS: the same SDK calls) and reports each one.
// An error means the check itself could not run (no credentials, no
// network); missing and misconfigured resources are findings.
func Check(ctx context.Context, cfg aws.Config, env *config.Environment) (*Report, error) {
	c := &checker{env: env,
		ecr: ecr.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg), elb: elb.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
	}
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	r := &Report{Env: env}
	for _, res := range Resources(env) {
		status, problems := c.check(ctx, res)
		r.Findings = append(r.Findings, Finding{Resource: res, Status: status, Problems: problems})
	}
	return r, nil
}

type checker struct {
	env  *config.Environment
	ecr  *ecr.Client
	ecs  *ecs.Client
	elb  *elb.Client
	logs *cloudwatchlogs.Client
	sts  *sts.Client
	iam  *iam.Client
	s3   *s3.Client

	account      string
	repositories map[string]bool
	logGroups    map[string]bool
	targetGroups map[string]tgInfo // by name
	services     map[string]serviceInfo
	lb           struct {
		done, found bool
		listener    string
		err         error
	}
}

func (c *checker) check(ctx context.Context, r Resource) (Status, []string) {
	switch r.Kind {
	case KindAccount:
		return c.checkAccount()
	case KindRole:
		return c.checkRole(ctx, r.Name)
	case KindBucket:
		return c.checkBucket(ctx, r.Name)
	case KindRepository:
		return present(c.repositories[r.Name])
	case KindLogGroup:
		return present(c.logGroups[r.Name])
	case KindCluster:
		return c.checkCluster(ctx, r.Name)
	case KindLoadBalancer, KindListener:
		return c.checkListener(ctx, r.Kind)
	case KindTargetGroup:
		return c.checkTargetGroup(r)
	case KindRule:
		return c.checkRule(ctx, r.service)
	case KindTaskFamily:
		return c.checkFamily(ctx, r)
	case KindService:
		return c.checkService(r)
	}
	return Unverified, []string{"unknown kind " + string(r.Kind)}
}

func present(ok bool) (Status, []string) {
	if ok {
		return OK, nil
	}
	return Missing, nil
}

func (c *checker) checkAccount() (Status, []string) {
	var problems []string
	if c.account != "" && c.account != c.env.AccountID {
		return Wrong, []string{fmt.Sprintf("the credentials belong to account %s, %s says %s", c.account, c.env.File, c.env.AccountID)}
	}
	if c.env.AccountID == PlaceholderAccount {
		return Placeholder, append(problems, PlaceholderAccount+" is the placeholder of the committed file: put your account ID in accountId, registry and the ARNs (ci/docs/new-aws-account.md)")
	}
	return OK, nil
}

// apiCode is the AWS error code of err ("" if it is not an API error).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Err is nil when the environment is ready: nothing missing or
// misconfigured, and, against AWS itself (realAWS: no endpoint override),
// no placeholder account.
func (r *Report) Err(realAWS bool) error {
	bad := r.Count(Missing) + r.Count(Wrong)
	if realAWS {
		bad += r.Count(Placeholder)
	}
	if bad == 0 {
		return nil
	}
	return fmt.Errorf("check %s: %d missing, %d misconfigured, %d placeholder (see the lines above)", r.Env.Name, r.Count(Missing), r.Count(Wrong), r.Count(Placeholder))
}
