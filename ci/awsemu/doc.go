// Package awsemu is an AWS API emulator for the services the deploy brain
// uses: ECS, ECR and CloudWatch Logs (JSON 1.1 protocol), ELBv2 and STS (Query
// protocol). It keeps state, advances it on a clock (real or manual), answers
// with AWS's documented shapes and error codes, and takes fault injection, so
// the real aws-sdk-go-v2 clients can be pointed at it through BaseEndpoint and
// exercised end to end.
//
// Layout: emulator.go (router, call log, faults common to every service),
// protocol_json.go and protocol_query.go (wire formats), clock.go, server.go
// (a loopback HTTP server and an aws.Config for tests), and one file per
// service or concept (ecs_*.go, ecr.go, logs.go, elbv2_*.go, sts.go).
package awsemu
