// sdk-client.js — AWS's JS v2 device SDK (npm aws-iot-device-sdk-v2, its
// IotJobsClient) doing the same sequence of requests as bench-client-sdk.c
// against the same sandbox: ITERATIONS times GetPendingJobExecutions,
// DescribeJobExecution(JOB_ID), UpdateJobExecution(JOB_ID, IN_PROGRESS,
// statusDetails.step), each awaited before the next. Run by bench-client-sdk
// with NODE_PATH set and the connection in the environment (SANDBOX_PORT,
// SANDBOX_CA, THING_CERT, THING_KEY, THING_NAME, JOB_ID, ITERATIONS).
// Prints one JSON line: { requests, elapsed_ms }.
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const { mqtt, iot, iotjobs } = require('aws-iot-device-sdk-v2');

const env = process.env;
const thingName = env.THING_NAME;
const jobId = env.JOB_ID;
const iterations = Number(env.ITERATIONS);
const QOS = mqtt.QoS.AtLeastOnce;
const TIMEOUT_MS = 10000;

function waiter() {
  const queues = new Map();
  const q = (key) => {
    if (!queues.has(key)) queues.set(key, { items: [], waiting: [] });
    return queues.get(key);
  };
  return {
    push(key, value) {
      const k = q(key);
      if (k.waiting.length) k.waiting.shift()(value); else k.items.push(value);
    },
    next(key) {
      const k = q(key);
      if (k.items.length) return Promise.resolve(k.items.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for ' + key)), TIMEOUT_MS);
        k.waiting.push((v) => { clearTimeout(timer); resolve(v); });
      });
    },
  };
}

async function main() {
  const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(env.THING_CERT, env.THING_KEY);
  builder.with_certificate_authority_from_path(undefined, env.SANDBOX_CA);
  builder.with_endpoint('127.0.0.1');
  builder.with_port(Number(env.SANDBOX_PORT));
  builder.with_client_id(thingName + '-sdk');
  builder.with_clean_session(true);
  const connection = new mqtt.MqttClient().new_connection(builder.build());
  await connection.connect();

  const jobs = new iotjobs.IotJobsClient(connection);
  const w = waiter();
  const cb = (key) => (error, response) => w.push(key, error ? { error } : { response });
  const check = (r, what) => { if (r.error) throw new Error(what + ': ' + r.error); return r.response; };

  await jobs.subscribeToGetPendingJobExecutionsAccepted({ thingName }, QOS, cb('get'));
  await jobs.subscribeToGetPendingJobExecutionsRejected({ thingName }, QOS, cb('get'));
  await jobs.subscribeToDescribeJobExecutionAccepted({ thingName, jobId }, QOS, cb('describe'));
  await jobs.subscribeToDescribeJobExecutionRejected({ thingName, jobId }, QOS, cb('describe-rejected'));
  await jobs.subscribeToUpdateJobExecutionAccepted({ thingName, jobId }, QOS, cb('update'));
  await jobs.subscribeToUpdateJobExecutionRejected({ thingName, jobId }, QOS, cb('update-rejected'));

  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    await jobs.publishGetPendingJobExecutions({ thingName, clientToken: 'g' + i }, QOS);
    check(await w.next('get'), 'get-pending');
    await jobs.publishDescribeJobExecution({ thingName, jobId, clientToken: 'd' + i }, QOS);
    check(await w.next('describe'), 'describe');
    await jobs.publishUpdateJobExecution({ thingName, jobId, status: iotjobs.model.JobStatus.IN_PROGRESS,
                                           statusDetails: { step: String(i) }, clientToken: 'u' + i }, QOS);
    check(await w.next('update'), 'update');
  }
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;

  await connection.disconnect();
  console.log(JSON.stringify({ requests: iterations * 3, elapsed_ms: elapsedMs }));
}

main().then(() => process.exit(0), (error) => {
  console.error('sdk-client: ' + (error && error.stack ? error.stack : error));
  process.exit(1);
});
