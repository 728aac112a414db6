/* bench-fleet.c — 1,000 simulated devices complete a job: the daemon's
 * fleet (jd-service-fleet.c: things made in one batch, one JdFleet of
 * JdDeviceAgents on the main loop) runs a two-step Device Client job,
 * timed from CreateJob (signed HTTPS) until every device has its final
 * SUCCEEDED accepted; versus the same number of raw request/reply round
 * trips through the same broker: the same 1,000 thing identities on the
 * same MQTT client (JdMqttConnection) in the same main loop, each woken by
 * a notify-next and then doing its share of the round trips one after the
 * other against an echo responder (the jobs-service identity, a libmosquitto
 * client in its own thread), the service disconnected.
 *
 * Also: the process's CPU seconds per device over each run, and the
 * resident size each device adds once connected (malloc_trim() before each
 * measurement, so the raw clients cannot hide in what the fleet freed).
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-fleet"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "jd-bench.h"
#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-service.h"
#include "jd-service-fleet.h"
#include "jd-sandbox-private.h"
#include "jd-test-sandbox.h"

/* bench-fleet [N]: 1,000 devices unless told. */
static guint n_devices = 1000;
#define N_DEVICES n_devices
#define DOC_TWO_STEPS \
  "{\"version\":\"1.0\",\"steps\":[" \
  "{\"action\":{\"name\":\"Download\",\"type\":\"runHandler\",\"input\":{\"handler\":\"download-file.sh\"}}}," \
  "{\"action\":{\"name\":\"Install\",\"type\":\"runCommand\",\"input\":{\"command\":\"apt-get,install,foo\"}}}]}"
/* About the size of a device's update with statusDetails. */
#define RAW_PAYLOAD_SIZE 150

typedef struct {
  GMutex lock;
  guint  count;
} Counter;

typedef struct _Raw Raw;

typedef struct {
  GPtrArray *raws;
  guint      subscribed;
  guint      finished;
  guint      round_trips;
  gint64     last_at;
  GBytes    *payload;
} Baseline;

struct _Raw {
  Baseline         *baseline;
  JdMqttConnection *connection;
  char             *request_topic;
  guint             left;
};

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* ---- the Jobdeck side ---- */

static void
count_cb (struct mosquitto               *mosq,
          void                           *data,
          const struct mosquitto_message *message)
{
  Counter *counter = data;

  g_mutex_lock (&counter->lock);
  counter->count++;
  g_mutex_unlock (&counter->lock);
}

static void
fleet_started_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  guint *online = data;
  g_autoptr(GError) error = NULL;

  if (!jd_service_fleet_start_finish (JD_SERVICE_FLEET (source), result, online, &error))
    jd_bench_die ("fleet: %s", error->message);
  if (*online == 0)
    *online = G_MAXUINT;   /* "done", none online: caught below */
}

static void
things_added_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!jd_sandbox_add_things_finish (JD_SANDBOX (source), result, &error))
    jd_bench_die ("things: %s", error->message);
  *(guint *) data = 1;
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

/* ---- the baseline ---- */

static void
echo_cb (struct mosquitto               *mosq,
         void                           *data,
         const struct mosquitto_message *message)
{
  g_autofree char *reply = NULL;

  if (!g_str_has_suffix (message->topic, "/update"))
    return;
  reply = g_strconcat (message->topic, "/accepted", NULL);
  mosquitto_publish (mosq, NULL, reply, message->payloadlen, message->payload, 1, false);
}

static void
raw_send (Raw *raw)
{
  jd_mqtt_connection_publish_async (raw->connection, raw->request_topic, raw->baseline->payload, 1,
                                    NULL, NULL, NULL);
}

static void
raw_message_cb (JdMqttConnection *connection,
                const char       *topic,
                GBytes           *payload,
                Raw              *raw)
{
  if (g_str_has_suffix (topic, "/notify-next"))
    {
      raw_send (raw);
      return;
    }
  if (!g_str_has_suffix (topic, "/accepted") || raw->left == 0)
    return;
  raw->baseline->round_trips++;
  if (--raw->left > 0)
    {
      raw_send (raw);
      return;
    }
  raw->baseline->finished++;
  raw->baseline->last_at = g_get_monotonic_time ();
}

static void
raw_subscribed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Baseline *baseline = data;
  g_autoptr(GError) error = NULL;

  if (!jd_mqtt_connection_subscribe_finish (JD_MQTT_CONNECTION (source), result, &error))
    jd_bench_die ("raw subscribe: %s", error->message);
  baseline->subscribed++;
}

static void
raw_free (Raw *raw)
{
  jd_mqtt_connection_disconnect (raw->connection);
  g_signal_handlers_disconnect_by_data (raw->connection, raw);
  g_object_unref (raw->connection);
  g_free (raw->request_topic);
  g_free (raw);
}

/* Before and after the batch call: COMPARE_THINGS things made one by one,
 * each waited for (what CreateThings one after the other do: a batch of one
 * thing each, key, ACL and sandbox.json per thing, in the worker thread),
 * against as many in one jd_sandbox_add_things_async(); total time and the
 * longest gap of a 1 ms timer on the main loop. A note, not a row. */
#define COMPARE_THINGS 200

typedef struct {
  gint64 last;
  gint64 longest;
} Gap;

static gboolean
tick_cb (gpointer data)
{
  Gap *gap = data;
  gint64 now = g_get_monotonic_time ();

  gap->longest = MAX (gap->longest, now - gap->last);
  gap->last = now;
  return G_SOURCE_CONTINUE;
}

static void
compare_thing_creation (JdSandbox *sb)
{
  g_auto(GStrv) batch = g_new0 (char *, COMPARE_THINGS + 1);
  gint64 start;
  double solo_s, batch_s;
  guint done = 0, tick;
  Gap gap;

  gap.last = g_get_monotonic_time ();
  gap.longest = 0;
  tick = g_timeout_add (1, tick_cb, &gap);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < COMPARE_THINGS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Solo-%03u", i + 1);
      const char *names[] = { name, NULL };

      done = 0;
      jd_sandbox_add_things_async (sb, names, NULL, things_added_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
  solo_s = jd_bench_elapsed (start);
  g_source_remove (tick);
  fprintf (stderr, "fleet: %u things one by one (jd_sandbox_add_things_async each, CreateThing's path): %.2f s, "
           "the longest gap of a 1 ms timer meanwhile %.1f ms\n",
           COMPARE_THINGS, solo_s, gap.longest / 1000.0);

  done = 0;
  for (guint i = 0; i < COMPARE_THINGS; i++)
    batch[i] = g_strdup_printf ("Batch-%03u", i + 1);
  gap.last = g_get_monotonic_time ();
  gap.longest = 0;
  tick = g_timeout_add (1, tick_cb, &gap);
  start = g_get_monotonic_time ();
  jd_sandbox_add_things_async (sb, (const char * const *) batch, NULL, things_added_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  batch_s = jd_bench_elapsed (start);
  g_source_remove (tick);
  fprintf (stderr, "fleet: %u things in one batch (jd_sandbox_add_things_async): %.2f s (%.1f× faster), "
           "the longest gap of a 1 ms timer meanwhile %.1f ms\n",
           COMPARE_THINGS, batch_s, solo_s / batch_s, gap.longest / 1000.0);
}

static void
spin_until (guint      *value,
            guint       target,
            guint       seconds,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (*value < target)
    {
      if (g_get_monotonic_time () > deadline)
        jd_bench_die ("%s: %u of %u after %u s", what, *value, target, seconds);
      g_main_context_iteration (NULL, TRUE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(JdServiceFleet) fleet = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *endpoint = NULL;
  g_autofree char *filler = NULL;
  g_auto(GStrv) names_owned = NULL;
  guint things_added = 0;
  double things_s;
  JdServiceFleetConfig config = { 0 };
  JdDeviceBehavior behavior = JD_DEVICE_BEHAVIOR_INIT;
  const char * const *names;
  Counter counter = { 0 };
  Baseline baseline = { 0 };
  struct mosquitto *mosq;
  g_autofree char *reader_cert = NULL;
  g_autofree char *reader_key = NULL;
  gboolean job_done = FALSE;
  guint online = 0, succeeded = 0, failed = 0, rejected = 0, per_device, extra;
  g_autofree char *title = NULL;
  gint64 start, setup_start;
  double ours_s, raw_s, ours_cpu, raw_cpu, cpu0, setup_s;
  gsize rss0, ours_rss, raw_rss;
  JdSandbox *sb;
  JdStoreJob *job;
  char a[64], b[64];

  if (argc > 1)
    n_devices = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (n_devices == 0 || n_devices > 9999)
    jd_bench_die ("usage: bench-fleet [N from 1 to 9999]");
  /* The wildcard reader that counts the things' topics (the observer
   * identity reads only $aws/events/#). */
  jd_sandbox_set_jobs_reader_for_test (JD_TEST_JOBS_READER);
  sandbox = jd_test_sandbox_new (NULL, &error);
  if (sandbox == NULL)
    jd_bench_die ("sandbox: %s", error->message);
  sb = jd_test_sandbox_get_sandbox (sandbox);
  /* The service itself, not the emulated AWS quota (200 requests/s). */
  jd_store_set_request_rate (jd_service_get_store (jd_sandbox_get_service (sb)), 0);
  endpoint = jd_sandbox_dup_endpoint (sb);
  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (sb),
                                    jd_sandbox_get_secret_access_key (sb), NULL, JD_SANDBOX_REGION);
  cp = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sb), credentials, &error);
  if (cp == NULL)
    jd_bench_die ("control plane: %s", error->message);

  compare_thing_creation (sb);

  /* The things first: the broker reloads its ACL for them (SIGHUP), which
   * the plain clients below would not survive unharmed. */
  names_owned = jd_service_fleet_make_thing_names ("Bench", N_DEVICES, &error);
  if (names_owned == NULL)
    jd_bench_die ("names: %s", error->message);
  setup_start = g_get_monotonic_time ();
  jd_sandbox_add_things_async (sb, (const char * const *) names_owned, NULL, things_added_cb, &things_added);
  spin_until (&things_added, 1, 600, "things");
  things_s = jd_bench_elapsed (setup_start);

  /* The devices' requests are counted by the tests' jobs reader (the broker
   * makes the identity the client id: a second jobs-service would take the
   * service's session). libmosquitto's own loop thread uses select(), so
   * its clients must hold descriptors below 1,024: this one connects before
   * the devices, the echo after they are gone. */
  g_mutex_init (&counter.lock);
  if (!jd_test_sandbox_issue_identity (sandbox, JD_TEST_JOBS_READER, &reader_cert, &reader_key, &error))
    jd_bench_die ("reader: %s", error->message);
  mosq = jd_bench_mosq_connect (JD_TEST_JOBS_READER, jd_sandbox_get_mqtt_port (sb),
                                jd_sandbox_get_ca_path (sb), reader_cert, reader_key, count_cb, &counter);
  jd_bench_mosq_subscribe (mosq, "$aws/things/+/jobs/get");
  jd_bench_mosq_subscribe (mosq, "$aws/things/+/jobs/start-next");
  jd_bench_mosq_subscribe (mosq, "$aws/things/+/jobs/+/get");
  jd_bench_mosq_subscribe (mosq, "$aws/things/+/jobs/+/update");

  /* The daemon's fleet: steps take no simulated time, so the run measures
   * the machinery, not the documents' sleeps. */
  behavior.step_min_ms = behavior.step_max_ms = 0;
  config.n_devices = N_DEVICES;
  config.prefix = "Bench";
  config.seed = 1;
  config.behavior = behavior;
  fleet = jd_service_fleet_new (sb, &config);
  malloc_trim (0);
  rss0 = jd_bench_rss_kib ();
  setup_start = g_get_monotonic_time ();
  jd_service_fleet_start_async (fleet, 300000, NULL, fleet_started_cb, &online);
  spin_until (&online, 1, 600, "fleet start");
  if (online != N_DEVICES)
    jd_bench_die ("only %u of %u devices connected", online == G_MAXUINT ? 0 : online, N_DEVICES);
  setup_s = jd_bench_elapsed (setup_start);
  fprintf (stderr, "fleet: %u things made (certificates, ACL, sandbox.json, store) in %.1f s, "
           "all devices connected %.1f s later\n", N_DEVICES, things_s, setup_s);
  ours_rss = jd_bench_rss_kib () - rss0;


  names = jd_service_fleet_get_thing_names (fleet);
  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (targets, g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", JD_SANDBOX_REGION,
                                               JD_SANDBOX_ACCOUNT_ID, names[i]));
  g_ptr_array_add (targets, NULL);

  g_mutex_lock (&counter.lock);
  counter.count = 0;   /* the devices' $next/get on connect are not the job's */
  g_mutex_unlock (&counter.lock);
  cpu0 = cpu_seconds ();
  start = g_get_monotonic_time ();
  jd_control_plane_create_job_async (cp, "fleet-job", (const char * const *) targets->pdata, DOC_TWO_STEPS,
                                     NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, job_created_cb, &job_done);
  while (succeeded + failed + rejected < N_DEVICES)
    {
      if (jd_bench_elapsed (start) > 300)
        jd_bench_die ("after 300 s only %u of %u devices finished", succeeded + failed + rejected, N_DEVICES);
      g_main_context_iteration (NULL, TRUE);
      jd_fleet_count_finished (jd_service_fleet_get_fleet (fleet), &succeeded, &failed, &rejected);
    }
  ours_s = jd_bench_elapsed (start);
  ours_cpu = cpu_seconds () - cpu0;
  if (succeeded != N_DEVICES)
    jd_bench_die ("%u succeeded, %u failed, %u rejected", succeeded, failed, rejected);
  job = jd_store_get_job (jd_service_get_store (jd_sandbox_get_service (sb)), "fleet-job", &error);
  if (job == NULL || job->n_succeeded != N_DEVICES)
    jd_bench_die ("the store counts %d SUCCEEDED", job != NULL ? (int) job->n_succeeded : -1);
  jd_store_job_free (job);
  if (!jd_test_wait_until (&job_done, 30000))
    jd_bench_die ("no reply to CreateJob");
  jd_test_spin (300);
  g_mutex_lock (&counter.lock);
  /* The baseline makes exactly as many round trips: the remainder goes
   * one each to the first devices. */
  per_device = counter.count / N_DEVICES;
  extra = counter.count % N_DEVICES;
  fprintf (stderr, "fleet: %u device requests during the job (%.2f per device)\n",
           counter.count, counter.count / (double) N_DEVICES);
  g_mutex_unlock (&counter.lock);
  jd_bench_mosq_free (mosq);
  jd_service_fleet_stop (fleet);
  g_clear_object (&fleet);

  /* The baseline: the service goes (its subscription would answer and
   * take every request), an echo takes its place. */
  jd_service_stop (jd_sandbox_get_service (sb));
  jd_test_spin (200);
  mosq = jd_bench_mosq_connect (JD_SANDBOX_SERVICE_IDENTITY, jd_sandbox_get_mqtt_port (sb),
                                jd_sandbox_get_ca_path (sb), jd_sandbox_get_service_cert_path (sb),
                                jd_sandbox_get_service_key_path (sb), echo_cb, NULL);
  jd_bench_mosq_subscribe (mosq, "$aws/things/+/jobs/+/update");
  filler = g_strnfill (RAW_PAYLOAD_SIZE, 'x');
  baseline.payload = g_bytes_new_static (filler, RAW_PAYLOAD_SIZE);
  baseline.raws = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_free);
  /* What the fleet freed goes back to the system first, or the raw clients
   * would reuse it unseen. */
  malloc_trim (0);
  rss0 = jd_bench_rss_kib ();
  for (guint i = 0; i < N_DEVICES; i++)
    {
      const char *name = names_owned[i];
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;
      g_autofree char *next = g_strdup_printf ("$aws/things/%s/jobs/notify-next", name);
      g_autofree char *accepted = g_strdup_printf ("$aws/things/%s/jobs/bench/update/accepted", name);
      const char *filters[] = { next, accepted, NULL };
      Raw *raw = g_new0 (Raw, 1);

      if (!jd_sandbox_get_thing_files (sb, name, &cert, &key))
        jd_bench_die ("no files for %s", name);
      raw->baseline = &baseline;
      raw->left = per_device + (i < extra ? 1 : 0);
      raw->request_topic = g_strdup_printf ("$aws/things/%s/jobs/bench/update", name);
      raw->connection = jd_mqtt_connection_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), name);
      jd_mqtt_connection_set_tls_files (raw->connection, jd_sandbox_get_ca_path (sb), cert, key, NULL);
      g_signal_connect (raw->connection, "message", G_CALLBACK (raw_message_cb), raw);
      jd_mqtt_connection_subscribe_async (raw->connection, filters, 1, NULL, raw_subscribed_cb, &baseline);
      jd_mqtt_connection_connect (raw->connection);
      g_ptr_array_add (baseline.raws, raw);
    }
  spin_until (&baseline.subscribed, N_DEVICES, 600, "raw clients");
  raw_rss = jd_bench_rss_kib () - rss0;

  cpu0 = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *next = g_strdup_printf ("$aws/things/%s/jobs/notify-next", names_owned[i]);

      if (mosquitto_publish (mosq, NULL, next, RAW_PAYLOAD_SIZE, filler, 1, false) != MOSQ_ERR_SUCCESS)
        jd_bench_die ("kick failed");
    }
  spin_until (&baseline.finished, N_DEVICES, 300, "raw round trips");
  raw_s = (baseline.last_at - start) / (double) G_USEC_PER_SEC;
  raw_cpu = cpu_seconds () - cpu0;

  g_snprintf (a, sizeof a, "%.2f s", ours_s);
  g_snprintf (b, sizeof b, "%.2f s", raw_s);
  title = g_strdup_printf ("Fleet: CreateJob → %u simulated devices SUCCEEDED, a two-step job "
                           "(vs as many raw round trips, same clients and broker)", N_DEVICES);
  jd_bench_row (title, "wall time (lower is better)", a, b, ours_s / raw_s, "");
  g_snprintf (a, sizeof a, "%.2f ms", ours_cpu * 1000 / N_DEVICES);
  g_snprintf (b, sizeof b, "%.2f ms", raw_cpu * 1000 / N_DEVICES);
  jd_bench_row ("Fleet", "CPU per device for the job, devices + responder in one process (lower is better)",
                a, b, ours_cpu / raw_cpu, "");
  g_snprintf (a, sizeof a, "%.1f KiB", ours_rss / (double) N_DEVICES);
  g_snprintf (b, sizeof b, "%.1f KiB", raw_rss / (double) N_DEVICES);
  jd_bench_row ("Fleet", "resident size per connected device (lower is better)", a, b,
                raw_rss > 0 ? (double) ours_rss / raw_rss : 0.0, "");
  fprintf (stderr, "fleet: %u round trips raw (%u or %u per device); CPU %.2f s vs %.2f s in all; "
           "the job took %.2f s\n", baseline.round_trips, per_device, per_device + 1, ours_cpu, raw_cpu, ours_s);

  g_clear_pointer (&baseline.raws, g_ptr_array_unref);
  g_bytes_unref (baseline.payload);
  jd_bench_mosq_free (mosq);
  g_mutex_clear (&counter.lock);
  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
  return 0;
}
