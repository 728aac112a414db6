/* bench-group-rollout.c — a job for a thing group of 10,000 things (issue
 * 12, item 10): the things made with certificates in one batch
 * (jd_sandbox_add_things_async), put in a static group through the control
 * plane (AddThingToThingGroup), then one CreateJob whose only target is the
 * group's ARN, timed until every thing's `notify` has reached a subscriber
 * with the operator's observer identity; versus the same 20,000 messages (a
 * notify and a notify-next per thing, as AWS sends for a new job) published
 * raw at QoS 1 with the same sizes to the same topics on the same broker,
 * the service disconnected, the same subscriber.
 *
 * The service runs in this process on the main loop, as in the app; a 1 ms
 * timer on that loop records its longest gap from the CreateJob until the
 * last notify (target: no stall over 50 ms), and the same timer during the
 * raw publishes gives the machine's own noise.
 *
 * Not measured here: the devices running the job to completion (bench-fleet
 * does that for 1,000 real device clients; 10,000 connections would measure
 * the process's file-descriptor limit, not the service).
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-group-rollout"

#include <stdio.h>
#include <string.h>

#include "jd-bench.h"
#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define N_THINGS      10000
#define CONCURRENCY   16
#define THING_FORMAT  "Grp%05u"
#define GROUP         "bench-fleet"

typedef struct {
  JdControlPlane *cp;
  guint           next;
  guint           done;
  guint           in_flight;
  char           *failure;
} Members;

typedef struct {
  gint64 last;
  gint64 longest;
} Gaps;

static gboolean
gap_tick (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  if (gaps->last != 0 && now - gaps->last > gaps->longest)
    gaps->longest = now - gaps->last;
  gaps->last = now;
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until every notify arrived (or 120 s), recording its
 * gaps; returns the time of the last notify. */
static gint64
wait_all (JdBenchNotifies *counter,
          Gaps            *gaps)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  guint timer;
  guint count = 0;
  gint64 last = 0;

  *gaps = (Gaps) { 0 };
  timer = g_timeout_add (1, gap_tick, gaps);
  while (g_get_monotonic_time () < deadline)
    {
      count = jd_bench_notifies_get (counter, &last);
      if (count >= N_THINGS)
        {
          g_source_remove (timer);
          return last;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  jd_bench_die ("only %u of %u notify messages arrived", count, N_THINGS);
}

static void add_next_member (Members *members);

static void
member_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  Members *members = data;
  g_autoptr(GError) error = NULL;

  members->in_flight--;
  if (!jd_control_plane_add_thing_to_thing_group_finish (JD_CONTROL_PLANE (object), result, &error))
    {
      if (members->failure == NULL)
        members->failure = g_strdup (error->message);
      return;
    }
  members->done++;
  add_next_member (members);
}

static void
add_next_member (Members *members)
{
  g_autofree char *name = NULL;

  if (members->next >= N_THINGS || members->failure != NULL)
    return;
  name = g_strdup_printf (THING_FORMAT, members->next++);
  members->in_flight++;
  jd_control_plane_add_thing_to_thing_group_async (members->cp, GROUP, name, NULL, member_added_cb, members);
}

static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (*slot == NULL)
    jd_bench_die ("no answer within 5 minutes");
  return *slot;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) group = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *observer_cert = NULL;
  g_autofree char *observer_key = NULL;
  g_autofree char *group_arn = NULL;
  GAsyncResult *result = NULL;
  JdBenchNotifies counter;
  Members members = { 0 };
  Gaps ours_gaps, raw_gaps;
  struct mosquitto *subscriber, *publisher;
  gint64 start, last, t0;
  double ours_ms, raw_ms, things_s, members_s;
  JdSandbox *sb;
  char a[64], b[64];

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

  /* 10,000 things with their certificates, in one batch. */
  for (guint i = 0; i < N_THINGS; i++)
    g_ptr_array_add (names, g_strdup_printf (THING_FORMAT, i));
  g_ptr_array_add (names, NULL);
  t0 = g_get_monotonic_time ();
  jd_sandbox_add_things_async (sb, (const char * const *) names->pdata, NULL, async_done_cb, &result);
  if (!jd_sandbox_add_things_finish (sb, wait_result (&result), &error))
    jd_bench_die ("things: %s", error->message);
  g_clear_object (&result);
  things_s = jd_bench_elapsed (t0);

  /* The group, and every thing in it through the control plane. */
  jd_control_plane_create_thing_group_async (cp, GROUP, NULL, NULL, NULL, async_done_cb, &result);
  group = jd_control_plane_create_thing_group_finish (cp, wait_result (&result), &error);
  if (group == NULL)
    jd_bench_die ("CreateThingGroup: %s", error->message);
  g_clear_object (&result);
  group_arn = g_strdup (json_object_get_string_member (json_node_get_object (group), "thingGroupArn"));
  t0 = g_get_monotonic_time ();
  members.cp = cp;
  for (guint i = 0; i < CONCURRENCY; i++)
    add_next_member (&members);
  while ((members.done < N_THINGS && members.failure == NULL) || members.in_flight > 0)
    {
      if (jd_bench_elapsed (t0) > 300)
        jd_bench_die ("adding the things to the group took over 5 minutes (%u)", members.done);
      g_main_context_iteration (NULL, TRUE);
    }
  if (members.failure != NULL)
    jd_bench_die ("AddThingToThingGroup: %s", members.failure);
  members_s = jd_bench_elapsed (t0);

  jd_bench_notifies_init (&counter);
  if (!jd_test_sandbox_issue_identity (sandbox, JD_SANDBOX_OBSERVER_IDENTITY, &observer_cert, &observer_key, &error))
    jd_bench_die ("observer identity: %s", error->message);
  subscriber = jd_bench_mosq_connect (JD_SANDBOX_OBSERVER_IDENTITY, jd_sandbox_get_mqtt_port (sb),
                                      jd_sandbox_get_ca_path (sb), observer_cert, observer_key, jd_bench_notifies_message, &counter);
  jd_bench_mosq_subscribe (subscriber, "$aws/things/+/jobs/notify");
  jd_bench_mosq_subscribe (subscriber, "$aws/things/+/jobs/notify-next");

  /* The job: the group's ARN as its only target. */
  {
    const char *targets[] = { group_arn, NULL };

    start = g_get_monotonic_time ();
    jd_control_plane_create_job_async (cp, "group-job", targets, "{\"operation\":\"reboot\"}", NULL,
                                       JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, async_done_cb, &result);
    last = wait_all (&counter, &ours_gaps);
    ours_ms = (last - start) / 1000.0;
    job = jd_control_plane_create_job_finish (cp, wait_result (&result), &error);
    if (job == NULL)
      jd_bench_die ("CreateJob: %s", error->message);
    g_clear_object (&result);
  }

  /* The baseline, as bench-fanout's: the service goes first (its own
   * wildcard subscription would take every raw publish too). */
  jd_test_spin (500);
  jd_service_stop (jd_sandbox_get_service (sb));
  jd_test_spin (200);
  jd_bench_notifies_reset (&counter);
  publisher = jd_bench_mosq_connect ("bench-group-pub", jd_sandbox_get_mqtt_port (sb),
                                     jd_sandbox_get_ca_path (sb), jd_sandbox_get_service_cert_path (sb),
                                     jd_sandbox_get_service_key_path (sb), NULL, NULL);
  start = g_get_monotonic_time ();
  jd_bench_publish_raw_notifies (publisher, &counter, THING_FORMAT, N_THINGS);
  last = wait_all (&counter, &raw_gaps);
  raw_ms = (last - start) / 1000.0;

  g_snprintf (a, sizeof a, "%.0f ms", ours_ms);
  g_snprintf (b, sizeof b, "%.0f ms", raw_ms);
  jd_bench_row ("Group job: CreateJob for a thing group of 10,000 → 10,000 notify + notify-next "
                "(vs the same 20,000 raw publishes)",
                "time to the last notify (lower is better)", a, b, ours_ms / raw_ms, "");
  g_snprintf (a, sizeof a, "%.1f ms", ours_gaps.longest / 1000.0);
  g_snprintf (b, sizeof b, "%.1f ms", raw_gaps.longest / 1000.0);
  jd_bench_row ("Group job", "longest gap of a 1 ms timer on the service's main loop meanwhile (lower is better)",
                a, b, raw_gaps.longest > 0 ? (double) ours_gaps.longest / raw_gaps.longest : 0, "≤ 50 ms");
  g_snprintf (a, sizeof a, "%.1f s", things_s);
  jd_bench_row ("Group job", "10,000 things with certificates made (one batch; lower is better)",
                a, "60 s", things_s / 60.0, "under a minute");
  fprintf (stderr, "group-rollout: %u things made in %.1f s, put in the group in %.1f s (%u at a time); "
           "notify %zu bytes, notify-next %zu bytes\n",
           N_THINGS, things_s, members_s, CONCURRENCY, counter.payload_size, counter.next_payload_size);

  jd_bench_mosq_free (publisher);
  jd_bench_mosq_free (subscriber);
  jd_bench_notifies_clear (&counter);
  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
  return 0;
}
