// Package seed creates, through the real aws-sdk-go-v2 clients, the AWS
// topology the Bitflow deploy brain expects by default (names from the
// deployment guide): cluster bitflow-cluster; ECR repositories
// bitflow-backend and bitflow-<app> for the 14 portals with an image tagged by
// a commit sha; log groups; task definitions bitflow-backend,
// bitflow-frontend and bitflow-migration; services bitflow-backend and
// bitflow-frontend (FARGATE, awsvpc, deployment circuit breaker with
// rollback). It is meant for the emulator (awsemu) but only speaks the AWS
// APIs, so it is also a readable statement of what production looks like.
//
// Load balancers are an addition: Options.BackendLoadBalancers and
// FrontendLoadBalancers attach target groups created beforehand (see the
// alb*.go files of this package).
package seed
