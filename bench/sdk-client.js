// sdk-client.js — AWS's JS v2 device SDK (npm aws-iot-device-sdk-v2, its
// IotJobsClient) doing the same sequence of requests as bench-client-sdk.c
// against the same sandbox: IN_FLIGHT chains (default 1) each run ITERATIONS
// times GetPendingJobExecutions, DescribeJobExecution(JOB_ID),
// UpdateJobExecution(JOB_ID, IN_PROGRESS, statusDetails.step), each request
// awaited before the chain's next; replies are matched by clientToken. Run by
// bench-client-sdk with NODE_PATH set (and LD_PRELOAD of the TCP_NODELAY shim)
// and the connection in the environment (SANDBOX_PORT, SANDBOX_CA,
// THING_CERT, THING_KEY, THING_NAME, JOB_ID, ITERATIONS, IN_FLIGHT).
// Prints one JSON line: { requests, elapsed_ms }.
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const { mqtt, iot, iotjobs } = require('aws-iot-device-sdk-v2');

const env = process.env;
const thingName = env.THING_NAME;
const jobId = env.JOB_ID;
const iterations = Number(env.ITERATIONS);
const inFlight = Number(env.IN_FLIGHT || 1);
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
  // Every reply, accepted or rejected, carries the request's clientToken.
  const cb = () => (error, response) => {
    if (error) { console.error('sdk-client: ' + error); return; }
    w.push(response.clientToken, { response });
  };
  const rejected = () => (error, response) => {
    if (error) { console.error('sdk-client: ' + error); return; }
    w.push(response.clientToken, { error: JSON.stringify(response) });
  };
  const check = (r, what) => { if (r.error) throw new Error(what + ': ' + r.error); return r.response; };

  await jobs.subscribeToGetPendingJobExecutionsAccepted({ thingName }, QOS, cb());
  await jobs.subscribeToGetPendingJobExecutionsRejected({ thingName }, QOS, rejected());
  await jobs.subscribeToDescribeJobExecutionAccepted({ thingName, jobId }, QOS, cb());
  await jobs.subscribeToDescribeJobExecutionRejected({ thingName, jobId }, QOS, rejected());
  await jobs.subscribeToUpdateJobExecutionAccepted({ thingName, jobId }, QOS, cb());
  await jobs.subscribeToUpdateJobExecutionRejected({ thingName, jobId }, QOS, rejected());

  const chain = async (c) => {
    for (let i = 0; i < iterations; i++) {
      const g = 'g' + c + '-' + i, d = 'd' + c + '-' + i, u = 'u' + c + '-' + i;
      const got = w.next(g);
      await jobs.publishGetPendingJobExecutions({ thingName, clientToken: g }, QOS);
      check(await got, 'get-pending');
      const described = w.next(d);
      await jobs.publishDescribeJobExecution({ thingName, jobId, clientToken: d }, QOS);
      check(await described, 'describe');
      const updated = w.next(u);
      await jobs.publishUpdateJobExecution({ thingName, jobId, status: iotjobs.model.JobStatus.IN_PROGRESS,
                                             statusDetails: { step: String(i) }, clientToken: u }, QOS);
      check(await updated, 'update');
    }
  };

  const start = process.hrtime.bigint();
  const chains = [];
  for (let c = 0; c < inFlight; c++) chains.push(chain(c));
  await Promise.all(chains);
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;

  await connection.disconnect();
  console.log(JSON.stringify({ requests: iterations * 3 * inFlight, elapsed_ms: elapsedMs }));
}

main().then(() => process.exit(0), (error) => {
  console.error('sdk-client: ' + (error && error.stack ? error.stack : error));
  process.exit(1);
});
