// js-v3-conformance.cjs — the AWS SDK for JavaScript v3 (@aws-sdk/client-iot,
// which signs as `iot` and signs extra headers such as amz-sdk-invocation-id)
// against the local control plane over HTTPS. Run by test-js-sdk.c with
// NODE_PATH pointing at its node_modules and JD_ENDPOINT / JD_CA set.
//
// SPDX-License-Identifier: GPL-3.0-or-later

"use strict";

const fs = require("fs");
const https = require("https");
const iot = require("@aws-sdk/client-iot");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

const agent = new https.Agent({ ca: fs.readFileSync(process.env.JD_CA) });
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
let checks = 0;

function client(secret) {
  return new iot.IoTClient({
    region: REGION,
    endpoint: process.env.JD_ENDPOINT,
    credentials: { accessKeyId: "AKIDJSV3TEST", secretAccessKey: secret },
    requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
    maxAttempts: 1,
  });
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
    return;
  }
  check(false, `${what}: expected ${name}`);
}

async function main() {
  const c = client("js/v3+secret");
  const arn = `arn:aws:iot:${REGION}:${ACCOUNT}:thing/js:thing`;

  const thing = await c.send(new iot.CreateThingCommand({ thingName: "js:thing",
                                                          attributePayload: { attributes: { a: "b" } } }));
  check(thing.thingArn === arn && thing.$metadata.requestId.length === 36, "CreateThing");
  const job = await c.send(new iot.CreateJobCommand({ jobId: "js-job", targets: [arn],
                                                      document: JSON.stringify({ op: "x" }) }));
  check(job.jobArn === `arn:aws:iot:${REGION}:${ACCOUNT}:job/js-job`, "CreateJob");
  const described = await c.send(new iot.DescribeJobCommand({ jobId: "js-job" }));
  check(described.job.status === "IN_PROGRESS" && described.job.createdAt instanceof Date
        && Math.abs(Date.now() - described.job.createdAt.getTime()) < 120000, "DescribeJob (timestamps in seconds)");
  const doc = await c.send(new iot.GetJobDocumentCommand({ jobId: "js-job" }));
  check(JSON.parse(doc.document).op === "x", "GetJobDocument");
  for (let i = 0; i < 3; i++)
    await c.send(new iot.CreateJobCommand({ jobId: `js-more-${i}`, targets: [arn], document: "{}" }));
  const ids = [];
  for await (const page of iot.paginateListJobs({ client: c, pageSize: 2 }, {}))
    ids.push(...page.jobs.map((j) => j.jobId));
  check(ids.join() === "js-job,js-more-0,js-more-1,js-more-2", `ListJobs paginator (${ids})`);
  const forThing = await c.send(new iot.ListJobExecutionsForThingCommand({ thingName: "js:thing", status: "QUEUED" }));
  check(forThing.executionSummaries.length === 4, "ListJobExecutionsForThing");
  const forJob = await c.send(new iot.ListJobExecutionsForJobCommand({ jobId: "js-job" }));
  check(forJob.executionSummaries[0].thingArn === arn, "ListJobExecutionsForJob");
  await c.send(new iot.CancelJobExecutionCommand({ jobId: "js-job", thingName: "js:thing", expectedVersion: 1,
                                                   statusDetails: { why: "js" } }));
  const exec = await c.send(new iot.DescribeJobExecutionCommand({ jobId: "js-job", thingName: "js:thing" }));
  check(exec.execution.status === "CANCELED" && exec.execution.statusDetails.detailsMap.why === "js",
        "CancelJobExecution + DescribeJobExecution");
  await expectError(c.send(new iot.CancelJobExecutionCommand({ jobId: "js-job", thingName: "js:thing" })),
                    "InvalidStateTransitionException", 409, "CancelJobExecution twice");
  await expectError(c.send(new iot.CreateJobCommand({ jobId: "js-job", targets: [arn], document: "{}" })),
                    "ResourceAlreadyExistsException", 409, "CreateJob with an existing id");
  await expectError(c.send(new iot.DescribeThingCommand({ thingName: "nobody" })),
                    "ResourceNotFoundException", 404, "DescribeThing of a missing thing");
  await c.send(new iot.CancelJobCommand({ jobId: "js-more-0", reasonCode: "JS" }));
  await c.send(new iot.DeleteJobCommand({ jobId: "js-more-0" }));
  await c.send(new iot.DeleteJobExecutionCommand({ jobId: "js-more-1", thingName: "js:thing", executionNumber: 1,
                                                   force: true }));
  await expectError(c.send(new iot.DeleteJobCommand({ jobId: "js-more-2" })),
                    "InvalidStateTransitionException", 409, "DeleteJob of an IN_PROGRESS job without force");
  const things = await c.send(new iot.ListThingsCommand({}));
  check(things.things.length === 1 && things.things[0].attributes.a === "b", "ListThings");
  const ep = await c.send(new iot.DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
  check(typeof ep.endpointAddress === "string" && ep.endpointAddress.length > 0, "DescribeEndpoint");
  await c.send(new iot.DeleteThingCommand({ thingName: "js:thing" }));
  check(true, "DeleteThing");
  await expectError(client("wrong").send(new iot.ListJobsCommand({})), "InvalidSignatureException", 403,
                    "a wrong secret key");
  console.log(`all ${checks} checks passed`);
}

main().catch((e) => {
  console.log(`FAILED: ${e.name}: ${e.message}`);
  process.exit(1);
});
