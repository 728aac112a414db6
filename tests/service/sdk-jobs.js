// sdk-jobs.js — drives the sandbox's device API with AWS's own device SDK
// (npm aws-iot-device-sdk-v2, the IotJobsClient of its iotjobs module) over
// mutual TLS, and checks what it gets back. Run by test-sdk-conformance.c with
// NODE_PATH pointing at the SDK the test installed, and the connection in the
// environment: SANDBOX_PORT, SANDBOX_CA, THING_CERT, THING_KEY, THING_NAME.
// Expects two QUEUED jobs, Job1 then Job2, whose document is {"operation":"reboot"}.
// Prints one JSON line with what it saw; exits non-zero on any mismatch.
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const assert = require('assert');
const { mqtt, iot, iotjobs } = require('aws-iot-device-sdk-v2');

const env = process.env;
const thingName = env.THING_NAME;
const QOS = mqtt.QoS.AtLeastOnce;
const TIMEOUT_MS = 10000;

function waiter() {
  const queues = new Map();
  return {
    push(key, value) {
      const q = queues.get(key) || { items: [], waiting: [] };
      queues.set(key, q);
      if (q.waiting.length) q.waiting.shift()(value); else q.items.push(value);
    },
    next(key) {
      const q = queues.get(key) || { items: [], waiting: [] };
      queues.set(key, q);
      if (q.items.length) return Promise.resolve(q.items.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for ' + key)), TIMEOUT_MS);
        q.waiting.push((v) => { clearTimeout(timer); resolve(v); });
      });
    },
  };
}

async function main() {
  const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(env.THING_CERT, env.THING_KEY);
  builder.with_certificate_authority_from_path(undefined, env.SANDBOX_CA);
  builder.with_endpoint('127.0.0.1');
  builder.with_port(Number(env.SANDBOX_PORT));
  builder.with_client_id(thingName);
  builder.with_clean_session(true);
  const connection = new mqtt.MqttClient().new_connection(builder.build());
  await connection.connect();

  const jobs = new iotjobs.IotJobsClient(connection);
  const w = waiter();
  const cb = (key) => (error, response) => w.push(key, { error, response });

  await jobs.subscribeToGetPendingJobExecutionsAccepted({ thingName }, QOS, cb('get'));
  await jobs.subscribeToGetPendingJobExecutionsRejected({ thingName }, QOS, cb('get-rejected'));
  await jobs.subscribeToStartNextPendingJobExecutionAccepted({ thingName }, QOS, cb('start-next'));
  await jobs.subscribeToStartNextPendingJobExecutionRejected({ thingName }, QOS, cb('start-next-rejected'));
  await jobs.subscribeToDescribeJobExecutionAccepted({ thingName, jobId: '$next' }, QOS, cb('describe-next'));
  await jobs.subscribeToDescribeJobExecutionAccepted({ thingName, jobId: 'Job2' }, QOS, cb('describe-job2'));
  await jobs.subscribeToUpdateJobExecutionAccepted({ thingName, jobId: 'Job1' }, QOS, cb('update'));
  await jobs.subscribeToUpdateJobExecutionRejected({ thingName, jobId: 'Job1' }, QOS, cb('update-rejected'));
  await jobs.subscribeToNextJobExecutionChangedEvents({ thingName }, QOS, cb('next-changed'));
  await jobs.subscribeToJobExecutionsChangedEvents({ thingName }, QOS, cb('changed'));

  const seen = {};

  // GetPendingJobExecutions
  await jobs.publishGetPendingJobExecutions({ thingName, clientToken: 'sdk-get' }, QOS);
  let r = await w.next('get');
  assert.ifError(r.error);
  assert.deepStrictEqual(r.response.queuedJobs.map((j) => j.jobId), ['Job1', 'Job2']);
  assert.deepStrictEqual(r.response.inProgressJobs, []);
  assert.strictEqual(r.response.clientToken, 'sdk-get');
  assert.strictEqual(r.response.queuedJobs[0].versionNumber, 1);
  seen.pending = r.response.queuedJobs.map((j) => j.jobId);

  // DescribeJobExecution of $next, with the document as an object
  await jobs.publishDescribeJobExecution({ thingName, jobId: '$next', includeJobDocument: true }, QOS);
  r = await w.next('describe-next');
  assert.ifError(r.error);
  assert.strictEqual(r.response.execution.jobId, 'Job1');
  assert.strictEqual(r.response.execution.status, iotjobs.model.JobStatus.QUEUED);
  assert.strictEqual(r.response.execution.jobDocument.operation, 'reboot');
  seen.next = r.response.execution.jobId;

  // StartNextPendingJobExecution
  await jobs.publishStartNextPendingJobExecution({ thingName, stepTimeoutInMinutes: 10,
                                                   statusDetails: { step: '1' } }, QOS);
  r = await w.next('start-next');
  assert.ifError(r.error);
  assert.strictEqual(r.response.execution.jobId, 'Job1');
  assert.strictEqual(r.response.execution.status, iotjobs.model.JobStatus.IN_PROGRESS);
  assert.strictEqual(r.response.execution.versionNumber, 2);
  assert.deepStrictEqual(r.response.execution.statusDetails, { step: '1' });
  seen.started = r.response.execution.jobId;

  // UpdateJobExecution with a stale version is rejected with the state...
  await jobs.publishUpdateJobExecution({ thingName, jobId: 'Job1', status: iotjobs.model.JobStatus.SUCCEEDED,
                                         expectedVersion: 1 }, QOS);
  r = await w.next('update-rejected');
  assert.strictEqual(r.response.code, iotjobs.model.RejectedErrorCode.VERSION_MISMATCH);
  assert.strictEqual(r.response.executionState.versionNumber, 2);
  seen.rejected = r.response.code;

  // ...and with the right one it succeeds and Job2 becomes next.
  await jobs.publishUpdateJobExecution({ thingName, jobId: 'Job1', status: iotjobs.model.JobStatus.SUCCEEDED,
                                         expectedVersion: 2, includeJobExecutionState: true }, QOS);
  r = await w.next('update');
  assert.ifError(r.error);
  assert.strictEqual(r.response.executionState.status, iotjobs.model.JobStatus.SUCCEEDED);
  assert.strictEqual(r.response.executionState.versionNumber, 3);
  r = await w.next('next-changed');
  assert.strictEqual(r.response.execution.jobId, 'Job2');
  r = await w.next('changed');
  assert.deepStrictEqual(r.response.jobs.QUEUED.map((j) => j.jobId), ['Job2']);
  seen.nextAfterUpdate = 'Job2';

  await jobs.publishDescribeJobExecution({ thingName, jobId: 'Job2' }, QOS);
  r = await w.next('describe-job2');
  assert.ifError(r.error);
  assert.strictEqual(r.response.execution.status, iotjobs.model.JobStatus.QUEUED);
  assert.ok(r.response.timestamp > 1e9 && r.response.timestamp < 1e10, 'timestamp in seconds');

  await connection.disconnect();
  console.log(JSON.stringify({ ok: true, seen }));
}

main().then(() => process.exit(0), (error) => {
  console.error('sdk-jobs: ' + (error && error.stack ? error.stack : error));
  process.exit(1);
});
