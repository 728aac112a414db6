// js-jobs-data.cjs — the AWS SDK for JavaScript v3's IoT Jobs data plane
// client (@aws-sdk/client-iot-jobs-data-plane, signing as `iot-jobs-data`)
// and its IoT client against the sandbox's HTTPS planes: the JobsSandbox
// walkthrough from Node. Run by test-jobs-data-clients.c with NODE_PATH,
// JD_ENDPOINT, JD_DATA_ENDPOINT, JD_CA, JD_ACCESS_KEY and JD_SECRET_KEY set.
//
// SPDX-License-Identifier: GPL-3.0-or-later

"use strict";

const fs = require("fs");
const https = require("https");
const iot = require("@aws-sdk/client-iot");
const data = require("@aws-sdk/client-iot-jobs-data-plane");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

const agent = new https.Agent({ ca: fs.readFileSync(process.env.JD_CA) });
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const THING = "JsDataThing";
let checks = 0;

function options(endpoint) {
  return {
    region: REGION,
    endpoint,
    credentials: { accessKeyId: process.env.JD_ACCESS_KEY, secretAccessKey: process.env.JD_SECRET_KEY },
    requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
    maxAttempts: 1,
  };
}

function check(condition, what) {
  checks++;
  if (!condition) {
    console.log(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

async function expectError(promise, name, status, what) {
  try {
    await promise;
  } catch (e) {
    check(e.name === name && e.$metadata.httpStatusCode === status,
          `${what}: ${name} ${status} (got ${e.name} ${e.$metadata && e.$metadata.httpStatusCode})`);
    return e;
  }
  check(false, `${what}: expected ${name}`);
  return null;
}

async function main() {
  const control = new iot.IoTClient(options(process.env.JD_ENDPOINT));
  const device = new data.IoTJobsDataPlaneClient(options(process.env.JD_DATA_ENDPOINT));
  const arn = `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${THING}`;

  await control.send(new iot.CreateThingCommand({ thingName: THING }));
  for (const jobId of ["js-1", "js-2"])
    await control.send(new iot.CreateJobCommand({ jobId, targets: [arn], document: JSON.stringify({ op: jobId }) }));
  check(true, "CreateThing, CreateJob ×2 (control plane)");

  const pending = await device.send(new data.GetPendingJobExecutionsCommand({ thingName: THING }));
  check(pending.queuedJobs.map((j) => j.jobId).join() === "js-1,js-2" && pending.inProgressJobs.length === 0
        && typeof pending.queuedJobs[0].queuedAt === "number" && pending.queuedJobs[0].queuedAt < 1e11,
        "GetPendingJobExecutions (timestamps in epoch seconds)");

  const started = await device.send(new data.StartNextPendingJobExecutionCommand({
    thingName: THING, statusDetails: { step: "download" }, stepTimeoutInMinutes: 10 }));
  const e = started.execution;
  check(e.jobId === "js-1" && e.status === "IN_PROGRESS" && e.thingName === THING
        && e.statusDetails.step === "download" && e.versionNumber === 2
        && JSON.parse(e.jobDocument).op === "js-1", "StartNextPendingJobExecution");

  const described = await device.send(new data.DescribeJobExecutionCommand({
    thingName: THING, jobId: "js-1", includeJobDocument: false, executionNumber: 1 }));
  check(described.execution.status === "IN_PROGRESS" && described.execution.jobDocument === undefined,
        "DescribeJobExecution (query: includeJobDocument, executionNumber)");
  const next = await device.send(new data.DescribeJobExecutionCommand({ thingName: THING, jobId: "$next" }));
  check(next.execution.jobId === "js-1", "DescribeJobExecution $next");

  await expectError(device.send(new data.UpdateJobExecutionCommand({
    thingName: THING, jobId: "js-1", status: "IN_PROGRESS", expectedVersion: 9 })),
    "InvalidStateTransitionException", 409, "UpdateJobExecution with a stale version");
  const updated = await device.send(new data.UpdateJobExecutionCommand({
    thingName: THING, jobId: "js-1", status: "SUCCEEDED", statusDetails: { step: "done" }, expectedVersion: 2,
    includeJobExecutionState: true, includeJobDocument: true }));
  check(updated.executionState.status === "SUCCEEDED" && updated.executionState.versionNumber === 3
        && JSON.parse(updated.jobDocument).op === "js-1", "UpdateJobExecution");

  await expectError(device.send(new data.DescribeJobExecutionCommand({ thingName: THING, jobId: "js-1" })),
                    "TerminalStateException", 410, "DescribeJobExecution of a terminal execution");
  await expectError(device.send(new data.DescribeJobExecutionCommand({ thingName: THING, jobId: "nope" })),
                    "ResourceNotFoundException", 404, "DescribeJobExecution of an unknown job");
  await expectError(device.send(new data.UpdateJobExecutionCommand({ thingName: THING, jobId: "js-2",
                                                                      status: "IN_PROGRESS",
                                                                      statusDetails: { k: "a\u0000b" } })),
                    "InvalidRequestException", 400, "a NUL in statusDetails is refused");

  const control_view = await control.send(new iot.DescribeJobExecutionCommand({ jobId: "js-1", thingName: THING }));
  check(control_view.execution.status === "SUCCEEDED", "the control plane sees the device's update");

  const wrong = new data.IoTJobsDataPlaneClient({ ...options(process.env.JD_DATA_ENDPOINT),
                                                  credentials: { accessKeyId: process.env.JD_ACCESS_KEY,
                                                                 secretAccessKey: "wrong" } });
  await expectError(wrong.send(new data.GetPendingJobExecutionsCommand({ thingName: THING })),
                    "InvalidSignatureException", 403, "a wrong secret");

  console.log(`${checks} checks passed`);
}

main().catch((e) => {
  console.log(`FAILED: ${e.name}: ${e.message}`);
  process.exit(1);
});
