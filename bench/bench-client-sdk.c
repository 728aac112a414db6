/* bench-client-sdk.c — our JdJobsClient versus AWS's JS v2 IotJobsClient
 * (bench/sdk-client.js, run with node) doing the same requests against the
 * same sandbox: chains of (GetPendingJobExecutions, DescribeJobExecution,
 * UpdateJobExecution IN_PROGRESS with a step), each request awaited before
 * the chain's next. Sequential: one chain of ITERATIONS; in flight:
 * IN_FLIGHT chains of ITERATIONS_IN_FLIGHT at once. Both connect first; only
 * the requests are timed. ROUNDS rounds alternate the two clients; the
 * rows are medians (one run of each took a few hundred milliseconds and
 * moved 2× between runs with the machine's load).
 *
 * Both sides run with TCP_NODELAY: JdJobsClient sets it itself; the SDK's
 * socket does not, so node runs with the jd-bench-nodelay shim preloaded
 * (LD_PRELOAD), and the run is refused unless the shim reports the socket.
 * Otherwise the row would measure Nagle's algorithm on loopback (~45 ms per
 * request), not the clients.
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

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "jd-bench.h"
#include "jd-jobs-client.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define THING       "BenchThing"
#define JOB_ID      "bench-job"
#define ITERATIONS            500
#define IN_FLIGHT             16
#define ITERATIONS_IN_FLIGHT  60
#define ROUNDS                5

typedef struct {
  JdJobsClient *client;
  guint         iterations;
  guint         step;      /* request number, 0 .. 3 × iterations */
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
  if (seq->step >= 3 * seq->iterations)
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

/* Runs sdk-client.js with @in_flight chains of @iterations; returns its
 * elapsed milliseconds, or < 0 with @why. */
static double
run_sdk (JdSandbox  *sb,
         const char *cert,
         const char *key,
         guint       in_flight,
         guint       iterations_per_chain,
         char      **why)
{
  const char *node_path = g_getenv ("JD_BENCH_NODE_PATH");
  const char *script = g_getenv ("JD_BENCH_SDK_SCRIPT");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sb));
  g_autofree char *iterations = g_strdup_printf ("%u", iterations_per_chain);
  g_autofree char *chains = g_strdup_printf ("%u", in_flight);
  g_autofree char *mark = NULL;
  g_autofree char *marked = NULL;
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
  g_subprocess_launcher_setenv (launcher, "IN_FLIGHT", chains, TRUE);
  g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", JD_BENCH_NODELAY_PATH, TRUE);
  mark = g_build_filename (g_get_tmp_dir (), "jd-bench-nodelay-XXXXXX", NULL);
  {
    int fd = g_mkstemp (mark);

    if (fd < 0)
      jd_bench_die ("%s: %s", mark, g_strerror (errno));
    close (fd);
  }
  g_subprocess_launcher_setenv (launcher, "JD_BENCH_NODELAY_MARK", mark, TRUE);
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
  g_file_get_contents (mark, &marked, NULL, NULL);
  g_unlink (mark);
  if (marked == NULL || marked[0] == '\0')
    {
      *why = g_strdup ("the TCP_NODELAY shim did not reach the SDK's socket");
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

/* @chains sequences of @iterations each at once on @client; the elapsed
 * milliseconds. */
static double
run_ours (JdJobsClient *client,
          guint         chains,
          guint         iterations)
{
  g_autofree Sequence *seqs = g_new0 (Sequence, chains);
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 120 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, tick_cb, NULL);
  double ms;

  for (guint i = 0; i < chains; i++)
    {
      seqs[i].client = client;
      seqs[i].iterations = iterations;
      run_step (&seqs[i]);
    }
  for (guint i = 0; i < chains; i++)
    while (!seqs[i].done && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  ms = jd_bench_elapsed (start) * 1000;
  g_source_remove (tick);
  for (guint i = 0; i < chains; i++)
    if (!seqs[i].done || seqs[i].error != NULL)
      jd_bench_die ("JdJobsClient chain %u failed at step %u: %s", i, seqs[i].step,
                    seqs[i].error ? seqs[i].error->message : "timed out");
  return ms;
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
  g_autoptr(GArray) ours_seq = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ours_par = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sdk_seq = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sdk_par = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratio_seq = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratio_par = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *why = NULL;
  JdStoreJobSpec spec = { 0 };
  JdStoreJob *job;
  JdService *service;
  JdSandbox *sb;
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

  /* ROUNDS rounds, each: ours (sequential, then in flight), then the SDK
   * (the same); the rows give the medians of the rounds' figures and of
   * their ratios, as a shared machine's load moves between runs of a few
   * hundred milliseconds. One connection at a time: the broker gives both
   * the thing's client id (its certificate's name). */
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(JdMqttConnection) connection = NULL;
      g_autoptr(JdJobsClient) client = NULL;
      double ours_ms, ours_par_ms, sdk_ms, sdk_par_ms = -1;
      gboolean synced = FALSE;
      gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

      connection = jd_mqtt_connection_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), THING);
      jd_mqtt_connection_set_tls_files (connection, jd_sandbox_get_ca_path (sb), cert, key, NULL);
      client = jd_jobs_client_new (connection, THING);
      jd_mqtt_connection_connect (connection);
      while (!(synced = jd_jobs_client_get_synced (client)) && g_get_monotonic_time () < deadline)
        jd_test_spin (10);
      if (!synced)
        jd_bench_die ("JdJobsClient did not connect and sync");

      ours_ms = run_ours (client, 1, ITERATIONS);
      ours_par_ms = run_ours (client, IN_FLIGHT, ITERATIONS_IN_FLIGHT);
      jd_mqtt_connection_disconnect (connection);
      g_clear_object (&client);
      g_clear_object (&connection);
      jd_test_spin (100);

      sdk_ms = run_sdk (sb, cert, key, 1, ITERATIONS, &why);
      if (sdk_ms > 0)
        sdk_par_ms = run_sdk (sb, cert, key, IN_FLIGHT, ITERATIONS_IN_FLIGHT, &why);
      if (sdk_ms <= 0 || sdk_par_ms <= 0)
        break;
      g_array_append_val (ours_seq, ours_ms);
      g_array_append_val (ours_par, ours_par_ms);
      g_array_append_val (sdk_seq, sdk_ms);
      g_array_append_val (sdk_par, sdk_par_ms);
      g_array_append_vals (ratio_seq, (double[]) { sdk_ms / ours_ms }, 1);
      g_array_append_vals (ratio_par, (double[]) { sdk_par_ms / ours_par_ms }, 1);
      fprintf (stderr, "client-sdk: round %u: sequential ours %.0f ms, sdk %.0f ms (%.2f×); "
               "%u in flight ours %.0f ms, sdk %.0f ms (%.2f×)\n", round + 1, ours_ms, sdk_ms, sdk_ms / ours_ms,
               IN_FLIGHT, ours_par_ms, sdk_par_ms, sdk_par_ms / ours_par_ms);
      jd_test_spin (100);
    }

  if (ratio_seq->len < ROUNDS)
    jd_bench_row_skipped ("Device client: JdJobsClient vs AWS JS v2 IotJobsClient", why);
  else
    {
      const double seq_requests = 3 * ITERATIONS;
      const double par_requests = 3 * IN_FLIGHT * ITERATIONS_IN_FLIGHT;

      g_snprintf (a, sizeof a, "%.0f req/s", seq_requests / (jd_bench_percentile (ours_seq, 50) / 1000));
      g_snprintf (b, sizeof b, "%.0f req/s", seq_requests / (jd_bench_percentile (sdk_seq, 50) / 1000));
      jd_bench_row ("Device client: JdJobsClient vs AWS JS v2 IotJobsClient, both with TCP_NODELAY ("
                    G_STRINGIFY (ITERATIONS) " × get-pending, describe, update; medians of "
                    G_STRINGIFY (ROUNDS) " alternating rounds)",
                    "throughput, sequential", a, b, jd_bench_percentile (ratio_seq, 50), "≥ 1.5×");
      g_snprintf (a, sizeof a, "%.0f req/s", par_requests / (jd_bench_percentile (ours_par, 50) / 1000));
      g_snprintf (b, sizeof b, "%.0f req/s", par_requests / (jd_bench_percentile (sdk_par, 50) / 1000));
      jd_bench_row ("Device client",
                    "throughput, " G_STRINGIFY (IN_FLIGHT) " chains in flight", a, b,
                    jd_bench_percentile (ratio_par, 50), "≥ 1.5×");
    }
  fprintf (stderr, "client-sdk: %u requests sequential, %u with %u in flight per round; the SDK with the TCP_NODELAY shim\n",
           3 * ITERATIONS, 3 * IN_FLIGHT * ITERATIONS_IN_FLIGHT, IN_FLIGHT);

  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
  return 0;
}
