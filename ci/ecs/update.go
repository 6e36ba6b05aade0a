package ecs

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceUpdate points one service at a task definition with a rolling
// update.
type ServiceUpdate struct {
	Service        string
	TaskDefinition string // ARN
	DesiredCount   *int32 // nil keeps the current count
}

// DescribeServices returns the named services (at most 10 per call, batched),
// failing with the names of any that are missing or not ACTIVE.
func DescribeServices(ctx context.Context, api API, cluster string, names []string) (map[string]types.Service, error) {
	out := map[string]types.Service{}
	var problems []error
	for i := 0; i < len(names); i += describeBatch {
		batch := names[i:min(i+describeBatch, len(names))]
		res, err := api.DescribeServices(ctx, &awsecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: batch})
		if err != nil {
			return nil, fmt.Errorf("ecs DescribeServices in cluster %s: %w", cluster, err)
		}
		for _, f := range res.Failures {
			problems = append(problems, fmt.Errorf("service %s in cluster %s: %s", shortTD(aws.ToString(f.Arn)), cluster, aws.ToString(f.Reason)))
		}
		for _, s := range res.Services {
			if aws.ToString(s.Status) != "ACTIVE" {
				problems = append(problems, fmt.Errorf("service %s in cluster %s is %s", aws.ToString(s.ServiceName), cluster, aws.ToString(s.Status)))
				continue
			}
			out[aws.ToString(s.ServiceName)] = s
		}
	}
	for _, n := range names {
		if _, ok := out[n]; !ok && len(problems) == 0 {
			problems = append(problems, fmt.Errorf("service %s not found in cluster %s", n, cluster))
		}
	}
	return out, errors.Join(problems...)
}

// UpdateServices starts the rolling updates of every update at once and
// returns the services that were updated; on error, those that were not are
// named. Each request carries RollingDeploymentConfiguration, so a service
// a native release left on BLUE_GREEN, LINEAR or CANARY (with its PAUSE
// hooks) is switched back to ROLLING by the same call.
func UpdateServices(ctx context.Context, api API, cluster string, updates []ServiceUpdate) ([]string, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var done []string
	var errs []error
	for _, u := range updates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api.UpdateService(ctx, &awsecs.UpdateServiceInput{
				Cluster: aws.String(cluster), Service: aws.String(u.Service),
				TaskDefinition: aws.String(u.TaskDefinition), DesiredCount: u.DesiredCount,
				DeploymentConfiguration: RollingDeploymentConfiguration(),
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("ecs UpdateService %s -> %s: %w", u.Service, shortTD(u.TaskDefinition), err))
				return
			}
			done = append(done, u.Service)
		}()
	}
	wg.Wait()
	return done, errors.Join(errs...)
}
