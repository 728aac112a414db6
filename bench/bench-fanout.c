/* bench-fanout.c — fan-out: one CreateJob (signed HTTPS to the local
 * service) targeting 1,000 things, timed until all 1,000 `notify` messages
 * have reached a wildcard subscriber (the tests' jobs reader) on
 * $aws/things/+/jobs/notify (it takes notify-next too); versus the same
 * 2,000 messages — per thing a notify and a notify-next, as AWS sends for
 * a new job — published raw at QoS 1 with the same sizes to the same topics
 * on the same broker, with the service disconnected so that only the same
 * subscriber receives them.
 *
 * AWS documents no upper bound on CreateJob's `targets` (reference:
 * "at least 1"), so the 1,000 things go in one request. The things are
 * created first through the control plane (CreateThing; a target needs no
 * certificate).
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-fanout"

#include <stdio.h>
#include <string.h>

#include "jd-bench.h"
#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-service.h"
#include "jd-sandbox-private.h"
#include "jd-test-sandbox.h"

#define N_THINGS      1000
#define CONCURRENCY   8
#define THING_FORMAT  "Fan%04u"

typedef struct {
  JdControlPlane *cp;
  guint           next;
  guint           created;
  guint           in_flight;
  gboolean        failed;
} Things;

/* Spins the main loop until all N_THINGS arrived (or 60 s); the time of the last. */
static gint64
wait_all (JdBenchNotifies *counter)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 last = 0;
  guint count = 0;

  while (g_get_monotonic_time () < deadline)
    {
      count = jd_bench_notifies_get (counter, &last);
      if (count >= N_THINGS)
        return last;
      jd_test_spin (1);
    }
  jd_bench_die ("only %u of %u notify messages arrived", count, N_THINGS);
}

static void create_next_thing (Things *things);

static void
thing_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      data)
{
  Things *things = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = jd_control_plane_create_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  things->in_flight--;
  if (thing == NULL)
    {
      g_printerr ("bench: CreateThing: %s\n", error->message);
      things->failed = TRUE;
      return;
    }
  things->created++;
  create_next_thing (things);
}

static void
create_next_thing (Things *things)
{
  g_autofree char *name = NULL;

  if (things->next >= N_THINGS || things->failed)
    return;
  name = g_strdup_printf (THING_FORMAT, things->next++);
  things->in_flight++;
  jd_control_plane_create_thing_async (things->cp, name, NULL, NULL, thing_created_cb, things);
}

static void
job_created_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &error);

  if (job == NULL)
    jd_bench_die ("CreateJob: %s", error->message);
  *(gboolean *) data = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *endpoint = NULL;
  g_autofree char *reader_cert = NULL;
  g_autofree char *reader_key = NULL;
  JdBenchNotifies counter;
  Things things = { 0 };
  struct mosquitto *subscriber, *publisher;
  gboolean job_done = FALSE;
  gint64 start, last, setup_start;
  double ours_ms, raw_ms, setup_s;
  JdSandbox *sb;
  char a[64], b[64];

  /* The wildcard reader that counts the things' topics (the observer
   * identity reads only $aws/events/#). */
  jd_sandbox_set_jobs_reader_for_test (JD_TEST_JOBS_READER);
  sandbox = jd_test_sandbox_new (NULL, &error);
  if (sandbox == NULL)
    jd_bench_die ("sandbox: %s", error->message);
  sb = jd_test_sandbox_get_sandbox (sandbox);
  endpoint = jd_sandbox_dup_endpoint (sb);
  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (sb),
                                    jd_sandbox_get_secret_access_key (sb), NULL, JD_SANDBOX_REGION);
  cp = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sb), credentials, &error);
  if (cp == NULL)
    jd_bench_die ("control plane: %s", error->message);

  /* The things, CONCURRENCY requests at a time. */
  setup_start = g_get_monotonic_time ();
  things.cp = cp;
  for (guint i = 0; i < CONCURRENCY; i++)
    create_next_thing (&things);
  while ((things.created < N_THINGS && !things.failed) || things.in_flight > 0)
    {
      if (jd_bench_elapsed (setup_start) > 120)
        jd_bench_die ("creating the things took over 2 minutes (%u)", things.created);
      g_main_context_iteration (NULL, TRUE);
    }
  if (things.failed)
    jd_bench_die ("CreateThing failed");
  setup_s = jd_bench_elapsed (setup_start);

  jd_bench_notifies_init (&counter);
  /* The tests' jobs reader (it may read every thing's jobs topics, as the
   * operator's observer once could): the broker binds a client id to its
   * certificate's name, so the service's own identity here would push the
   * service off the broker. */
  if (!jd_test_sandbox_issue_identity (sandbox, JD_TEST_JOBS_READER, &reader_cert, &reader_key, &error))
    jd_bench_die ("reader identity: %s", error->message);
  subscriber = jd_bench_mosq_connect (JD_TEST_JOBS_READER, jd_sandbox_get_mqtt_port (sb),
                                      jd_sandbox_get_ca_path (sb), reader_cert, reader_key, jd_bench_notifies_message, &counter);
  jd_bench_mosq_subscribe (subscriber, "$aws/things/+/jobs/notify");
  /* The same subscriber takes both messages on both sides. */
  jd_bench_mosq_subscribe (subscriber, "$aws/things/+/jobs/notify-next");

  for (guint i = 0; i < N_THINGS; i++)
    g_ptr_array_add (targets, g_strdup_printf ("arn:aws:iot:%s:%s:thing/" THING_FORMAT,
                                               JD_SANDBOX_REGION, JD_SANDBOX_ACCOUNT_ID, i));
  g_ptr_array_add (targets, NULL);

  start = g_get_monotonic_time ();
  jd_control_plane_create_job_async (cp, "fanout-job", (const char * const *) targets->pdata,
                                     "{\"operation\":\"reboot\"}", NULL, JD_TARGET_SELECTION_SNAPSHOT,
                                     0, NULL, job_created_cb, &job_done);
  last = wait_all (&counter);
  ours_ms = (last - start) / 1000.0;
  if (!jd_test_wait_until (&job_done, 30000))
    jd_bench_die ("no reply to CreateJob");

  /* The baseline: the same number of messages of the same size, raw, to a
   * broker with the same subscriber and nothing else. The service goes first:
   * its own subscription ($aws/things/+/jobs/#) would otherwise receive every
   * raw publish too, a second delivery per message that the measurement of
   * Jobdeck never has (the service does not get its own notifies back: MQTT 5
   * No Local), and the baseline would look slower than it is. */
  jd_test_spin (500);
  jd_service_stop (jd_sandbox_get_service (sb));
  jd_test_spin (200);
  jd_bench_notifies_reset (&counter);
  publisher = jd_bench_mosq_connect ("bench-fanout-pub", jd_sandbox_get_mqtt_port (sb),
                                     jd_sandbox_get_ca_path (sb), jd_sandbox_get_service_cert_path (sb),
                                     jd_sandbox_get_service_key_path (sb), NULL, NULL);
  /* Per thing, the messages the service must send for a new job, in its
   * order: notify, then (the job becomes the thing's next) notify-next —
   * AWS sends both; the subscriber takes both and counts the notify. */
  start = g_get_monotonic_time ();
  jd_bench_publish_raw_notifies (publisher, &counter, THING_FORMAT, N_THINGS);
  last = wait_all (&counter);
  raw_ms = (last - start) / 1000.0;

  g_snprintf (a, sizeof a, "%.0f ms", ours_ms);
  g_snprintf (b, sizeof b, "%.0f ms", raw_ms);
  jd_bench_row ("Fan-out: CreateJob → 1,000 notify + notify-next (vs the same 2,000 raw publishes)",
                "time to the last notify (lower is better)", a, b, ours_ms / raw_ms, "≤ 1.5×");
  fprintf (stderr, "fanout: notify payload %zu bytes, notify-next %zu bytes; creating %u things took %.1f s\n",
           counter.payload_size, counter.next_payload_size, N_THINGS, setup_s);

  jd_bench_mosq_free (publisher);
  jd_bench_mosq_free (subscriber);
  jd_bench_notifies_clear (&counter);
  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
  return 0;
}
