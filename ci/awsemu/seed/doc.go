// Package seed creates, through the real aws-sdk-go-v2 clients, the AWS
// topology an environment file names (by default ci/environments/emulator.yaml,
// with the portals of bitflow-frontend/apps.json): cluster bitflow-cluster;
// ECR repositories bitflow-backend and bitflow-<app> with an image tagged by a
// commit sha; log groups /ecs/<family>; the ALB bitflow-alb with one target
// group and one listener rule per service; task definitions bitflow-backend,
// bitflow-frontend-<app> (one container each: ECS allows at most 10 per task
// definition) and bitflow-migration; the 15 services (FARGATE, awsvpc,
// deployment circuit breaker with rollback), each attached to its target
// group. It is meant for the emulator (awsemu) but only speaks the AWS APIs,
// so it seeds any endpoint (moto_server too) and is a readable statement of
// what production looks like.
//
// BlueGreen adds the deployment guide's two-service layout
// (bitflow-backend-blue/-green behind the production and test listeners).
package seed
