/* test-scheduling.c — a job's schedule (schedulingConfig) and UpdateJob
 * (issue 12, items 6 and 7) against the real jobs service: HTTPS with SigV4
 * for the control plane, SQLite on disk, devices on the real broker over
 * mTLS. JOBDECK_TIME_SCALE makes a minute last minute_ms, from the job's
 * creation on: the 30 minutes AWS requires before startTime pass in a few
 * seconds.
 *
 * SCHEDULED until startTime (DescribeJob and ListJobs say so, no device is
 * told anything) and then the notify; each endBehavior at endTime
 * (STOP_ROLLOUT keeps what was released, CANCEL cancels the QUEUED
 * executions, FORCE_CANCEL the IN_PROGRESS ones too); maintenance windows:
 * a closed one holds every release, an open one releases at the rollout's
 * rate until it closes; a kill -9 of the daemon before startTime and after
 * it (nothing released twice); UpdateJob accepted (the new rate releases
 * what was waiting) and refused in AWS's words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-scheduling"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define ARN_PREFIX "arn:aws:iot:" JD_SANDBOX_REGION ":" JD_SANDBOX_ACCOUNT_ID ":"
#define WAIT_MS (10000 * jd_test_slowdown ())
#define N_THINGS 6

/* One minute of the service's clock, in real milliseconds (per test). */
static double minute_ms;

typedef struct {
  JdTestSandbox *sandbox;
  JdTestClient   client;
  JdTestDevice  *devices[N_THINGS];
} Fixture;

static void
set_minute (double ms)
{
  g_autofree char *scale = NULL;

  minute_ms = ms * jd_test_slowdown ();
  scale = g_strdup_printf ("%g", minute_ms / 60000.0);
  g_setenv ("JOBDECK_TIME_SCALE", scale, TRUE);
}

/* @data: the test's minute in real milliseconds (before the slowdown). */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JdSandbox *sandbox;

  set_minute (GPOINTER_TO_INT (data));
  for (guint i = 0; i < N_THINGS; i++)
    g_ptr_array_add (things, g_strdup_printf ("t%02u", i + 1));
  g_ptr_array_add (things, NULL);
  f->sandbox = jd_test_sandbox_new ((const char *const *) things->pdata, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  jd_test_client_init (&f->client, jd_sandbox_get_ca_path (sandbox), jd_sandbox_get_https_port (sandbox));
  f->client.access_key_id = jd_sandbox_get_access_key_id (sandbox);
  f->client.secret_access_key = jd_sandbox_get_secret_access_key (sandbox);
  for (guint i = 0; i < N_THINGS; i++)
    {
      f->devices[i] = jd_test_device_new (f->sandbox, g_ptr_array_index (things, i), &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_THINGS; i++)
    g_clear_pointer (&f->devices[i], jd_test_device_free);
  jd_test_client_clear (&f->client);
  g_clear_pointer (&f->sandbox, jd_test_sandbox_free);
}

/* ---- helpers ---- */

static JsonObject *
object_of (JdTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static JdTestReply *
call (JdTestClient *client,
      const char   *method,
      const char   *path,
      const char   *body,
      guint         status,
      const char   *error_type)
{
  JdTestReply *reply = jd_test_call (client, method, path, body);

  if (reply->status != status || g_strcmp0 (reply->error_type, error_type) != 0)
    g_error ("%s %s: expected %u %s, got %u %s: %s", method, path, status,
             error_type != NULL ? error_type : "", reply->status,
             reply->error_type != NULL ? reply->error_type : "", reply->body);
  return reply;
}

/* "2026-12-05T09:31:00", UTC. */
static char *
iso_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
}

/* A maintenance window's cron expression for the minute of @t, every day. */
static char *
cron_at (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_strdup_printf ("cron(%d %d * * ? *)", g_date_time_get_minute (dt), g_date_time_get_hour (dt));
}

/* The first whole minute at least @minutes from now (epoch seconds). */
static gint64
minute_from_now (int minutes)
{
  gint64 t = g_get_real_time () / G_USEC_PER_SEC + minutes * 60;

  return (t + 59) / 60 * 60;
}

/* Real milliseconds from now until the service's clock of a job created
 * now reaches @t. */
static double
real_ms_until (gint64 t)
{
  return (double) (t * 1000 - g_get_real_time () / 1000) / 60000.0 * minute_ms;
}

/* CreateJob of @job_id for things t01 … t@n with the members in @settings. */
static void
create_job (JdTestClient *client,
            const char   *job_id,
            guint         n,
            const char   *settings)
{
  g_autoptr(GString) body = g_string_new ("{\"targets\":[");
  g_autofree char *path = g_strdup_printf ("/jobs/%s", job_id);
  g_autoptr(JdTestReply) reply = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (body, "%s\"" ARN_PREFIX "thing/t%02u\"", i > 0 ? "," : "", i + 1);
  g_string_append_printf (body, "],\"document\":\"{\\\"operation\\\":\\\"update\\\"}\"%s%s}",
                          settings[0] != '\0' ? "," : "", settings);
  reply = call (client, "PUT", path, body->str, 200, NULL);
  g_assert_cmpstr (json_object_get_string_member (object_of (reply), "jobId"), ==, job_id);
}

static JdTestReply *
describe_job (JdTestClient *client,
              const char   *job_id)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%s", job_id);

  return call (client, "GET", path, NULL, 200, NULL);
}

static JsonObject *
job_of (JdTestReply *reply)
{
  return json_object_get_object_member (object_of (reply), "job");
}

static char *
job_status (JdTestClient *client,
            const char   *job_id)
{
  g_autoptr(JdTestReply) reply = describe_job (client, job_id);

  return g_strdup (json_object_get_string_member (job_of (reply), "status"));
}

static gint64
process_count (JdTestReply *reply,
               const char  *counter)
{
  return json_object_get_int_member (json_object_get_object_member (job_of (reply), "jobProcessDetails"), counter);
}

/* Waits (with a deadline) until DescribeJob says @status. */
static void
wait_for_job_status (JdTestClient *client,
                     const char   *job_id,
                     const char   *status,
                     gint64        timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      g_autofree char *now = job_status (client, job_id);

      if (g_strcmp0 (now, status) == 0)
        return;
      if (g_get_monotonic_time () > end)
        g_error ("job %s is %s, never %s", job_id, now, status);
      jd_test_spin (20);
    }
}

static char *
notify_next_topic (const char *thing)
{
  return g_strdup_printf ("$aws/things/%s/jobs/notify-next", thing);
}

/* Waits until each of @devices[0 … n) got a notify-next naming a QUEUED
 * execution of @job_id; returns when the last came (real ms since @t0). */
static gint64
collect_arrivals (JdTestDevice **devices,
                  guint          n,
                  const char    *job_id,
                  gint64         t0,
                  gint64         timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  gboolean got[N_THINGS] = { FALSE };
  guint n_got = 0;

  g_assert_cmpuint (n, <=, N_THINGS);
  while (n_got < n && g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *topic = NULL;
          g_autoptr(JsonNode) payload = NULL;
          JsonObject *execution;

          if (got[i])
            continue;
          topic = notify_next_topic (jd_test_device_get_thing (devices[i]));
          payload = jd_test_device_expect (devices[i], topic, 5, NULL);
          if (payload == NULL)
            continue;
          execution = json_object_get_object_member (json_node_get_object (payload), "execution");
          g_assert_nonnull (execution);
          g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, job_id);
          g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
          got[i] = TRUE;
          n_got++;
        }
    }
  for (guint i = 0; i < n; i++)
    if (!got[i])
      g_error ("%s never got its notify-next for %s", jd_test_device_get_thing (devices[i]), job_id);
  return (g_get_monotonic_time () - t0) / 1000;
}

/* The device's pending list (MQTT get): how many queued. */
static guint
queued_on_device (JdTestDevice *device)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_true (jd_test_device_request (device, "get", "{}"));
  reply = jd_test_device_expect_reply (device, "get/accepted", WAIT_MS);
  g_assert_nonnull (reply);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (reply), "queuedJobs"));
}

/* A device's UpdateJobExecution over MQTT, accepted. */
static void
device_update (JdTestDevice *device,
               const char   *job_id,
               const char   *status)
{
  g_autofree char *suffix = g_strdup_printf ("%s/update", job_id);
  g_autofree char *accepted = g_strdup_printf ("%s/update/accepted", job_id);
  g_autofree char *payload = g_strdup_printf ("{\"status\":\"%s\"}", status);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_true (jd_test_device_request (device, suffix, payload));
  reply = jd_test_device_expect_reply (device, accepted, WAIT_MS);
  g_assert_nonnull (reply);
}

static char *
execution_status (JdTestClient *client,
                  const char   *thing,
                  const char   *job_id)
{
  g_autofree char *path = g_strdup_printf ("/things/%s/jobs/%s", thing, job_id);
  g_autoptr(JdTestReply) reply = call (client, "GET", path, NULL, 200, NULL);

  return g_strdup (json_object_get_string_member (json_object_get_object_member (object_of (reply), "execution"),
                                                  "status"));
}

static gboolean
job_listed (JdTestClient *client,
            const char   *status,
            const char   *job_id)
{
  g_autofree char *path = g_strdup_printf ("/jobs?status=%s", status);
  g_autoptr(JdTestReply) reply = call (client, "GET", path, NULL, 200, NULL);
  JsonArray *jobs = json_object_get_array_member (object_of (reply), "jobs");

  for (guint i = 0; i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);

      if (g_strcmp0 (json_object_get_string_member (job, "jobId"), job_id) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, status);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- tests ---- */

/* SCHEDULED until startTime: described and listed so, no execution, no
 * device told; then IN_PROGRESS and every device notified, not before. */
static void
test_scheduled_start (Fixture       *f,
                      gconstpointer  data)
{
  gint64 start = g_get_real_time () / G_USEC_PER_SEC + 31 * 60;
  g_autofree char *start_text = iso_time (start);
  g_autofree char *settings = g_strdup_printf ("\"schedulingConfig\":{\"startTime\":\"%s\"}", start_text);
  gint64 t0 = g_get_monotonic_time ();
  double until_start = real_ms_until (start);
  gint64 arrived;

  create_job (&f->client, "sched", 3, settings);
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "sched");
    JsonObject *job = job_of (reply);
    JsonObject *sched = json_object_get_object_member (job, "schedulingConfig");

    g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "SCHEDULED");
    g_assert_nonnull (sched);
    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 0);
  }
  g_assert_true (job_listed (&f->client, "SCHEDULED", "sched"));
  g_assert_false (job_listed (&f->client, "IN_PROGRESS", "sched"));
  g_assert_cmpuint (queued_on_device (f->devices[0]), ==, 0);
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "GET", "/things/t01/jobs/sched", NULL, 404,
                                         "ResourceNotFoundException");
  }
  {
    g_autofree char *topic = notify_next_topic ("t02");

    /* Half the wait: nothing for the devices yet. */
    g_assert_cmpuint (jd_test_device_count (f->devices[1], topic, (guint) (until_start / 2)), ==, 0);
  }

  arrived = collect_arrivals (f->devices, 3, "sched", t0, (gint64) until_start + WAIT_MS);
  g_assert_cmpfloat ((double) arrived, >=, 0.9 * until_start);
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "sched");

    g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 3);
  }
  g_assert_true (job_listed (&f->client, "IN_PROGRESS", "sched"));
  g_assert_cmpuint (queued_on_device (f->devices[0]), ==, 1);
}

/* endTime with CANCEL or FORCE_CANCEL (@data picks): t01 IN_PROGRESS,
 * t02 and t03 QUEUED when it comes. */
static void
run_end_cancel (Fixture    *f,
                gboolean    force)
{
  gint64 start = minute_from_now (31);
  gint64 end = start + 30 * 60;
  g_autofree char *start_text = iso_time (start);
  g_autofree char *end_text = iso_time (end);
  g_autofree char *settings =
    g_strdup_printf ("\"schedulingConfig\":{\"startTime\":\"%s\",\"endTime\":\"%s\",\"endBehavior\":\"%s\"}",
                     start_text, end_text, force ? "FORCE_CANCEL" : "CANCEL");
  gint64 t0 = g_get_monotonic_time ();
  double until_end = real_ms_until (end);
  g_autofree char *t01 = NULL;
  g_autofree char *t02 = NULL;
  g_autofree char *topic = notify_next_topic ("t02");

  create_job (&f->client, "ends", 3, settings);
  collect_arrivals (f->devices, 3, "ends", t0, (gint64) until_end + WAIT_MS);
  device_update (f->devices[0], "ends", "IN_PROGRESS");
  {
    g_autofree char *status = job_status (&f->client, "ends");

    g_assert_cmpstr (status, ==, "IN_PROGRESS");
  }

  wait_for_job_status (&f->client, "ends", "CANCELED", (gint64) until_end + WAIT_MS);
  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1000, >=, 0.9 * until_end);
  t01 = execution_status (&f->client, "t01", "ends");
  t02 = execution_status (&f->client, "t02", "ends");
  g_assert_cmpstr (t01, ==, force ? "CANCELED" : "IN_PROGRESS");
  g_assert_cmpstr (t02, ==, "CANCELED");
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "ends");

    g_assert_cmpint (json_object_get_boolean_member (job_of (reply), "forceCanceled"), ==, force);
    g_assert_cmpint (process_count (reply, "numberOfCanceledThings"), ==, force ? 3 : 2);
  }
  /* t02 is told its queue is empty. */
  {
    g_autoptr(JsonNode) payload = jd_test_device_expect (f->devices[1], topic, WAIT_MS, NULL);

    g_assert_nonnull (payload);
    g_assert_false (json_object_has_member (json_node_get_object (payload), "execution"));
  }
}

static void
test_end_cancel (Fixture       *f,
                 gconstpointer  data)
{
  run_end_cancel (f, FALSE);
}

static void
test_end_force_cancel (Fixture       *f,
                       gconstpointer  data)
{
  run_end_cancel (f, TRUE);
}

/* A window of two minutes that opened half a minute before startTime, and
 * one release a minute over four things: two released while it is open
 * (at startTime and a minute later), none after it closed (the third would
 * be due half a minute after the close); endTime with STOP_ROLLOUT drops
 * the two waiting, the two released run on, and the job completes when
 * they end. */
static void
test_window_stop_rollout (Fixture       *f,
                          gconstpointer  data)
{
  gint64 window = minute_from_now (31);
  gint64 start = window + 30;
  gint64 end = start + 30 * 60;
  g_autofree char *start_text = iso_time (start);
  g_autofree char *end_text = iso_time (end);
  g_autofree char *cron = cron_at (window);
  g_autofree char *settings =
    g_strdup_printf ("\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":1},"
                     "\"schedulingConfig\":{\"startTime\":\"%s\",\"endTime\":\"%s\",\"endBehavior\":\"STOP_ROLLOUT\","
                     "\"maintenanceWindows\":[{\"startTime\":\"%s\",\"durationInMinutes\":2}]}",
                     start_text, end_text, cron);
  gint64 t0 = g_get_monotonic_time ();
  double until_start = real_ms_until (start);
  double until_end = real_ms_until (end);

  create_job (&f->client, "window", 4, settings);
  collect_arrivals (f->devices, 2, "window", t0, (gint64) (until_start + 3 * minute_ms) + WAIT_MS);
  /* The window closed with two of four released; the others wait. */
  jd_test_spin ((guint) MAX (0.0, until_start + 10 * minute_ms - (double) (g_get_monotonic_time () - t0) / 1000));
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "window");

    g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 2);
    g_assert_true (json_object_get_boolean_member (job_of (reply), "isConcurrent"));
  }
  g_assert_cmpuint (queued_on_device (f->devices[2]), ==, 0);

  /* endTime: nothing more will be released. */
  for (;;)
    {
      g_autoptr(JdTestReply) reply = describe_job (&f->client, "window");

      if (!json_object_get_boolean_member (job_of (reply), "isConcurrent"))
        {
          g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
          g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 2);
          break;
        }
      if ((double) (g_get_monotonic_time () - t0) / 1000 > until_end + WAIT_MS)
        g_error ("the rollout never stopped at endTime");
      jd_test_spin (20);
    }
  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1000, >=, 0.9 * until_end);
  for (guint i = 2; i < 4; i++)
    {
      g_autofree char *topic = notify_next_topic (jd_test_device_get_thing (f->devices[i]));

      g_assert_cmpuint (jd_test_device_count (f->devices[i], topic, i == 2 ? (guint) (2 * minute_ms) : 0), ==, 0);
    }

  device_update (f->devices[0], "window", "SUCCEEDED");
  device_update (f->devices[1], "window", "SUCCEEDED");
  wait_for_job_status (&f->client, "window", "COMPLETED", WAIT_MS);
}

/* Without a rollout config, a window ten minutes after startTime: still
 * SCHEDULED (nothing released) after startTime, everything released when
 * the window opens. */
static void
test_window_holds (Fixture       *f,
                   gconstpointer  data)
{
  gint64 start = minute_from_now (31);
  gint64 window = start + 10 * 60;
  g_autofree char *start_text = iso_time (start);
  g_autofree char *cron = cron_at (window);
  g_autofree char *settings =
    g_strdup_printf ("\"schedulingConfig\":{\"startTime\":\"%s\","
                     "\"maintenanceWindows\":[{\"startTime\":\"%s\",\"durationInMinutes\":5}]}",
                     start_text, cron);
  gint64 t0 = g_get_monotonic_time ();
  double until_start = real_ms_until (start);
  double until_window = real_ms_until (window);
  gint64 arrived;

  create_job (&f->client, "held", 3, settings);
  /* Four minutes after startTime, the window still closed. */
  jd_test_spin ((guint) MAX (0.0, until_start + 4 * minute_ms - (double) (g_get_monotonic_time () - t0) / 1000));
  {
    g_autofree char *status = job_status (&f->client, "held");

    g_assert_cmpstr (status, ==, "SCHEDULED");
  }
  g_assert_cmpuint (queued_on_device (f->devices[0]), ==, 0);

  arrived = collect_arrivals (f->devices, 3, "held", t0, (gint64) until_window + WAIT_MS);
  g_assert_cmpfloat ((double) arrived, >=, 0.9 * until_window);
  {
    g_autofree char *status = job_status (&f->client, "held");

    g_assert_cmpstr (status, ==, "IN_PROGRESS");
  }
}

/* UpdateJob: a faster rate releases what waited (at once, not a minute
 * later), the description and the settings are described; the refusals. */
static void
test_update_job (Fixture       *f,
                 gconstpointer  data)
{
  gint64 t0 = g_get_monotonic_time ();
  gint64 arrived;

  create_job (&f->client, "upd", 4, "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":1}");
  collect_arrivals (f->devices, 1, "upd", t0, WAIT_MS);
  {
    g_autoptr(JdTestReply) reply =
      call (&f->client, "PATCH", "/jobs/upd?namespaceId=fleet_1",
            "{\"description\":\"faster\",\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":3},"
            "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":30},"
            "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
            "\"thresholdPercentage\":50,\"minNumberOfExecutedThings\":2}]}}",
            200, NULL);
  }
  arrived = collect_arrivals (f->devices + 1, 2, "upd", t0, WAIT_MS);
  g_assert_cmpfloat ((double) arrived, <, 0.9 * minute_ms);
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "upd");
    JsonObject *job = job_of (reply);

    g_assert_cmpstr (json_object_get_string_member (job, "description"), ==, "faster");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "jobExecutionsRolloutConfig"),
                                                 "maximumPerMinute"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job, "timeoutConfig"),
                                                 "inProgressTimeoutInMinutes"), ==, 30);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_object_get_object_member (job, "abortConfig"), "criteriaList")), ==, 1);
    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 3);
  }
  {
    g_autofree char *topic = notify_next_topic ("t04");

    /* t04 only after the minute of the first three. */
    g_assert_cmpuint (jd_test_device_count (f->devices[3], topic, (guint) (0.3 * minute_ms)), ==, 0);
  }
  collect_arrivals (f->devices + 3, 1, "upd", t0, (gint64) (2 * minute_ms) + WAIT_MS);

  /* Refusals. */
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/nope", "{\"description\":\"x\"}",
                                         404, "ResourceNotFoundException");
  }
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/upd",
                                         "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":0}}",
                                         400, "InvalidRequestException");

    g_assert_nonnull (strstr (reply->body, "1 validation error detected"));
    g_assert_nonnull (strstr (reply->body, "jobExecutionsRolloutConfig.maximumPerMinute"));
  }
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/upd",
                                         "{\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\","
                                         "\"numberOfRetries\":2}]}}",
                                         400, "InvalidRequestException");

    g_assert_nonnull (strstr (reply->body, "numberOfRetries"));
  }
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/upd",
                                         "{\"schedulingConfig\":{\"endBehavior\":\"CANCEL\"}}",
                                         400, "InvalidRequestException");
  }
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/upd?namespaceId=no%20spaces",
                                         "{\"description\":\"x\"}", 400, "InvalidRequestException");
  }
  {
    g_autoptr(JdTestReply) cancel = call (&f->client, "PUT", "/jobs/upd/cancel", "{}", 200, NULL);
    g_autoptr(JdTestReply) reply = call (&f->client, "PATCH", "/jobs/upd", "{\"description\":\"late\"}",
                                         400, "InvalidRequestException");
    g_autoptr(JdTestReply) after = describe_job (&f->client, "upd");

    g_assert_cmpstr (json_object_get_string_member (job_of (after), "description"), ==, "faster");
  }
  /* A SCHEDULED job can be updated. */
  {
    g_autofree char *start_text = iso_time (g_get_real_time () / G_USEC_PER_SEC + 40 * 60);
    g_autofree char *settings = g_strdup_printf ("\"schedulingConfig\":{\"startTime\":\"%s\"}", start_text);
    g_autoptr(JdTestReply) reply = NULL;
    g_autofree char *status = NULL;

    create_job (&f->client, "later", 2, settings);
    reply = call (&f->client, "PATCH", "/jobs/later", "{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":1}}",
                  200, NULL);
    status = job_status (&f->client, "later");
    g_assert_cmpstr (status, ==, "SCHEDULED");
  }
}

/* ---- kill -9 and restart mid-schedule (the jobdeck-service daemon) ---- */

typedef struct {
  char        *dir;
  char        *info_path;
  GSubprocess *daemon;
  JsonNode    *info;
  JdTestClient client;
} Daemon;

static const char *const daemon_things[] = { "d1", "d2", "d3", "d4", NULL };

static JsonObject *
daemon_member (Daemon     *d,
               const char *member)
{
  return json_object_get_object_member (json_node_get_object (d->info), member);
}

static void
daemon_start (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  JsonObject *control;
  const char *endpoint;

  /* A kill -9 leaves the old sandbox.json behind: wait for the new one. */
  g_unlink (d->info_path);
  d->daemon = jd_test_spawn_service (JOBDECK_SERVICE_PATH, d->dir, daemon_things, &error);
  g_assert_no_error (error);
  while (!g_file_test (d->info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    jd_test_spin (10);
  g_assert_true (g_file_test (d->info_path, G_FILE_TEST_EXISTS));
  g_file_get_contents (d->info_path, &text, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&d->info, json_node_unref);
  d->info = json_from_string (text, &error);
  g_assert_no_error (error);

  control = daemon_member (d, "controlPlane");
  endpoint = json_object_get_string_member (control, "endpoint");
  jd_test_client_clear (&d->client);
  jd_test_client_init (&d->client, json_object_get_string_member (daemon_member (d, "mqtt"), "caPath"),
                       (guint16) atoi (strrchr (endpoint, ':') + 1));
  d->client.access_key_id = json_object_get_string_member (control, "accessKeyId");
  d->client.secret_access_key = json_object_get_string_member (control, "secretAccessKey");
}

static void
daemon_kill (Daemon *d)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (d->daemon);
  g_subprocess_wait (d->daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (d->daemon));
  g_clear_object (&d->daemon);
}

static JdTestDevice *
daemon_device (Daemon     *d,
               const char *thing)
{
  JsonObject *t = json_object_get_object_member (daemon_member (d, "things"), thing);
  JsonObject *mqtt = daemon_member (d, "mqtt");
  g_autofree char *filter = g_strdup_printf ("$aws/things/%s/jobs/#", thing);
  g_autoptr(GError) error = NULL;
  JdTestDevice *device;

  device = jd_test_device_new_full (json_object_get_string_member (mqtt, "host"),
                                    json_object_get_int_member (mqtt, "port"),
                                    json_object_get_string_member (mqtt, "caPath"),
                                    json_object_get_string_member (t, "certificatePath"),
                                    json_object_get_string_member (t, "keyPath"),
                                    thing, filter, &error);
  g_assert_no_error (error);
  jd_test_device_set_thing (device, thing);
  return device;
}

/* A scheduled job; kill -9 before startTime and a restart: still
 * SCHEDULED, nothing pending; at startTime each device is told once; kill
 * -9 after it and a restart: nothing released again, each thing has
 * execution 1 only. */
static void
test_kill_restart (void)
{
  Daemon d = { 0 };
  g_autoptr(GError) error = NULL;
  JdTestDevice *devices[4] = { NULL };
  g_autofree char *rm = NULL;
  gint64 start;
  gint64 t0;
  double until_start;
  gint64 arrived;

  /* Long enough for two starts of the daemon before startTime. */
  set_minute (300);
  d.dir = g_dir_make_tmp ("jobdeck-sched-XXXXXX", &error);
  g_assert_no_error (error);
  d.info_path = g_build_filename (d.dir, "sandbox.json", NULL);
  daemon_start (&d);

  start = g_get_real_time () / G_USEC_PER_SEC + 31 * 60;
  t0 = g_get_monotonic_time ();
  until_start = real_ms_until (start);
  {
    g_autofree char *start_text = iso_time (start);
    g_autoptr(GString) body = g_string_new ("{\"targets\":[");
    g_autoptr(JdTestReply) reply = NULL;

    for (guint i = 0; daemon_things[i] != NULL; i++)
      g_string_append_printf (body, "%s\"" ARN_PREFIX "thing/%s\"", i > 0 ? "," : "", daemon_things[i]);
    g_string_append_printf (body, "],\"document\":\"{}\",\"schedulingConfig\":{\"startTime\":\"%s\"}}", start_text);
    reply = call (&d.client, "PUT", "/jobs/survivor", body->str, 200, NULL);
  }

  daemon_kill (&d);
  daemon_start (&d);
  for (guint i = 0; i < 4; i++)
    devices[i] = daemon_device (&d, daemon_things[i]);
  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1000, <, 0.8 * until_start);
  {
    g_autofree char *status = job_status (&d.client, "survivor");

    g_assert_cmpstr (status, ==, "SCHEDULED");
  }
  g_assert_cmpuint (queued_on_device (devices[0]), ==, 0);

  arrived = collect_arrivals (devices, 4, "survivor", t0, (gint64) until_start + WAIT_MS);
  g_assert_cmpfloat ((double) arrived, >=, 0.9 * until_start);

  daemon_kill (&d);
  for (guint i = 0; i < 4; i++)
    g_clear_pointer (&devices[i], jd_test_device_free);
  daemon_start (&d);
  for (guint i = 0; i < 4; i++)
    devices[i] = daemon_device (&d, daemon_things[i]);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *topic = notify_next_topic (daemon_things[i]);

      g_assert_cmpuint (jd_test_device_count (devices[i], topic, i == 0 ? (guint) (2 * minute_ms) : 0), ==, 0);
    }
  {
    g_autoptr(JdTestReply) reply = call (&d.client, "GET", "/jobs/survivor/things", NULL, 200, NULL);
    JsonArray *list = json_object_get_array_member (object_of (reply), "executionSummaries");

    g_assert_cmpuint (json_array_get_length (list), ==, 4);
    for (guint i = 0; i < 4; i++)
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                         json_array_get_object_element (list, i), "jobExecutionSummary"), "executionNumber"), ==, 1);
  }
  {
    g_autoptr(JdTestReply) reply = describe_job (&d.client, "survivor");

    g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 4);
  }
  g_assert_cmpuint (queued_on_device (devices[3]), ==, 1);

  for (guint i = 0; i < 4; i++)
    jd_test_device_free (devices[i]);
  g_subprocess_send_signal (d.daemon, SIGTERM);
  g_subprocess_wait (d.daemon, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&d.daemon);
  jd_test_client_clear (&d.client);
  g_clear_pointer (&d.info, json_node_unref);
  rm = g_strdup_printf ("rm -rf '%s'", d.dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_free (d.dir);
  g_free (d.info_path);
}

int
main (int    argc,
      char **argv)
{
  /* A minute of 80 ms: the 31 minutes to startTime last 2.5 s. */
  const gconstpointer fast = GINT_TO_POINTER (80);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/scheduling/start", Fixture, fast, fixture_set_up, test_scheduled_start, fixture_tear_down);
  g_test_add ("/scheduling/end-cancel", Fixture, fast, fixture_set_up, test_end_cancel, fixture_tear_down);
  g_test_add ("/scheduling/end-force-cancel", Fixture, fast, fixture_set_up, test_end_force_cancel, fixture_tear_down);
  /* A minute of 200 ms: the half minute between the second release and
   * the window's close leaves the timers 100 ms. */
  g_test_add ("/scheduling/window-stop-rollout", Fixture, GINT_TO_POINTER (200), fixture_set_up,
              test_window_stop_rollout, fixture_tear_down);
  g_test_add ("/scheduling/window-holds", Fixture, fast, fixture_set_up, test_window_holds, fixture_tear_down);
  /* A minute of 1.5 s: a release a minute later is told from one now. */
  g_test_add ("/scheduling/update-job", Fixture, GINT_TO_POINTER (1500), fixture_set_up, test_update_job,
              fixture_tear_down);
  g_test_add_func ("/scheduling/kill-restart", test_kill_restart);

  return g_test_run ();
}
