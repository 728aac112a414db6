#!/usr/bin/python3
# awscli-jobs.py — the AWS CLI (Debian's awscli v2) against the sandbox's
# control plane (`aws iot …`) and HTTPS jobs data plane (`aws iot-jobs-data …`):
# the JobsSandbox walkthrough over HTTPS only. Run by test-jobs-data-clients.c
# with JD_AWS (the aws program), JD_ENDPOINT, JD_DATA_ENDPOINT, JD_CA,
# JD_ACCESS_KEY and JD_SECRET_KEY set.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import sys

REGION = "us-east-1"
ACCOUNT = "123456789012"
THING = "CliThing"
checks = 0

env = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": os.environ.get("HOME", "/tmp"),
    "AWS_ACCESS_KEY_ID": os.environ["JD_ACCESS_KEY"],
    "AWS_SECRET_ACCESS_KEY": os.environ["JD_SECRET_KEY"],
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_PAGER": "",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def aws(plane, *args, fail=None):
    endpoint = os.environ["JD_ENDPOINT"] if plane == "iot" else os.environ["JD_DATA_ENDPOINT"]
    argv = [os.environ["JD_AWS"], plane, *args, "--endpoint-url", endpoint,
            "--ca-bundle", os.environ["JD_CA"], "--output", "json", "--no-cli-pager"]
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    if fail is not None:
        check(p.returncode != 0 and fail in p.stderr,
              f"aws {plane} {args[0]} fails with {fail} (got {p.returncode}: {p.stderr.strip()})")
        return None
    if p.returncode != 0:
        print(f"FAILED: aws {plane} {' '.join(args)}: {p.returncode}\n{p.stderr}")
        sys.exit(1)
    return json.loads(p.stdout) if p.stdout.strip() else {}


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


arn = f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{THING}"

# Control plane.
thing = aws("iot", "create-thing", "--thing-name", THING)
check(thing["thingArn"] == arn, "create-thing")
for job_id in ("cli-1", "cli-2"):
    job = aws("iot", "create-job", "--job-id", job_id, "--targets", arn,
              "--document", json.dumps({"op": job_id}))
    check(job["jobId"] == job_id, f"create-job {job_id}")
jobs = aws("iot", "list-jobs")
check(sorted(j["jobId"] for j in jobs["jobs"]) == ["cli-1", "cli-2"], "list-jobs")
described = aws("iot", "describe-job", "--job-id", "cli-1")
check(described["job"]["status"] == "IN_PROGRESS", "describe-job")

# The device walkthrough over the HTTPS data plane.
pending = aws("iot-jobs-data", "get-pending-job-executions", "--thing-name", THING)
check([j["jobId"] for j in pending["queuedJobs"]] == ["cli-1", "cli-2"] and pending["inProgressJobs"] == [],
      "get-pending-job-executions")
started = aws("iot-jobs-data", "start-next-pending-job-execution", "--thing-name", THING,
              "--status-details", "step=download", "--step-timeout-in-minutes", "10")
execution = started["execution"]
check(execution["jobId"] == "cli-1" and execution["status"] == "IN_PROGRESS"
      and execution["thingName"] == THING and execution["statusDetails"] == {"step": "download"}
      and execution["versionNumber"] == 2, "start-next-pending-job-execution")
check(json.loads(execution["jobDocument"]) == {"op": "cli-1"}, "jobDocument is the document's JSON text")
check("approximateSecondsBeforeTimedOut" in execution, "step timer running")
desc = aws("iot-jobs-data", "describe-job-execution", "--thing-name", THING, "--job-id", "cli-1",
           "--no-include-job-document")
check(desc["execution"]["status"] == "IN_PROGRESS" and "jobDocument" not in desc["execution"],
      "describe-job-execution without document")
nxt = aws("iot-jobs-data", "describe-job-execution", "--thing-name", THING, "--job-id", "$next")
check(nxt["execution"]["jobId"] == "cli-1", "describe-job-execution $next")
aws("iot-jobs-data", "update-job-execution", "--thing-name", THING, "--job-id", "cli-1",
    "--status", "IN_PROGRESS", "--expected-version", "7", fail="InvalidStateTransitionException")
updated = aws("iot-jobs-data", "update-job-execution", "--thing-name", THING, "--job-id", "cli-1",
              "--status", "SUCCEEDED", "--status-details", "step=done", "--expected-version", "2",
              "--include-job-execution-state", "--include-job-document")
check(updated["executionState"]["status"] == "SUCCEEDED" and updated["executionState"]["versionNumber"] == 3
      and json.loads(updated["jobDocument"]) == {"op": "cli-1"}, "update-job-execution")
aws("iot-jobs-data", "describe-job-execution", "--thing-name", THING, "--job-id", "cli-1",
    fail="TerminalStateException")
aws("iot-jobs-data", "describe-job-execution", "--thing-name", THING, "--job-id", "nope",
    fail="ResourceNotFoundException")
aws("iot-jobs-data", "update-job-execution", "--thing-name", THING, "--job-id", "cli-2",
    "--status", "BOGUS", fail="InvalidRequestException")
pending = aws("iot-jobs-data", "get-pending-job-executions", "--thing-name", THING)
check([j["jobId"] for j in pending["queuedJobs"]] == ["cli-2"], "cli-1 left the pending list")

# The control plane sees the device's work; cancel and delete the rest.
summaries = aws("iot", "list-job-executions-for-thing", "--thing-name", THING)
statuses = {s["jobId"]: s["jobExecutionSummary"]["status"] for s in summaries["executionSummaries"]}
check(statuses == {"cli-1": "SUCCEEDED", "cli-2": "QUEUED"}, f"list-job-executions-for-thing {statuses}")
aws("iot", "cancel-job", "--job-id", "cli-2")
check(aws("iot", "describe-job", "--job-id", "cli-2")["job"]["status"] == "CANCELED", "cancel-job")
pending = aws("iot-jobs-data", "get-pending-job-executions", "--thing-name", THING)
check(pending["queuedJobs"] == [] and pending["inProgressJobs"] == [], "nothing pending after cancel-job")
started = aws("iot-jobs-data", "start-next-pending-job-execution", "--thing-name", THING)
check("execution" not in started, "start-next with nothing pending")
aws("iot", "delete-job", "--job-id", "cli-2", "--force")
jobs = aws("iot", "list-jobs")
check([j["jobId"] for j in jobs["jobs"]] == ["cli-1"], "delete-job --force")

print(f"{checks} checks passed")
