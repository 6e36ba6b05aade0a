#!/usr/bin/env python3
"""The deployment guide's command sequence, driven by boto3 (a client no one
here wrote) against the AWS emulator, with boto3's own waiters; every step
asserts its result.

Run it through the emulator, which points AWS_ENDPOINT_URL at itself:

    go run ./ci/cmd/bitflow-deploy emulator --seed --seed-bluegreen --quiet -- python3 ci/scripts/boto3_sequence.py

(`make -C ci boto3-sequence` does the same.) Steps: describe the live
service, force a new deployment and wait with the services_stable waiter,
refuse the guide's placeholder subnet, run the migration task and wait with
tasks_stopped for exit code 0, deploy green, switch the listener with
modify-listener, wait for healthy targets (target_in_service), scale blue
down, roll back, read ECR's authorization token and images, use S3
conditionally and read CloudWatch alarms.
"""
import base64
import os
import shutil
import subprocess
import sys

import boto3
import botocore.config
import botocore.exceptions

CLUSTER = "bitflow-cluster"
BLUE, GREEN = "bitflow-backend-blue", "bitflow-backend-green"
FAST = {"Delay": 1, "MaxAttempts": 120}  # the emulator moves in seconds

if not os.environ.get("AWS_ENDPOINT_URL"):
    sys.exit("boto3_sequence: AWS_ENDPOINT_URL is not set: run me through `bitflow-deploy emulator -- ...`")

for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
    if os.environ.get(var) == "":
        del os.environ[var]  # set empty by the emulator so no profile is read; boto3 would look for a profile named ""
session = boto3.session.Session(region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
ecs, elbv2, ecr = session.client("ecs"), session.client("elbv2"), session.client("ecr")
steps = 0


def step(msg):
    global steps
    steps += 1
    print(f"boto3 [{steps:02d}] {msg}", flush=True)


def check(cond, msg):
    if not cond:
        sys.exit(f"boto3_sequence: FAILED: {msg}")


def service(name):
    out = ecs.describe_services(cluster=CLUSTER, services=[name])
    check(len(out["services"]) == 1 and not out["failures"], f"describe {name}: {out['failures']}")
    return out["services"][0]


# The guide: BLUE_TASK_DEFINITION=$(aws ecs describe-services ... --query 'services[0].taskDefinition')
blue, green = service(BLUE), service(GREEN)
blue_td = blue["taskDefinition"]
step(f"{BLUE} runs {blue_td}")
# Members AWS sends as 0/false are present (a missing key raises here).
check(green["desiredCount"] == 0 and green["runningCount"] == 0 and green["pendingCount"] == 0, f"green counts {green}")
check(green["enableExecuteCommand"] is False, "enableExecuteCommand false is present")
check(blue["desiredCount"] == 3 and blue["runningCount"] == 3, f"blue counts {blue['desiredCount']}/{blue['runningCount']}")

# aws ecs update-service --force-new-deployment; aws ecs wait services-stable
portal = sorted(a for a in ecs.list_services(cluster=CLUSTER, maxResults=100)["serviceArns"] if "/bitflow-frontend-" in a)[0].rsplit("/", 1)[1]
for name in (BLUE, portal):
    out = ecs.update_service(cluster=CLUSTER, service=name, forceNewDeployment=True)
    deps = out["service"]["deployments"]
    check(len(deps) >= 2 and deps[0]["status"] == "PRIMARY" and deps[0]["rolloutState"] == "IN_PROGRESS", f"{name} deployments {deps}")
step(f"force-new-deployment of {BLUE} and {portal}")
ecs.get_waiter("services_stable").wait(cluster=CLUSTER, services=[BLUE, portal], WaiterConfig=FAST)
for name in (BLUE, portal):
    s = service(name)
    check(len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED", f"{name} not stable: {s['deployments']}")
step("services_stable waiter: one COMPLETED deployment each")

# aws ecs run-task with the guide's literal placeholder network: AWS refuses it.
net = blue["networkConfiguration"]
try:
    ecs.run_task(cluster=CLUSTER, taskDefinition="bitflow-migration", launchType="FARGATE",
                 networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-xxx"], "securityGroups": ["sg-xxx"], "assignPublicIp": "DISABLED"}})
    check(False, "run-task with subnet-xxx was accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidParameterException", f"subnet-xxx: {e}")
    check(e.response["ResponseMetadata"]["RequestId"], "error has a request id")
step("run-task with the guide's subnet-xxx: InvalidParameterException")

task = ecs.run_task(cluster=CLUSTER, taskDefinition="bitflow-migration", launchType="FARGATE", networkConfiguration=net)["tasks"][0]
ecs.get_waiter("tasks_stopped").wait(cluster=CLUSTER, tasks=[task["taskArn"]], WaiterConfig=FAST)
done = ecs.describe_tasks(cluster=CLUSTER, tasks=[task["taskArn"]])["tasks"][0]
codes = [c.get("exitCode") for c in done["containers"]]
check(done["lastStatus"] == "STOPPED" and codes and all(c == 0 for c in codes), f"migration: {done['lastStatus']} exit codes {codes}")
step(f"migration task stopped (tasks_stopped waiter), exit codes {codes}")

# Blue/green: green gets the task definition and 3 tasks, then the listener.
ecs.update_service(cluster=CLUSTER, service=GREEN, taskDefinition=blue_td, desiredCount=3)
ecs.get_waiter("services_stable").wait(cluster=CLUSTER, services=[GREEN], WaiterConfig=FAST)
check(service(GREEN)["runningCount"] == 3, "green running 3")
step("green: 3 tasks, stable")

lb = elbv2.describe_load_balancers(Names=["bitflow-alb"])["LoadBalancers"][0]
listeners = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
prod = next(l for l in listeners if l["Port"] == 80)
tgs = {t["TargetGroupName"]: t["TargetGroupArn"] for t in elbv2.describe_target_groups(Names=[BLUE, GREEN])["TargetGroups"]}
elbv2.get_waiter("target_in_service").wait(TargetGroupArn=tgs[GREEN], WaiterConfig=FAST)
health = elbv2.describe_target_health(TargetGroupArn=tgs[GREEN])["TargetHealthDescriptions"]
check(len(health) == 3 and all(h["TargetHealth"]["State"] == "healthy" for h in health), f"green target health {health}")
step("describe-target-health: 3 healthy green targets (target_in_service waiter)")

out = elbv2.modify_listener(ListenerArn=prod["ListenerArn"], DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs[GREEN]}])
check(out["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"] == tgs[GREEN], "modify-listener answer")
now = elbv2.describe_listeners(ListenerArns=[prod["ListenerArn"]])["Listeners"][0]["DefaultActions"][0]
check(now["TargetGroupArn"] == tgs[GREEN], f"listener forwards to {now}")
step("modify-listener: production traffic to green")
try:
    elbv2.modify_listener(ListenerArn="arn:aws:elasticloadbalancing:nope", DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs[GREEN]}])
    check(False, "a malformed listener ARN was accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "ValidationError" and e.response["ResponseMetadata"]["RequestId"], f"malformed ARN: {e.response}")
step("modify-listener with a malformed ARN: ValidationError with a request id")

ecs.update_service(cluster=CLUSTER, service=BLUE, desiredCount=1)
ecs.get_waiter("services_stable").wait(cluster=CLUSTER, services=[BLUE], WaiterConfig=FAST)
check(service(BLUE)["runningCount"] == 1, "blue scaled to 1")
step("blue scaled down to 1")

# rollback.sh: listener back to blue, blue to 3, wait.
elbv2.modify_listener(ListenerArn=prod["ListenerArn"], DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs[BLUE]}])
ecs.update_service(cluster=CLUSTER, service=BLUE, desiredCount=3)
ecs.get_waiter("services_stable").wait(cluster=CLUSTER, services=[BLUE], WaiterConfig=FAST)
check(service(BLUE)["runningCount"] == 3, "blue back to 3")
step("rollback: listener to blue, blue stable with 3 tasks")

# ECR: docker login's token, and the images the seed pushed.
auth = ecr.get_authorization_token()["authorizationData"][0]
user, _, password = base64.b64decode(auth["authorizationToken"]).decode().partition(":")
check(user == "AWS" and password and auth["proxyEndpoint"].startswith("https://"), f"authorization {auth['proxyEndpoint']}")
images = ecr.describe_images(repositoryName="bitflow-backend")["imageDetails"]
check(images and all(i["imageDigest"].startswith("sha256:") and i["imageSizeInBytes"] > 0 for i in images), f"images {images}")
try:
    ecr.describe_images(repositoryName="bitflow-backend", imageIds=[{"imageDigest": "sha256:nope"}])
    check(False, "a malformed digest was accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidParameterException", f"malformed digest: {e}")
step(f"ECR: token for {auth['proxyEndpoint']}, {len(images)} image(s) of bitflow-backend, malformed digest refused")

# S3 (the ledger's and lock's store): conditional writes, paging, and the request id
# boto3 reports is the one in S3's <Error>.
s3 = session.client("s3", config=botocore.config.Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket="boto3-sequence")
put = s3.put_object(Bucket="boto3-sequence", Key="locks/prod.json", Body=b'{"owner":"boto3"}', IfNoneMatch="*")
try:
    s3.put_object(Bucket="boto3-sequence", Key="locks/prod.json", Body=b"{}", IfNoneMatch="*")
    check(False, "a second If-None-Match create succeeded")
except botocore.exceptions.ClientError as e:
    meta = e.response["ResponseMetadata"]
    check(e.response["Error"]["Code"] == "PreconditionFailed" and meta["HTTPStatusCode"] == 412, f"second create: {e.response}")
    check(meta["RequestId"] == meta["HTTPHeaders"].get("x-amz-request-id"), f"request id {meta['RequestId']} is not S3's {meta['HTTPHeaders']}")
got = s3.get_object(Bucket="boto3-sequence", Key="locks/prod.json", IfMatch=put["ETag"])
check(got["Body"].read() == b'{"owner":"boto3"}' and got["ETag"] == put["ETag"], "get with If-Match")
for i in range(3):
    s3.put_object(Bucket="boto3-sequence", Key=f"runs/{i}.json", Body=b"{}")
keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto3-sequence", Prefix="runs/", PaginationConfig={"PageSize": 2}) for o in page["Contents"]]
check(keys == ["runs/0.json", "runs/1.json", "runs/2.json"], f"paged keys {keys}")
s3.delete_object(Bucket="boto3-sequence", Key="locks/prod.json", IfMatch=put["ETag"])
step("S3: If-None-Match 412 with S3's request id, If-Match read and delete, list_objects_v2 paged by 2")

# CloudWatch over awsJson 1.0 (botocore's pick from the model's protocols).
cw = session.client("cloudwatch")
alarms = cw.describe_alarms(AlarmNames=["boto3-sequence"])
check(alarms["MetricAlarms"] == [] and alarms["CompositeAlarms"] == [], f"alarms {alarms}")
try:
    cw.describe_alarms(StateValue="PURPLE")
    check(False, "StateValue PURPLE was accepted")
except botocore.exceptions.ClientError as e:
    check(e.response["Error"]["Code"] == "ValidationError" and e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, f"PURPLE: {e.response}")
step("CloudWatch: describe_alarms, StateValue PURPLE refused with ValidationError")

# The AWS CLI, where installed: --query prints AWS's 0, not None.
if shutil.which("aws"):
    out = subprocess.run(["aws", "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "--region", session.region_name, "ecs", "describe-services", "--cluster", CLUSTER,
                          "--services", "bitflow-backend-green", "--query", "services[0].desiredCount", "--output", "text"],
                         capture_output=True, text=True, check=False)
    check(out.returncode == 0 and out.stdout.strip() == "3", f"aws cli: {out.returncode} {out.stdout!r} {out.stderr[-300:]!r}")
    scale = subprocess.run(["aws", "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "--region", session.region_name, "ecs", "update-service", "--cluster", CLUSTER,
                            "--service", GREEN, "--desired-count", "0", "--query", "service.desiredCount", "--output", "text"],
                           capture_output=True, text=True, check=False)
    check(scale.returncode == 0 and scale.stdout.strip() == "0", f"aws cli --query service.desiredCount: {scale.stdout!r} {scale.stderr[-300:]!r}")
    step("aws cli: --query service.desiredCount prints 0 for a service scaled to 0")

print(f"boto3_sequence: all {steps} steps passed against {os.environ['AWS_ENDPOINT_URL']}")
