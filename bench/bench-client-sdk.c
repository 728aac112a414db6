/* bench-client-sdk.c — our JdJobsClient versus AWS's JS v2 IotJobsClient
 * (bench/sdk-client.js, run with node) doing the same sequence of requests
 * against the same sandbox: ITERATIONS × (GetPendingJobExecutions,
 * DescribeJobExecution, UpdateJobExecution IN_PROGRESS with a step), each
 * awaited before the next. Both connect first; only the sequence is timed.
 *
 * The SDK comes from npm (bench/run.sh installs it into bench/node_modules
 * and passes JD_BENCH_NODE_PATH); without it the row says why it was skipped
 * (JD_BENCH_SDK_SKIP).
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-client-sdk"

#include <stdio.h>

#include "jd-bench.h"
#include "jd-jobs-client.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define THING       "BenchThing"
#define JOB_ID      "bench-job"
#define ITERATIONS  150

typedef struct {
  JdJobsClient *client;
  guint         step;      /* request number, 0 .. 3 × ITERATIONS */
  gboolean      done;
  GError       *error;
} Sequence;

static void run_step (Sequence *seq);

static void
step_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  Sequence *seq = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  switch (seq->step % 3)
    {
    case 0:
      {
        g_autoptr(GListModel) pending = jd_jobs_client_get_pending_finish (seq->client, result, &error);
        ok = pending != NULL;
      }
      break;
    case 1:
      {
        g_autoptr(JdExecution) e = jd_jobs_client_describe_finish (seq->client, result, &error);
        ok = e != NULL;
      }
      break;
    default:
      {
        g_autoptr(JdExecution) e = jd_jobs_client_update_finish (seq->client, result, &error);
        ok = e != NULL;
      }
      break;
    }
  if (!ok)
    {
      seq->error = error != NULL ? g_steal_pointer (&error)
                                 : g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "no execution");
      seq->done = TRUE;
      return;
    }
  seq->step++;
  run_step (seq);
}

static void
run_step (Sequence *seq)
{
  if (seq->step >= 3 * ITERATIONS)
    {
      seq->done = TRUE;
      return;
    }
  switch (seq->step % 3)
    {
    case 0:
      jd_jobs_client_get_pending_async (seq->client, NULL, step_done_cb, seq);
      break;
    case 1:
      jd_jobs_client_describe_async (seq->client, JOB_ID, -1, FALSE, NULL, step_done_cb, seq);
      break;
    default:
      {
        g_autoptr(GHashTable) details = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
        JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

        g_hash_table_insert (details, "step", g_strdup_printf ("%u", seq->step / 3));
        options.status_details = details;
        jd_jobs_client_update_async (seq->client, JOB_ID, JD_EXECUTION_STATUS_IN_PROGRESS, &options,
                                     NULL, step_done_cb, seq);
      }
      break;
    }
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_until (gboolean *done,
               guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, tick_cb, NULL);  /* checks the deadline */

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static void
node_exited_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  GError **error = g_object_get_data (object, "bench-error");
  char **out = g_object_get_data (object, "bench-out");

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, out, NULL, error);
  *(gboolean *) data = TRUE;
}

/* Runs sdk-client.js; returns its elapsed milliseconds, or < 0 with @why. */
static double
run_sdk (JdSandbox  *sb,
         const char *cert,
         const char *key,
         char      **why)
{
  const char *node_path = g_getenv ("JD_BENCH_NODE_PATH");
  const char *script = g_getenv ("JD_BENCH_SDK_SCRIPT");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sb));
  g_autofree char *iterations = g_strdup_printf ("%u", ITERATIONS);
  g_autofree char *out = NULL;
  GError *run_error = NULL;
  gboolean exited = FALSE;
  JsonObject *object;

  if (g_getenv ("JD_BENCH_SDK_SKIP") != NULL)
    {
      *why = g_strdup (g_getenv ("JD_BENCH_SDK_SKIP"));
      return -1;
    }
  if (node_path == NULL || script == NULL)
    {
      *why = g_strdup ("JD_BENCH_NODE_PATH and JD_BENCH_SDK_SCRIPT are not set (run bench/run.sh)");
      return -1;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "NODE_PATH", node_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "SANDBOX_PORT", port, TRUE);
  g_subprocess_launcher_setenv (launcher, "SANDBOX_CA", jd_sandbox_get_ca_path (sb), TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_CERT", cert, TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_KEY", key, TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_NAME", THING, TRUE);
  g_subprocess_launcher_setenv (launcher, "JOB_ID", JOB_ID, TRUE);
  g_subprocess_launcher_setenv (launcher, "ITERATIONS", iterations, TRUE);
  node = g_subprocess_launcher_spawn (launcher, &error, "node", script, NULL);
  if (node == NULL)
    {
      *why = g_strdup_printf ("node could not run: %s", error->message);
      return -1;
    }
  /* The service answers on this main loop while node runs. */
  g_object_set_data (G_OBJECT (node), "bench-error", &run_error);
  g_object_set_data (G_OBJECT (node), "bench-out", &out);
  g_subprocess_communicate_utf8_async (node, NULL, NULL, node_exited_cb, &exited);
  iterate_until (&exited, 120);
  if (!exited)
    {
      g_subprocess_force_exit (node);
      *why = g_strdup ("the SDK run took over 2 minutes");
      return -1;
    }
  if (run_error != NULL || !g_subprocess_get_successful (node) || out == NULL)
    {
      *why = g_strdup_printf ("the SDK run failed%s%s", run_error ? ": " : "",
                              run_error ? run_error->message : "");
      g_clear_error (&run_error);
      return -1;
    }
  root = json_from_string (out, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *why = g_strdup ("the SDK run printed no result");
      return -1;
    }
  object = json_node_get_object (root);
  return json_object_get_double_member_with_default (object, "elapsed_ms", -1);
}

int
main (int   argc,
      char *argv[])
{
  const char *things[] = { THING, NULL };
  const char *names[] = { THING, NULL };
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/" THING, NULL };
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdMqttConnection) connection = NULL;
  g_autoptr(JdJobsClient) client = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *why = NULL;
  JdStoreJobSpec spec = { 0 };
  Sequence seq = { 0 };
  gboolean synced = FALSE;
  JdStoreJob *job;
  JdService *service;
  JdSandbox *sb;
  gint64 start;
  double ours_ms, sdk_ms;
  char a[64], b[64];

  sandbox = jd_test_sandbox_new (things, &error);
  if (sandbox == NULL)
    jd_bench_die ("sandbox: %s", error->message);
  sb = jd_test_sandbox_get_sandbox (sandbox);
  service = jd_sandbox_get_service (sb);
  spec.job_id = JOB_ID;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"reboot\"}";
  job = jd_store_create_job (jd_service_get_store (service), &spec, &error);
  if (job == NULL)
    jd_bench_die ("create job: %s", error->message);
  jd_store_job_free (job);
  /* Both clients send faster than AWS's emulated 200 requests/s quota. */
  jd_store_set_request_rate (jd_service_get_store (service), 0);
  if (!jd_sandbox_get_thing_files (sb, THING, &cert, &key))
    jd_bench_die ("no certificate for %s", THING);

  connection = jd_mqtt_connection_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), THING);
  jd_mqtt_connection_set_tls_files (connection, jd_sandbox_get_ca_path (sb), cert, key, NULL);
  client = jd_jobs_client_new (connection, THING);
  jd_mqtt_connection_connect (connection);
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (!(synced = jd_jobs_client_get_synced (client)) && g_get_monotonic_time () < deadline)
      jd_test_spin (10);
  }
  if (!synced)
    jd_bench_die ("JdJobsClient did not connect and sync");

  seq.client = client;
  start = g_get_monotonic_time ();
  run_step (&seq);
  iterate_until (&seq.done, 120);
  ours_ms = jd_bench_elapsed (start) * 1000;
  if (!seq.done || seq.error != NULL)
    jd_bench_die ("JdJobsClient sequence failed at step %u: %s", seq.step,
                  seq.error ? seq.error->message : "timed out");
  jd_mqtt_connection_disconnect (connection);

  sdk_ms = run_sdk (sb, cert, key, &why);
  g_snprintf (a, sizeof a, "%.0f req/s", 3 * ITERATIONS / (ours_ms / 1000));
  if (sdk_ms <= 0)
    jd_bench_row_skipped ("Device client: JdJobsClient vs AWS JS v2 IotJobsClient", why);
  else
    {
      g_snprintf (b, sizeof b, "%.0f req/s", 3 * ITERATIONS / (sdk_ms / 1000));
      jd_bench_row ("Device client: JdJobsClient vs AWS JS v2 IotJobsClient (" G_STRINGIFY (ITERATIONS)
                    " × get-pending, describe, update; sequential)",
                    "throughput", a, b, sdk_ms / ours_ms, "");
    }
  fprintf (stderr, "client-sdk: ours %.0f ms, sdk %.0f ms for %u requests\n", ours_ms, sdk_ms, 3 * ITERATIONS);

  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
  return 0;
}
