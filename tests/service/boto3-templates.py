#!/usr/bin/python3
# boto3-templates.py — drives the job-template, managed-template and
# event-configuration operations of the local jobs service (issue 12,
# items 8 and 9) with AWS's own client (Debian's boto3, signing as
# `execute-api`) over HTTPS: responses, exceptions, paginators, and CreateJob
# with jobTemplateArn and documentParameters.
#
# Run by test-boto3.c with JD_ENDPOINT, JD_CA, JD_REGION, JD_ACCOUNT,
# JD_ACCESS_KEY and JD_SECRET_KEY in the environment. Exits non-zero on the
# first failed check.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["JD_ENDPOINT"]
CA = os.environ["JD_CA"]
REGION = os.environ["JD_REGION"]
ACCOUNT = os.environ["JD_ACCOUNT"]
KEY = os.environ["JD_ACCESS_KEY"]
SECRET = os.environ["JD_SECRET_KEY"]

checks = 0


def client():
    return boto3.client(
        "iot",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        verify=CA,
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)
    print(f"ok: {what}", flush=True)


def expect_error(iot, exception_name, status, what, call, **kwargs):
    exception = getattr(iot.exceptions, exception_name, None)
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        got = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(code == exception_name and got == status,
              f"{what}: {exception_name} {status} (got {code} {got}: {e.response['Error'].get('Message')})")
        if exception is not None:
            check(isinstance(e, exception), f"{what}: raises iot.exceptions.{exception_name}")
        return e
    check(False, f"{what}: expected {exception_name}, but the call succeeded")


def arn(kind, name):
    return f"arn:aws:iot:{REGION}:{ACCOUNT}:{kind}/{name}"


def managed_arn(name):
    return f"arn:aws:iot:{REGION}::jobtemplate/{name}:1.0"


def custom_templates(iot):
    made = iot.create_job_template(
        jobTemplateId="boto-fw", description="firmware 2.0",
        document=json.dumps({"fw": "2.0"}),
        timeoutConfig={"inProgressTimeoutInMinutes": 20},
        jobExecutionsRetryConfig={"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]})
    check(made["jobTemplateArn"] == arn("jobtemplate", "boto-fw") and made["jobTemplateId"] == "boto-fw",
          "CreateJobTemplate")
    e = expect_error(iot, "ConflictException", 409, "CreateJobTemplate with a taken id",
                     iot.create_job_template, jobTemplateId="boto-fw", description="x", document="{}")
    check("boto-fw" in e.response["Error"]["Message"], "ConflictException names the template")
    expect_error(iot, "InvalidRequestException", 400, "CreateJobTemplate without a document",
                 iot.create_job_template, jobTemplateId="boto-empty", description="x")
    expect_error(iot, "InvalidRequestException", 400, "CreateJobTemplate with a bad retry count",
                 iot.create_job_template, jobTemplateId="boto-bad", description="x", document="{}",
                 jobExecutionsRetryConfig={"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 11}]})

    d = iot.describe_job_template(jobTemplateId="boto-fw")
    check(d["description"] == "firmware 2.0" and json.loads(d["document"]) == {"fw": "2.0"}
          and d["timeoutConfig"]["inProgressTimeoutInMinutes"] == 20
          and d["jobExecutionsRetryConfig"]["criteriaList"][0]["numberOfRetries"] == 2
          and isinstance(d["createdAt"], datetime.datetime), "DescribeJobTemplate")
    expect_error(iot, "ResourceNotFoundException", 404, "DescribeJobTemplate of a missing template",
                 iot.describe_job_template, jobTemplateId="boto-missing")

    iot.create_job_template(jobTemplateId="boto-two", description="two", document="{}")
    ids = []
    pages = 0
    for page in iot.get_paginator("list_job_templates").paginate(PaginationConfig={"PageSize": 1}):
        pages += 1
        ids += [t["jobTemplateId"] for t in page["jobTemplates"]]
    check(ids == ["boto-fw", "boto-two"] and pages == 2, f"ListJobTemplates paginator ({ids})")

    iot.create_thing(thingName="boto-dev")
    job = iot.create_job(jobId="boto-from-custom", targets=[arn("thing", "boto-dev")],
                         jobTemplateArn=arn("jobtemplate", "boto-fw"),
                         timeoutConfig={"inProgressTimeoutInMinutes": 40})
    check(job["description"] == "firmware 2.0", "CreateJob from a custom template takes its description")
    described = iot.describe_job(jobId="boto-from-custom")["job"]
    check(described["jobTemplateArn"] == arn("jobtemplate", "boto-fw")
          and described["timeoutConfig"]["inProgressTimeoutInMinutes"] == 40
          and described["jobExecutionsRetryConfig"]["criteriaList"][0]["numberOfRetries"] == 2,
          "DescribeJob: the template's settings, the request's timeout")
    check(json.loads(iot.get_job_document(jobId="boto-from-custom")["document"]) == {"fw": "2.0"},
          "GetJobDocument of a job from a custom template")
    expect_error(iot, "InvalidRequestException", 400, "documentParameters with a custom template",
                 iot.create_job, jobId="boto-params", targets=[arn("thing", "boto-dev")],
                 jobTemplateArn=arn("jobtemplate", "boto-fw"), documentParameters={"a": "b"})
    expect_error(iot, "ResourceNotFoundException", 404, "CreateJob from an unknown template",
                 iot.create_job, jobId="boto-unknown", targets=[arn("thing", "boto-dev")],
                 jobTemplateArn=arn("jobtemplate", "boto-nothing"))

    iot.create_job_template(jobTemplateId="boto-copy", description="copy",
                            jobArn=arn("job", "boto-from-custom"))
    check(json.loads(iot.describe_job_template(jobTemplateId="boto-copy")["document"]) == {"fw": "2.0"},
          "CreateJobTemplate from a job")

    iot.delete_job_template(jobTemplateId="boto-fw")
    expect_error(iot, "ResourceNotFoundException", 404, "DeleteJobTemplate twice",
                 iot.delete_job_template, jobTemplateId="boto-fw")
    check(iot.describe_job(jobId="boto-from-custom")["job"]["jobTemplateArn"] == arn("jobtemplate", "boto-fw"),
          "a job keeps its template's ARN after the template is deleted")


def managed_templates(iot):
    # No paginator in this botocore: nextToken by hand, three at a time.
    names = []
    kwargs = {"maxResults": 3}
    pages = 0
    while True:
        page = iot.list_managed_job_templates(**kwargs)
        pages += 1
        names += [t["templateName"] for t in page["managedJobTemplates"]]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    check(pages >= 2 and len(names) == len(set(names)), f"ListManagedJobTemplates pages ({names})")
    for wanted in ("AWS-Reboot", "AWS-Run-Command", "AWS-Download-File", "AWS-Install-Application"):
        check(wanted in names, f"ListManagedJobTemplates lists {wanted}")
    only = iot.list_managed_job_templates(templateName="AWS-Reboot")["managedJobTemplates"]
    check(len(only) == 1 and only[0]["templateArn"] == managed_arn("AWS-Reboot")
          and only[0]["environments"] == ["LINUX"] and only[0]["templateVersion"] == "1.0",
          "ListManagedJobTemplates by name")
    expect_error(iot, "ResourceNotFoundException", 404, "ListManagedJobTemplates of an unknown name",
                 iot.list_managed_job_templates, templateName="AWS-Nothing")

    d = iot.describe_managed_job_template(templateName="AWS-Download-File")
    params = {p["key"]: p for p in d["documentParameters"]}
    check(set(params) == {"downloadUrl", "filePath", "runAsUser", "pathToHandler"}
          and params["downloadUrl"]["regex"] == "(.*?)" and not params["downloadUrl"]["optional"]
          and params["pathToHandler"]["regex"] == "(.){0,4096}" and params["pathToHandler"]["optional"]
          and "${aws:iot:parameter:filePath}" in d["document"], "DescribeManagedJobTemplate of AWS-Download-File")
    expect_error(iot, "ResourceNotFoundException", 404, "DescribeManagedJobTemplate of an unknown version",
                 iot.describe_managed_job_template, templateName="AWS-Reboot", templateVersion="3.0")

    iot.create_job(jobId="boto-run", targets=[arn("thing", "boto-dev")],
                   jobTemplateArn=managed_arn("AWS-Run-Command"), documentParameters={"command": "echo ok"})
    doc = json.loads(iot.get_job_document(jobId="boto-run")["document"])
    check(doc["steps"][0]["action"]["input"]["command"] == "echo ok", "AWS-Run-Command's command is substituted")
    # This botocore's model has no beforeSubstitution yet: add the query
    # parameter before the request is signed.
    def before_substitution(request, **kwargs):
        request.url += ("&" if "?" in request.url else "?") + "beforeSubstitution=true"

    iot.meta.events.register("before-sign.iot.GetJobDocument", before_substitution)
    raw = json.loads(iot.get_job_document(jobId="boto-run")["document"])
    iot.meta.events.unregister("before-sign.iot.GetJobDocument", before_substitution)
    check(raw["steps"][0]["action"]["input"]["command"] == "${aws:iot:parameter:command}",
          "GetJobDocument beforeSubstitution keeps the placeholder")
    job = iot.describe_job(jobId="boto-run")["job"]
    check(job["documentParameters"] == {"command": "echo ok"}
          and job["jobTemplateArn"] == managed_arn("AWS-Run-Command"), "DescribeJob of a job from a managed template")
    expect_error(iot, "InvalidRequestException", 400, "a missing required parameter",
                 iot.create_job, jobId="boto-missing", targets=[arn("thing", "boto-dev")],
                 jobTemplateArn=managed_arn("AWS-Install-Application"))
    expect_error(iot, "InvalidRequestException", 400, "a value failing its pattern",
                 iot.create_job, jobId="boto-pattern", targets=[arn("thing", "boto-dev")],
                 jobTemplateArn=managed_arn("AWS-Reboot"), documentParameters={"runAsUser": "u" * 257})


def event_configurations(iot):
    d = iot.describe_event_configurations()
    check(d["eventConfigurations"]["JOB"] == {"Enabled": False} and len(d["eventConfigurations"]) == 11
          and isinstance(d["creationDate"], datetime.datetime), "DescribeEventConfigurations: all off at first")
    iot.update_event_configurations(eventConfigurations={"JOB": {"Enabled": True},
                                                         "JOB_EXECUTION": {"Enabled": True}})
    d = iot.describe_event_configurations()
    check(d["eventConfigurations"]["JOB"]["Enabled"] and d["eventConfigurations"]["JOB_EXECUTION"]["Enabled"]
          and not d["eventConfigurations"]["THING"]["Enabled"], "UpdateEventConfigurations")
    iot.update_event_configurations(eventConfigurations={"JOB": {"Enabled": False}})
    d = iot.describe_event_configurations()
    check(not d["eventConfigurations"]["JOB"]["Enabled"] and d["eventConfigurations"]["JOB_EXECUTION"]["Enabled"],
          "UpdateEventConfigurations merges")


def main():
    iot = client()
    custom_templates(iot)
    managed_templates(iot)
    event_configurations(iot)
    print(f"all {checks} checks passed", flush=True)


if __name__ == "__main__":
    main()
