/* test-service-mqtt.c — the jobs service's device API over real MQTT, against
 * a whole sandbox: the §6.3 notification sequence, the two-job walkthrough with
 * every notify and notify-next checked, timers (JOBDECK_TIME_SCALE), thing
 * isolation, InvalidTopic, restart persistence, that the service keeps
 * serving after bad input, the fleet events, the observer identity's ACL,
 * and that a job for 5,000 things publishes its fan-out without holding the
 * main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-sandbox-private.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define WAIT_MS   5000
#define QUIET_MS  300

typedef struct
{
  JdTestSandbox *sandbox;
  JdTestDevice  *device;
  char          *thing;
} Fixture;

static JdStore *
fixture_store (Fixture *f)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (f->sandbox)));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *things[] = { "Device1", NULL };
  g_autoptr(GError) error = NULL;

  f->sandbox = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
  f->thing = g_strdup ("Device1");
  f->device = jd_test_device_new (f->sandbox, f->thing, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->device, jd_test_device_free);
  g_clear_pointer (&f->sandbox, jd_test_sandbox_free);
  g_free (f->thing);
}

static void
create_job (Fixture    *f,
            const char *job_id,
            const char *thing,
            gint64      timeout_minutes)
{
  const char *names[] = { thing, NULL };
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", thing);
  const char *targets[] = { arn, NULL };
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;

  spec.job_id = job_id;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"reboot\"}";
  spec.in_progress_timeout_minutes = timeout_minutes;
  job = jd_store_create_job (fixture_store (f), &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  jd_store_job_free (job);
}

static char *
topic (Fixture    *f,
       const char *suffix)
{
  return g_strdup_printf ("$aws/things/%s/jobs/%s", f->thing, suffix);
}

static JsonObject *
expect_on (Fixture     *f,
           const char  *suffix,
           JsonNode   **keep)
{
  g_autofree char *t = topic (f, suffix);

  *keep = jd_test_device_expect (f->device, t, WAIT_MS, NULL);
  if (*keep == NULL)
    g_error ("nothing arrived on %s", t);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static void
assert_timestamp (JsonObject *object)
{
  gint64 ts;

  g_assert_true (json_object_has_member (object, "timestamp"));
  ts = json_object_get_int_member (object, "timestamp");
  /* Seconds, not milliseconds: ten digits. */
  g_assert_cmpint (ts, >, 1000000000);
  g_assert_cmpint (ts, <, 10000000000);
}

/* @expect: "IN_PROGRESS:A;QUEUED:B,C", or "" for {"jobs":{}}. */
static void
expect_notify (Fixture    *f,
               const char *expect)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *object = expect_on (f, "notify", &keep);
  JsonObject *jobs;
  GString *got = g_string_new (NULL);
  const char *statuses[] = { "IN_PROGRESS", "QUEUED" };
  g_autofree char *text = NULL;

  assert_timestamp (object);
  jobs = json_object_get_object_member (object, "jobs");
  g_assert_nonnull (jobs);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      JsonArray *array;

      if (!json_object_has_member (jobs, statuses[i]))
        continue;
      array = json_object_get_array_member (jobs, statuses[i]);
      /* Empty status keys are left out. */
      g_assert_cmpuint (json_array_get_length (array), >, 0);
      if (got->len > 0)
        g_string_append_c (got, ';');
      g_string_append_printf (got, "%s:", statuses[i]);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonObject *summary = json_array_get_object_element (array, j);

          g_assert_true (json_object_has_member (summary, "versionNumber"));
          g_assert_true (json_object_has_member (summary, "executionNumber"));
          g_assert_true (json_object_has_member (summary, "queuedAt"));
          g_string_append_printf (got, "%s%s", j > 0 ? "," : "",
                                  json_object_get_string_member (summary, "jobId"));
        }
    }
  g_assert_cmpuint (json_object_get_size (jobs), ==, strchr (expect, ';') ? 2 : (*expect ? 1 : 0));
  text = g_string_free (got, FALSE);
  g_assert_cmpstr (text, ==, expect);
}

/* @job_id NULL: the payload is {"timestamp":N} only. */
static void
expect_notify_next (Fixture    *f,
                    const char *job_id,
                    const char *status,
                    gint64      version)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *object = expect_on (f, "notify-next", &keep);
  JsonObject *execution;

  assert_timestamp (object);
  if (job_id == NULL)
    {
      g_assert_cmpuint (json_object_get_size (object), ==, 1);
      return;
    }
  execution = json_object_get_object_member (object, "execution");
  g_assert_nonnull (execution);
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, job_id);
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, status);
  if (version > 0)
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, version);
  /* The document travels as an object over MQTT. */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (execution, "jobDocument")));
}

static void
expect_quiet (Fixture *f)
{
  g_autofree char *notify = topic (f, "notify");
  g_autofree char *next = topic (f, "notify-next");

  g_assert_cmpuint (jd_test_device_count (f->device, notify, QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (f->device, next, 0), ==, 0);
}

/* Sends @payload to jobs/@suffix and returns the accepted reply's object. */
static JsonObject *
request_accepted (Fixture     *f,
                  const char  *suffix,
                  const char  *payload,
                  JsonNode   **keep)
{
  g_autofree char *accepted = g_strconcat (suffix, "/accepted", NULL);
  g_autofree char *rejected_topic = NULL;
  g_autofree char *rejected = g_strconcat (suffix, "/rejected", NULL);
  JsonObject *object;

  g_assert_true (jd_test_device_request (f->device, suffix, payload));
  object = expect_on (f, accepted, keep);
  rejected_topic = topic (f, rejected);
  g_assert_cmpuint (jd_test_device_count (f->device, rejected_topic, 0), ==, 0);
  assert_timestamp (object);
  return object;
}

static JsonObject *
request_rejected (Fixture     *f,
                  const char  *suffix,
                  const char  *payload,
                  const char  *code,
                  JsonNode   **keep)
{
  g_autofree char *rejected = g_strconcat (suffix, "/rejected", NULL);
  JsonObject *object;

  g_assert_true (jd_test_device_request (f->device, suffix, payload));
  object = expect_on (f, rejected, keep);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  g_assert_true (json_object_has_member (object, "message"));
  assert_timestamp (object);
  return object;
}

static void
update (Fixture    *f,
        const char *job_id,
        const char *status)
{
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *suffix = g_strdup_printf ("%s/update", job_id);
  g_autofree char *payload = g_strdup_printf ("{\"status\":\"%s\",\"clientToken\":\"u-%s\"}",
                                              status, job_id);
  JsonObject *reply = request_accepted (f, suffix, payload, &keep);
  g_autofree char *token = g_strdup_printf ("u-%s", job_id);

  g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, token);
}

static void
start_next (Fixture    *f,
            const char *job_id,
            gint64      version)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *reply = request_accepted (f, "start-next", "{\"clientToken\":\"sn\"}", &keep);
  JsonObject *execution = json_object_get_object_member (reply, "execution");

  g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "sn");
  g_assert_nonnull (execution);
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, job_id);
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, version);
}

/* Reference §6.3, step by step. */
static void
test_notification_sequence (Fixture       *f,
                            gconstpointer  data)
{
  create_job (f, "A", f->thing, 0);
  expect_notify (f, "QUEUED:A");
  expect_notify_next (f, "A", "QUEUED", 1);
  expect_quiet (f);

  create_job (f, "B", f->thing, 0);
  expect_notify (f, "QUEUED:A,B");
  expect_quiet (f);

  start_next (f, "A", 2);
  expect_quiet (f);

  create_job (f, "C", f->thing, 0);
  expect_notify (f, "IN_PROGRESS:A;QUEUED:B,C");
  expect_quiet (f);

  update (f, "A", "SUCCEEDED");
  expect_notify (f, "QUEUED:B,C");
  expect_notify_next (f, "B", "QUEUED", 1);
  expect_quiet (f);

  update (f, "C", "IN_PROGRESS");
  expect_notify_next (f, "C", "IN_PROGRESS", 2);
  expect_quiet (f);

  update (f, "B", "REJECTED");
  expect_notify (f, "IN_PROGRESS:C");
  expect_quiet (f);

  update (f, "C", "SUCCEEDED");
  expect_notify (f, "");
  expect_notify_next (f, NULL, NULL, 0);
  expect_quiet (f);
}

/* Create Job1 and Job2, start-next, succeed, start-next, fail, delete. */
static void
test_walkthrough (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JsonNode) keep2 = NULL;
  JsonObject *reply;

  /* Nothing pending yet: both lists present and empty. */
  reply = request_accepted (f, "get", "", &keep);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "inProgressJobs")), ==, 0);
  g_clear_pointer (&keep, json_node_unref);

  create_job (f, "Job1", f->thing, 0);
  expect_notify (f, "QUEUED:Job1");
  expect_notify_next (f, "Job1", "QUEUED", 1);
  create_job (f, "Job2", f->thing, 0);
  expect_notify (f, "QUEUED:Job1,Job2");
  expect_quiet (f);

  reply = request_accepted (f, "get", "{\"clientToken\":\"g1\"}", &keep);
  g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "g1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 2);
  g_clear_pointer (&keep, json_node_unref);

  /* Describe $next keeps the literal topic and includes the document. */
  reply = request_accepted (f, "$next/get", "{}", &keep);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "execution"), "jobId"),
                   ==, "Job1");
  g_clear_pointer (&keep, json_node_unref);

  start_next (f, "Job1", 2);
  expect_quiet (f);
  update (f, "Job1", "SUCCEEDED");
  expect_notify (f, "QUEUED:Job2");
  expect_notify_next (f, "Job2", "QUEUED", 1);
  expect_quiet (f);

  start_next (f, "Job2", 2);
  expect_quiet (f);
  update (f, "Job2", "FAILED");
  expect_notify (f, "");
  expect_notify_next (f, NULL, NULL, 0);
  expect_quiet (f);

  /* Terminal now: a second update is an illegal transition with the state. */
  reply = request_rejected (f, "Job2/update", "{\"status\":\"SUCCEEDED\"}", "InvalidStateTransition", &keep2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "executionState"), "status"),
                   ==, "FAILED");

  /* Start-next with nothing pending: accepted, no execution. */
  reply = request_accepted (f, "start-next", "{}", &keep);
  g_assert_false (json_object_has_member (reply, "execution"));
  g_clear_pointer (&keep, json_node_unref);

  g_assert_true (jd_store_delete_job (fixture_store (f), "Job1", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (jd_store_delete_job (fixture_store (f), "Job2", FALSE, &error));
  g_assert_no_error (error);
  expect_quiet (f);
  request_rejected (f, "Job1/get", "{}", "ResourceNotFound", &keep);
}

static void
test_timers (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) keep = NULL;
  JdStoreExecution *execution;

  /* The step timer: one scaled minute. */
  create_job (f, "Step", f->thing, 0);
  expect_notify (f, "QUEUED:Step");
  expect_notify_next (f, "Step", "QUEUED", 1);
  request_accepted (f, "start-next", "{\"stepTimeoutInMinutes\":1}", &keep);
  expect_notify (f, "");
  expect_notify_next (f, NULL, NULL, 0);
  execution = jd_store_get_execution (fixture_store (f), f->thing, "Step", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  jd_store_execution_free (execution);

  /* The job's in-progress timer. */
  create_job (f, "Slow", f->thing, 1);
  expect_notify (f, "QUEUED:Slow");
  expect_notify_next (f, "Slow", "QUEUED", 1);
  update (f, "Slow", "IN_PROGRESS");
  expect_notify (f, "");
  expect_notify_next (f, NULL, NULL, 0);
  execution = jd_store_get_execution (fixture_store (f), f->thing, "Slow", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  jd_store_execution_free (execution);
  expect_quiet (f);
}

static void
test_isolation (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) other = jd_test_device_new (f->sandbox, "Device2", &error);
  g_autoptr(JsonNode) keep = NULL;

  g_assert_no_error (error);
  /* A job for Device2 notifies Device2 only. */
  create_job (f, "Theirs", "Device2", 0);
  keep = jd_test_device_expect (other, "$aws/things/Device2/jobs/notify", WAIT_MS, NULL);
  g_assert_nonnull (keep);
  expect_quiet (f);

  /* Device1 cannot drive Device2's execution: its publish is dropped by the
   * broker, so no reply comes to anyone and the execution stays QUEUED. */
  g_assert_true (jd_test_device_publish (f->device, "$aws/things/Device2/jobs/Theirs/update",
                                         "{\"status\":\"SUCCEEDED\"}", -1));
  g_assert_cmpuint (jd_test_device_count (other, "$aws/things/Device2/jobs/Theirs/update/accepted",
                                          QUIET_MS), ==, 0);
  {
    JdStoreExecution *execution = jd_store_get_execution (fixture_store (f), "Device2", "Theirs", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_QUEUED);
    jd_store_execution_free (execution);
  }
}

static void
test_bad_input_keeps_serving (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonNode) k1 = NULL;
  g_autoptr(JsonNode) k2 = NULL;
  g_autoptr(JsonNode) k3 = NULL;
  g_autoptr(JsonNode) k4 = NULL;
  g_autoptr(JsonNode) k5 = NULL;
  JsonObject *reply;
  g_autofree char *big = NULL;

  create_job (f, "J", f->thing, 0);
  expect_notify (f, "QUEUED:J");
  expect_notify_next (f, "J", "QUEUED", 1);

  request_rejected (f, "J/update", "{not json", "InvalidJson", &k1);
  reply = request_rejected (f, "J/update", "{\"clientToken\":\"t1\"}", "InvalidRequest", &k2);
  g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "t1");
  reply = request_rejected (f, "J/update", "{\"status\":\"IN_PROGRESS\",\"expectedVersion\":7}",
                            "VersionMismatch", &k3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (reply, "executionState"),
                                               "versionNumber"), ==, 1);
  /* Something under the thing's jobs namespace that is no operation: a
   * thing may publish only its request topics, so the broker drops it and
   * nobody answers (the service's InvalidTopic answer is checked in
   * process, test-device-api). */
  {
    g_autofree char *t = topic (f, "J/frobnicate/rejected");

    g_assert_true (jd_test_device_request (f->device, "J/frobnicate", "{\"clientToken\":\"t2\"}"));
    g_assert_cmpuint (jd_test_device_count (f->device, t, QUIET_MS), ==, 0);
  }

  /* Over AWS's 128 KiB: the broker refuses the packet (and closes the
   * connection) before anything is buffered for the service. */
  big = g_strnfill (200 * 1024, ' ');
  memcpy (big, "{\"status\":\"IN_PROGRESS\",\"x\":\"", strlen ("{\"status\":\"IN_PROGRESS\",\"x\":\""));
  {
    g_autofree char *t = topic (f, "J/update");

    jd_test_device_publish_full (f->device, t, big, -1, FALSE, 1000);
  }
  {
    g_autofree char *t = topic (f, "J/update/rejected");
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint (jd_test_device_count (f->device, t, QUIET_MS), ==, 0);
    g_clear_pointer (&f->device, jd_test_device_free);
    f->device = jd_test_device_new (f->sandbox, f->thing, &error);
    g_assert_no_error (error);
  }
  g_clear_pointer (&k4, json_node_unref);

  /* Still serving, and numeric strings are fine. */
  reply = request_accepted (f, "J/update",
                            "{\"status\":\"IN_PROGRESS\",\"expectedVersion\":\"1\",\"includeJobExecutionState\":true}",
                            &k5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (reply, "executionState"),
                                               "versionNumber"), ==, 2);
  /* The four that reached it (the broker dropped the other two). */
  g_assert_cmpuint (jd_service_mqtt_get_n_requests (jd_service_get_mqtt (jd_sandbox_get_service (
                      jd_test_sandbox_get_sandbox (f->sandbox)))), >=, 4);
}

static void
test_restart_keeps_state (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *reply, *execution;

  create_job (f, "Durable", f->thing, 0);
  expect_notify (f, "QUEUED:Durable");
  expect_notify_next (f, "Durable", "QUEUED", 1);
  start_next (f, "Durable", 2);

  g_clear_pointer (&f->device, jd_test_device_free);
  g_assert_true (jd_test_sandbox_restart (f->sandbox, &error));
  g_assert_no_error (error);
  f->device = jd_test_device_new (f->sandbox, f->thing, &error);
  g_assert_no_error (error);

  reply = request_accepted (f, "Durable/get", "{}", &keep);
  execution = json_object_get_object_member (reply, "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
  g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
  update (f, "Durable", "SUCCEEDED");
  expect_notify (f, "");
  expect_notify_next (f, NULL, NULL, 0);
}

static JsonObject *
expect_event (JdTestDevice *watcher,
              const char   *topic,
              JsonNode    **keep)
{
  *keep = jd_test_device_expect (watcher, topic, WAIT_MS, NULL);
  if (*keep == NULL)
    g_error ("no event on %s", topic);
  assert_timestamp (json_node_get_object (*keep));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (*keep), "eventId"));
  return json_node_get_object (*keep);
}

/* A connection as the observer identity that sandbox.json names (the
 * sandbox issued it at start), subscribed to @filter. */
static JdTestDevice *
new_observer (Fixture    *f,
              const char *filter)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(JdSandboxInfo) info = jd_sandbox_info_load (jd_test_sandbox_get_dir (f->sandbox), NULL);
  g_autoptr(GError) error = NULL;
  JdTestDevice *observer;

  g_assert_nonnull (info);
  g_assert_cmpstr (info->observer_name, ==, JD_SANDBOX_OBSERVER_IDENTITY);
  g_assert_true (g_file_test (info->observer_certificate_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (info->observer_key_path, G_FILE_TEST_IS_REGULAR));
  observer = jd_test_device_new_full (info->mqtt_host, info->mqtt_port, info->ca_path,
                                      info->observer_certificate_path, info->observer_key_path,
                                      "observer", filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->mqtt_port, ==, jd_sandbox_get_mqtt_port (sandbox));
  return observer;
}

static void
test_fleet_events (Fixture       *f,
                   gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) watcher = NULL;
  g_autoptr(JsonNode) k1 = NULL;
  g_autoptr(JsonNode) k2 = NULL;
  g_autoptr(JsonNode) k3 = NULL;
  g_autoptr(JsonNode) k4 = NULL;
  g_autoptr(JsonNode) k5 = NULL;
  g_autoptr(JsonNode) k6 = NULL;
  JsonObject *event;
  JdStoreJob *job;

  /* Things may not read $aws/events/# (observer-acl); the observer identity
   * that sandbox.json names may (the service's own would take over the
   * service's connection). */
  watcher = new_observer (f, "$aws/events/#");

  /* Off by default. */
  create_job (f, "Quiet", f->thing, 0);
  update (f, "Quiet", "SUCCEEDED");
  g_assert_cmpuint (jd_test_device_count (watcher, "$aws/events/jobExecution/Quiet/succeeded", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (watcher, "$aws/events/job/Quiet/completed", 0), ==, 0);

  jd_sandbox_set_fleet_events (sandbox, TRUE);

  /* Succeeded: an execution event, then the job completes. */
  create_job (f, "Ev1", f->thing, 0);
  start_next (f, "Ev1", 2);
  update (f, "Ev1", "SUCCEEDED");
  event = expect_event (watcher, "$aws/events/jobExecution/Ev1/succeeded", &k1);
  g_assert_cmpstr (json_object_get_string_member (event, "eventType"), ==, "JOB_EXECUTION");
  g_assert_cmpstr (json_object_get_string_member (event, "operation"), ==, "succeeded");
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "SUCCEEDED");
  g_assert_cmpstr (json_object_get_string_member (event, "thingArn"), ==,
                   "arn:aws:iot:us-east-1:123456789012:thing/Device1");
  event = expect_event (watcher, "$aws/events/job/Ev1/completed", &k2);
  g_assert_cmpstr (json_object_get_string_member (event, "eventType"), ==, "JOB");
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "COMPLETED");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (event, "jobProcessDetails"),
                                               "numberOfSucceededThings"), ==, 1);
  /* Milliseconds there, as in AWS's examples. */
  g_assert_cmpint (json_object_get_int_member (event, "createdAt"), >, 1000000000000);

  /* Canceled. */
  create_job (f, "Ev2", f->thing, 0);
  job = jd_store_cancel_job (fixture_store (f), "Ev2", FALSE, NULL, "no longer needed", &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
  event = expect_event (watcher, "$aws/events/jobExecution/Ev2/canceled", &k3);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "CANCELED");
  event = expect_event (watcher, "$aws/events/job/Ev2/canceled", &k4);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "CANCELED");

  /* Deleted with force while running: one job event, none per execution. */
  create_job (f, "Ev3", f->thing, 0);
  start_next (f, "Ev3", 2);
  g_assert_true (jd_store_delete_job (fixture_store (f), "Ev3", TRUE, &error));
  g_assert_no_error (error);
  event = expect_event (watcher, "$aws/events/job/Ev3/deleted", &k5);
  g_assert_cmpstr (json_object_get_string_member (event, "operation"), ==, "deleted");

  /* A failure straight from QUEUED. */
  create_job (f, "Ev4", f->thing, 0);
  update (f, "Ev4", "FAILED");
  event = expect_event (watcher, "$aws/events/jobExecution/Ev4/failed", &k6);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "FAILED");

  /* Nothing else: no event for a merely started execution, none after off. */
  g_assert_cmpuint (jd_test_device_count (watcher, "$aws/events/jobExecution/Ev3/deleted", QUIET_MS), ==, 0);
  jd_sandbox_set_fleet_events (sandbox, FALSE);
  create_job (f, "Ev5", f->thing, 0);
  update (f, "Ev5", "SUCCEEDED");
  g_assert_cmpuint (jd_test_device_count (watcher, "$aws/events/jobExecution/Ev5/succeeded", QUIET_MS), ==, 0);
}


/* ---- a big fan-out ---- */

#define FANOUT_THINGS  5000
#define FANOUT_TICK_MS 5
#define FANOUT_STALL_MS 50

typedef struct {
  gint64 last;
  gint64 longest;
} Gaps;

static gboolean
gap_tick (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  if (gaps->last != 0)
    gaps->longest = MAX (gaps->longest, now - gaps->last);
  gaps->last = now;
  return G_SOURCE_CONTINUE;
}

/* On the store's worker, as the control plane's CreateJob. */
static gpointer
create_fanout_job (JdStore   *store,
                   gpointer   data,
                   GError   **error)
{
  GPtrArray *names = data;
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Fan00000", NULL };
  JdStoreJobSpec spec = { 0 };

  spec.job_id = "Fanout";
  spec.targets = targets;
  spec.thing_names = (const char *const *) names->pdata;
  spec.document = "{\"operation\":\"reboot\"}";
  return jd_store_create_job (store, &spec, error);
}

static void
changes_seen_cb (JdStore   *store,
                 GPtrArray *changes,
                 GPtrArray *expected)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const JdStoreThingChange *change = g_ptr_array_index (changes, i);

      if (change->pending_changed)
        g_ptr_array_add (expected, g_strdup_printf ("$aws/things/%s/jobs/notify", change->thing_name));
      if (change->next_changed)
        g_ptr_array_add (expected, g_strdup_printf ("$aws/things/%s/jobs/notify-next", change->thing_name));
    }
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* A job for 2,000 things queues 4,000 notifications at once: each thing gets
 * its notify and then its notify-next, exactly once, in the order of the
 * store's changes, while a 5 ms timer on the main loop is never held 50 ms
 * and the control plane answers a DescribeJob meanwhile. */
static void
test_fanout_keeps_loop (Fixture       *f,
                        gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  JdServiceMqtt *mqtt = jd_service_get_mqtt (jd_sandbox_get_service (sandbox));
  guint slowdown = jd_test_slowdown ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) watcher = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) topics = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(JdJob) described = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *reader_cert = NULL;
  g_autofree char *reader_key = NULL;
  g_autofree char *endpoint = NULL;
  GAsyncResult *created = NULL;
  GAsyncResult *answered = NULL;
  JdStoreJob *job;
  Gaps gaps = { 0 };
  gulong seen_id;
  guint timer, longest = 0, queued_at_answer = 0;
  gint64 deadline;

  for (guint i = 0; i < FANOUT_THINGS; i++)
    {
      char *name = g_strdup_printf ("Fan%05u", i);

      jd_store_thing_free (jd_store_create_thing (fixture_store (f), name, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (names, name);
    }
  g_ptr_array_add (names, NULL);

  /* The tests' wildcard reader counts the things' topics (the observer
   * identity reads only $aws/events/#); a batch of things rewrites the ACL
   * with it. */
  jd_sandbox_set_jobs_reader_for_test (JD_TEST_JOBS_READER);
  g_assert_true (jd_test_sandbox_add_thing (sandbox, "FanReaderAcl", &error));
  g_assert_no_error (error);
  g_assert_true (jd_test_sandbox_issue_identity (f->sandbox, JD_TEST_JOBS_READER,
                                                 &reader_cert, &reader_key, &error));
  watcher = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                     jd_sandbox_get_ca_path (sandbox), reader_cert, reader_key,
                                     "fanout-watcher", "$aws/things/+/jobs/#", &error);
  g_assert_no_error (error);

  endpoint = jd_sandbox_dup_endpoint (sandbox);
  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                                    jd_sandbox_get_secret_access_key (sandbox), NULL, JD_SANDBOX_REGION);
  cp = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sandbox), credentials, &error);
  g_assert_no_error (error);
  /* libsoup gives a client connection its database only after making it,
   * with the default one (the system's whole trust store, read again for
   * each connection, about 10 ms of this same loop): the sandbox's CA. */
  database = g_tls_file_database_new (jd_sandbox_get_ca_path (sandbox), &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
  /* The client's first request loads its TLS backend, in this same loop:
   * before the timer. */
  jd_control_plane_describe_job_only_async (cp, "NotYet", NULL, result_cb, &answered);
  while (answered == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (jd_control_plane_describe_job_only_finish (cp, answered, NULL));
  g_clear_object (&answered);

  /* After the service's handler: the same changes, in the same order. */
  seen_id = g_signal_connect (fixture_store (f), "things-changed", G_CALLBACK (changes_seen_cb), expected);
  timer = g_timeout_add (FANOUT_TICK_MS, gap_tick, &gaps);
  jd_store_call_async (fixture_store (f), create_fanout_job, names, NULL, (GDestroyNotify) jd_store_job_free,
                       NULL, result_cb, &created);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC * slowdown;
  while (created == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (created);
  job = jd_store_call_finish (fixture_store (f), created, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
  g_clear_object (&created);
  g_assert_cmpuint (expected->len, ==, 2 * FANOUT_THINGS);

  /* The control plane meanwhile. */
  jd_control_plane_describe_job_only_async (cp, "Fanout", NULL, result_cb, &answered);
  while ((answered == NULL || jd_test_device_get_n_messages (watcher) < expected->len)
         && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (answered != NULL && queued_at_answer == 0)
        queued_at_answer = jd_service_mqtt_get_queue_length (mqtt, NULL) + 1;
    }
  g_source_remove (timer);
  g_signal_handler_disconnect (fixture_store (f), seen_id);

  g_assert_nonnull (answered);
  described = jd_control_plane_describe_job_only_finish (cp, answered, &error);
  g_assert_no_error (error);
  g_assert_nonnull (described);
  g_clear_object (&answered);

  jd_service_mqtt_get_queue_length (mqtt, &longest);
  g_test_message ("%u notifications, at most %u queued, %u still queued when DescribeJob was answered; "
                  "longest gap of a %d ms timer: %.1f ms",
                  expected->len, longest, queued_at_answer - 1, FANOUT_TICK_MS, gaps.longest / 1000.0);

  /* Nothing lost, nothing doubled, nothing reordered. */
  jd_test_spin (QUIET_MS);
  topics = jd_test_device_take_topics (watcher);
  g_assert_cmpuint (topics->len, ==, expected->len);
  for (guint i = 0; i < topics->len; i++)
    g_assert_cmpstr (g_ptr_array_index (topics, i), ==, g_ptr_array_index (expected, i));

  g_assert_cmpint (gaps.longest, <, (gint64) FANOUT_STALL_MS * 1000 * slowdown);
  jd_sandbox_set_jobs_reader_for_test (NULL);
}

/* The observer's ACL is exactly read on $aws/events/#: it receives the
 * events, none of a thing's own topics, and publishes nowhere; a thing's
 * identity receives no event. */
static void
test_observer_acl (Fixture       *f,
                   gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) observer = NULL;
  g_autoptr(JdTestDevice) thing_spy = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *thing_cert = NULL;
  g_autofree char *thing_key = NULL;
  g_autofree char *notify = topic (f, "notify");
  g_autofree char *notify_next = topic (f, "notify-next");
  g_autofree char *get = topic (f, "get");
  g_autofree char *get_accepted = topic (f, "get/accepted");
  JdStoreJob *job;

  jd_sandbox_set_fleet_events (sandbox, TRUE);
  observer = new_observer (f, "$aws/events/#");

  /* The thing, as itself, asks for every event (its client id is its
   * certificate's name: this connection replaces the fixture's). */
  g_clear_pointer (&f->device, jd_test_device_free);
  g_assert_true (jd_sandbox_get_thing_files (sandbox, f->thing, &thing_cert, &thing_key));
  thing_spy = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                       jd_sandbox_get_ca_path (sandbox), thing_cert, thing_key,
                                       "thing-spy", "$aws/events/#", &error);
  g_assert_no_error (error);
  create_job (f, "Obs1", f->thing, 0);
  job = jd_store_cancel_job (fixture_store (f), "Obs1", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
  keep = jd_test_device_expect (observer, "$aws/events/job/Obs1/canceled", WAIT_MS, NULL);
  g_assert_nonnull (keep);
  g_assert_cmpuint (jd_test_device_count (thing_spy, "$aws/events/job/Obs1/canceled", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (thing_spy, "$aws/events/jobExecution/Obs1/canceled", 0), ==, 0);
  g_clear_pointer (&thing_spy, jd_test_device_free);
  f->device = jd_test_device_new (f->sandbox, f->thing, &error);
  g_assert_no_error (error);

  /* The observer publishes nowhere: not into a thing's requests (the
   * thing would see its own topic, and the service would answer), not
   * into the events it reads. */
  g_assert_true (jd_test_device_publish (observer, get, "{\"clientToken\":\"obs\"}", -1));
  g_assert_true (jd_test_device_publish (observer, "$aws/events/job/Forged/completed", "{}", -1));
  g_assert_cmpuint (jd_test_device_count (f->device, get, QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (f->device, get_accepted, 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (observer, "$aws/events/job/Forged/completed", 0), ==, 0);

  /* Nor does it read a thing's topics: the thing gets its notify, the
   * observer (now asking for them instead of the events) nothing. */
  g_clear_pointer (&observer, jd_test_device_free);
  observer = new_observer (f, "$aws/things/+/jobs/#");
  jd_test_device_flush (f->device);
  create_job (f, "Obs2", f->thing, 0);
  g_clear_pointer (&keep, json_node_unref);
  keep = jd_test_device_expect (f->device, notify, WAIT_MS, NULL);
  g_assert_nonnull (keep);
  g_assert_cmpuint (jd_test_device_count (observer, notify, QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (observer, notify_next, 0), ==, 0);
  g_assert_true (jd_test_device_request (f->device, "get", "{\"clientToken\":\"t\"}"));
  g_clear_pointer (&keep, json_node_unref);
  keep = jd_test_device_expect (f->device, get_accepted, WAIT_MS, NULL);
  g_assert_nonnull (keep);
  g_assert_cmpuint (jd_test_device_count (observer, get, QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (observer, get_accepted, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* One scaled minute is 60 ms: the timer tests stay fast. */
  g_setenv ("JOBDECK_TIME_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/service-mqtt/notification-sequence", test_notification_sequence);
  ADD ("/service-mqtt/walkthrough", test_walkthrough);
  ADD ("/service-mqtt/timers", test_timers);
  ADD ("/service-mqtt/isolation", test_isolation);
  ADD ("/service-mqtt/bad-input", test_bad_input_keeps_serving);
  ADD ("/service-mqtt/restart", test_restart_keeps_state);
  ADD ("/service-mqtt/fleet-events", test_fleet_events);
  ADD ("/service-mqtt/fanout-keeps-loop", test_fanout_keeps_loop);
  ADD ("/service-mqtt/observer-acl", test_observer_acl);
#undef ADD

  return g_test_run ();
}
