/* test-rollout.c — a job's rollout, abort and retry settings (issue 12,
 * items 3–5) against the real jobs service: HTTPS with SigV4 for the
 * control plane, SQLite on disk, devices on the real broker over mTLS.
 * JOBDECK_TIME_SCALE makes a minute last MINUTE_MS.
 *
 * A constant rate counted as notify-next arrivals per (scaled) minute, with
 * unreleased things invisible to their devices and to the job's counters;
 * an exponential rate rising by its factor at each step; an abort exactly
 * at its threshold and not one completed execution before, with the queued
 * executions canceled and their devices told; retries as executions 2 and 3
 * (over MQTT and DescribeJobExecution by number), none after the last, for
 * FAILED and TIMED_OUT; a kill -9 of the daemon mid-rollout and a restart
 * (nothing released twice, the rest released); and out-of-range settings
 * refused with InvalidRequestException in AWS's validation words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-rollout"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "jd-control-plane.h"
#include "jd-test-https.h"
#include "jd-test-sandbox.h"

#define ARN_PREFIX "arn:aws:iot:" JD_SANDBOX_REGION ":" JD_SANDBOX_ACCOUNT_ID ":"
#define WAIT_MS (10000 * jd_test_slowdown ())
#define N_THINGS 16

/* One minute of the service's clock, in real milliseconds (set in main). */
static double minute_ms;

typedef struct {
  JdTestSandbox *sandbox;
  JdTestClient   client;
  JdTestDevice  *devices[N_THINGS];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JdSandbox *sandbox;

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

/* CreateJob of @job_id for things t01 … t@n with the members in @settings
 * (a JSON object's inside, "" for none). */
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

static gint64
process_count (JdTestReply *reply,
               const char  *counter)
{
  return json_object_get_int_member (json_object_get_object_member (job_of (reply), "jobProcessDetails"), counter);
}

static char *
notify_next_topic (const char *thing)
{
  return g_strdup_printf ("$aws/things/%s/jobs/notify-next", thing);
}

/* Waits until each of @devices[0 … n) got a notify-next naming an
 * execution of @job_id, and records when (real milliseconds since @t0). */
static void
collect_arrivals (JdTestDevice **devices,
                  guint          n,
                  const char    *job_id,
                  gint64         t0,
                  gint64         timeout_ms,
                  gint64        *arrivals)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  guint got = 0;

  for (guint i = 0; i < n; i++)
    arrivals[i] = -1;
  while (got < n && g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *topic = NULL;
          g_autoptr(JsonNode) payload = NULL;
          JsonObject *execution;

          if (arrivals[i] >= 0)
            continue;
          topic = notify_next_topic (jd_test_device_get_thing (devices[i]));
          payload = jd_test_device_expect (devices[i], topic, 0, NULL);
          if (payload == NULL)
            continue;
          execution = json_object_get_object_member (json_node_get_object (payload), "execution");
          g_assert_nonnull (execution);
          g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, job_id);
          g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
          arrivals[i] = (g_get_monotonic_time () - t0) / 1000;
          got++;
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  for (guint i = 0; i < n; i++)
    if (arrivals[i] < 0)
      g_error ("%s never got its notify-next for %s", jd_test_device_get_thing (devices[i]), job_id);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Arrivals sorted and grouped into batches: a gap of over half a minute
 * starts a new one. Returns the sizes. */
static GArray *
batches_of (gint64 *arrivals,
            guint   n)
{
  GArray *sizes = g_array_new (FALSE, TRUE, sizeof (guint));
  guint size = 0;

  qsort (arrivals, n, sizeof (gint64), compare_times);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && (double) (arrivals[i] - arrivals[i - 1]) > minute_ms / 2)
        {
          g_array_append_val (sizes, size);
          size = 0;
        }
      size++;
    }
  g_array_append_val (sizes, size);
  return sizes;
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

/* The execution number in @device's next notify-next (for @job_id), or 0
 * when it says nothing is pending. */
static gint64
expect_notify_next (JdTestDevice *device,
                    const char   *job_id,
                    guint         timeout_ms)
{
  g_autofree char *topic = notify_next_topic (jd_test_device_get_thing (device));
  g_autoptr(JsonNode) payload = jd_test_device_expect (device, topic, timeout_ms, NULL);
  JsonObject *execution;

  if (payload == NULL)
    g_error ("%s got no notify-next", jd_test_device_get_thing (device));
  if (!json_object_has_member (json_node_get_object (payload), "execution"))
    return 0;
  execution = json_object_get_object_member (json_node_get_object (payload), "execution");
  g_assert_cmpstr (json_object_get_string_member (execution, "jobId"), ==, job_id);
  g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "QUEUED");
  return json_object_get_int_member (execution, "executionNumber");
}

/* DescribeJobExecution of number @number (0: the latest). */
static void
describe_execution (JdTestClient *client,
                    const char   *thing,
                    const char   *job_id,
                    gint64        number,
                    const char   *status)
{
  g_autofree char *path = number > 0
    ? g_strdup_printf ("/things/%s/jobs/%s?executionNumber=%" G_GINT64_FORMAT, thing, job_id, number)
    : g_strdup_printf ("/things/%s/jobs/%s", thing, job_id);
  g_autoptr(JdTestReply) reply = call (client, "GET", path, NULL, 200, NULL);
  JsonObject *e = json_object_get_object_member (object_of (reply), "execution");

  g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, status);
  if (number > 0)
    g_assert_cmpint (json_object_get_int_member (e, "executionNumber"), ==, number);
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

static guint
executions_listed (JdTestClient *client,
                   const char   *job_id)
{
  g_autofree char *path = g_strdup_printf ("/jobs/%s/things", job_id);
  g_autoptr(JdTestReply) reply = call (client, "GET", path, NULL, 200, NULL);

  return json_array_get_length (json_object_get_array_member (object_of (reply), "executionSummaries"));
}

/* ---- tests ---- */

/* maximumPerMinute 3 over 9 things: 3, 3, 3, a minute apart; the things not
 * yet released are in no device's pending list, in no counter and in no
 * listing, and the job says it is still rolling out. */
static void
test_constant_rate (Fixture       *f,
                    gconstpointer  data)
{
  gint64 arrivals[9];
  g_autoptr(GArray) sizes = NULL;
  gint64 t0 = g_get_monotonic_time ();

  create_job (&f->client, "rate", 9, "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":3}");
  /* The first three at once (timed before anything else is asked). */
  collect_arrivals (f->devices, 3, "rate", t0, WAIT_MS, arrivals);

  /* Three released, six waiting (well inside the first minute). */
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "rate");
    JsonObject *details = json_object_get_object_member (job_of (reply), "jobProcessDetails");

    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 3);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "processingTargets")), ==, 9);
    g_assert_true (json_object_get_boolean_member (job_of (reply), "isConcurrent"));
    g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (job_of (reply),
                                                                                 "jobExecutionsRolloutConfig"),
                                                 "maximumPerMinute"), ==, 3);
  }
  g_assert_cmpuint (executions_listed (&f->client, "rate"), ==, 3);
  g_assert_cmpuint (queued_on_device (f->devices[8]), ==, 0);
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "GET", "/things/t09/jobs/rate", NULL, 404,
                                         "ResourceNotFoundException");
  }

  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1000, <, 0.9 * minute_ms);
  collect_arrivals (f->devices + 3, 6, "rate", t0, (gint64) (10 * minute_ms) + WAIT_MS, arrivals + 3);
  sizes = batches_of (arrivals, 9);
  g_assert_cmpuint (sizes->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (g_array_index (sizes, guint, i), ==, 3);
  /* No more than three in any minute (less a tenth for delivery jitter). */
  for (guint i = 0; i + 3 < 9; i++)
    g_assert_cmpfloat ((double) (arrivals[i + 3] - arrivals[i]), >=, 0.9 * minute_ms);

  /* Everything released: counted, listed, no longer rolling out; each
   * device was told once. */
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "rate");
    JsonObject *details = json_object_get_object_member (job_of (reply), "jobProcessDetails");

    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 9);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (details, "processingTargets")), ==, 0);
    g_assert_false (json_object_get_boolean_member (job_of (reply), "isConcurrent"));
  }
  g_assert_cmpuint (executions_listed (&f->client, "rate"), ==, 9);
  g_assert_cmpuint (queued_on_device (f->devices[8]), ==, 1);
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *topic = notify_next_topic (jd_test_device_get_thing (f->devices[i]));

      g_assert_cmpuint (jd_test_device_count (f->devices[i], topic, i == 0 ? (guint) (1.5 * minute_ms) : 0), ==, 0);
    }
}

/* baseRatePerMinute 2, incrementFactor 2, a step every 4 notified things:
 * 2, 2, then 4, then 8 per minute. */
static void
test_exponential_rate (Fixture       *f,
                       gconstpointer  data)
{
  gint64 arrivals[N_THINGS];
  g_autoptr(GArray) sizes = NULL;
  gint64 t0 = g_get_monotonic_time ();
  const guint expected[] = { 2, 2, 4, 8 };

  create_job (&f->client, "exp", N_THINGS,
              "\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":2,"
              "\"incrementFactor\":2,\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":4}}}");
  collect_arrivals (f->devices, N_THINGS, "exp", t0, (gint64) (10 * minute_ms) + WAIT_MS, arrivals);
  sizes = batches_of (arrivals, N_THINGS);
  g_assert_cmpuint (sizes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (g_array_index (sizes, guint, i), ==, expected[i]);
}

/* FAILED at 50 % once 3 have completed: a failure alone (under the
 * minimum) and 1 of 3 do nothing; 2 of 4 cancel the job, its queued
 * executions with it, and tell their devices. */
static void
test_abort (Fixture       *f,
            gconstpointer  data)
{
  const char *const outcomes[] = { "FAILED", "SUCCEEDED", "SUCCEEDED" };

  create_job (&f->client, "abort", 6,
              "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
              "\"thresholdPercentage\":50,\"minNumberOfExecutedThings\":3}]}");
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (expect_notify_next (f->devices[i], "abort", WAIT_MS), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      g_autoptr(JdTestReply) reply = NULL;

      device_update (f->devices[i], "abort", outcomes[i]);
      reply = describe_job (&f->client, "abort");
      g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "IN_PROGRESS");
      g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 5 - (gint64) i);
    }
  /* t05 starts: it runs on after the abort. */
  device_update (f->devices[4], "abort", "IN_PROGRESS");
  device_update (f->devices[3], "abort", "FAILED");

  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "abort");
    JsonObject *job = job_of (reply);

    g_assert_cmpstr (json_object_get_string_member (job, "status"), ==, "CANCELED");
    g_assert_cmpstr (json_object_get_string_member (job, "reasonCode"), ==, "ABORT_CRITERIA_MET");
    g_assert_nonnull (strstr (json_object_get_string_member (job, "comment"), "FAILED"));
    g_assert_false (json_object_get_boolean_member (job, "forceCanceled"));
    g_assert_cmpint (process_count (reply, "numberOfCanceledThings"), ==, 1);
    g_assert_cmpint (process_count (reply, "numberOfInProgressThings"), ==, 1);
    g_assert_cmpint (process_count (reply, "numberOfFailedThings"), ==, 2);
  }
  describe_execution (&f->client, "t06", "abort", 1, "CANCELED");
  describe_execution (&f->client, "t05", "abort", 1, "IN_PROGRESS");
  /* t06's device is told its execution is gone; t05's keeps its own. */
  g_assert_cmpint (expect_notify_next (f->devices[5], "abort", WAIT_MS), ==, 0);
  g_assert_cmpuint (queued_on_device (f->devices[5]), ==, 0);
  {
    g_autofree char *topic = notify_next_topic ("t05");

    g_assert_cmpuint (jd_test_device_count (f->devices[4], topic, 0), ==, 0);
  }
}

/* FAILED retried twice, TIMED_OUT once (with a 1-minute in-progress
 * timeout): executions 2 and 3 after two failures, none after the third;
 * one retry after a timeout. */
static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  JdTestDevice *t1 = f->devices[0];
  JdTestDevice *t2 = f->devices[1];

  create_job (&f->client, "retry", 2,
              "\"timeoutConfig\":{\"inProgressTimeoutInMinutes\":1},"
              "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":2},"
              "{\"failureType\":\"TIMED_OUT\",\"numberOfRetries\":1}]}");
  g_assert_cmpint (expect_notify_next (t1, "retry", WAIT_MS), ==, 1);
  g_assert_cmpint (expect_notify_next (t2, "retry", WAIT_MS), ==, 1);

  device_update (t1, "retry", "FAILED");
  g_assert_cmpint (expect_notify_next (t1, "retry", WAIT_MS), ==, 2);
  describe_execution (&f->client, "t01", "retry", 1, "FAILED");
  describe_execution (&f->client, "t01", "retry", 2, "QUEUED");
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "GET", "/things/t01/jobs", NULL, 200, NULL);
    JsonArray *list = json_object_get_array_member (object_of (reply), "executionSummaries");
    gboolean seen = FALSE;

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *s = json_object_get_object_member (json_array_get_object_element (list, i),
                                                       "jobExecutionSummary");

        if (json_object_get_int_member (s, "executionNumber") == 2)
          {
            g_assert_cmpint (json_object_get_int_member (s, "retryAttempt"), ==, 1);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }

  device_update (t1, "retry", "FAILED");
  g_assert_cmpint (expect_notify_next (t1, "retry", WAIT_MS), ==, 3);
  describe_execution (&f->client, "t01", "retry", 3, "QUEUED");
  device_update (t1, "retry", "FAILED");
  g_assert_cmpint (expect_notify_next (t1, "retry", WAIT_MS), ==, 0);
  describe_execution (&f->client, "t01", "retry", 0, "FAILED");
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "GET", "/things/t01/jobs/retry?executionNumber=4", NULL, 404,
                                         "ResourceNotFoundException");
  }

  /* t02 starts and times out: one retry, which times out for good. */
  for (gint64 number = 1; number <= 2; number++)
    {
      g_autofree char *topic = notify_next_topic ("t02");

      device_update (t2, "retry", "IN_PROGRESS");
      /* The notify-next of the timeout: the retry, then nothing. */
      g_assert_cmpint (expect_notify_next (t2, "retry", (guint) (3 * minute_ms) + WAIT_MS), ==,
                       number == 1 ? 2 : 0);
      describe_execution (&f->client, "t02", "retry", number, "TIMED_OUT");
      g_assert_cmpuint (jd_test_device_count (t2, topic, 0), ==, 0);
    }
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "retry");

    g_assert_cmpstr (json_object_get_string_member (job_of (reply), "status"), ==, "COMPLETED");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                       json_object_get_array_member (json_object_get_object_member (job_of (reply),
                                                                                    "jobExecutionsRetryConfig"),
                                                     "criteriaList"), 0), "numberOfRetries"), ==, 2);
  }
}

/* Settings out of AWS's ranges: 400 InvalidRequestException in AWS's
 * validation words, and no job. */
static void
test_rejected (Fixture       *f,
               gconstpointer  data)
{
  const struct {
    const char *settings;
    const char *words;
  } cases[] = {
    { "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":0}",
      "Value '0' at 'jobExecutionsRolloutConfig.maximumPerMinute' failed to satisfy constraint: "
      "Member must have value greater than or equal to 1" },
    { "\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":1001}",
      "Value '1001' at 'jobExecutionsRolloutConfig.maximumPerMinute' failed to satisfy constraint: "
      "Member must have value less than or equal to 1000" },
    { "\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":1001,\"incrementFactor\":2,"
      "\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":1}}}",
      "Value '1001' at 'jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute' failed to satisfy "
      "constraint: Member must have value less than or equal to 1000" },
    { "\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":10,\"incrementFactor\":1.0,"
      "\"rateIncreaseCriteria\":{\"numberOfNotifiedThings\":1}}}",
      "Value '1.0' at 'jobExecutionsRolloutConfig.exponentialRate.incrementFactor' failed to satisfy "
      "constraint: Member must have value greater than or equal to 1.1" },
    { "\"jobExecutionsRolloutConfig\":{\"exponentialRate\":{\"baseRatePerMinute\":10,\"incrementFactor\":2,"
      "\"rateIncreaseCriteria\":{\"numberOfSucceededThings\":0}}}",
      "Value '0' at 'jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria.numberOfSucceededThings' "
      "failed to satisfy constraint: Member must have value greater than or equal to 1" },
    { "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
      "\"thresholdPercentage\":100.5,\"minNumberOfExecutedThings\":1}]}",
      "Value '100.5' at 'abortConfig.criteriaList.1.member.thresholdPercentage' failed to satisfy constraint: "
      "Member must have value less than or equal to 100" },
    { "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
      "\"thresholdPercentage\":10,\"minNumberOfExecutedThings\":0}]}",
      "Value '0' at 'abortConfig.criteriaList.1.member.minNumberOfExecutedThings' failed to satisfy constraint: "
      "Member must have value greater than or equal to 1" },
    { "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"BROKEN\",\"action\":\"CANCEL\","
      "\"thresholdPercentage\":10,\"minNumberOfExecutedThings\":1}]}",
      "Value 'BROKEN' at 'abortConfig.criteriaList.1.member.failureType' failed to satisfy constraint: "
      "Member must satisfy enum value set: [FAILED, REJECTED, TIMED_OUT, ALL]" },
    { "\"abortConfig\":{\"criteriaList\":[]}",
      "Value '[]' at 'abortConfig.criteriaList' failed to satisfy constraint: "
      "Member must have length greater than or equal to 1" },
    { "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"numberOfRetries\":11}]}",
      "Value '11' at 'jobExecutionsRetryConfig.criteriaList.1.member.numberOfRetries' failed to satisfy "
      "constraint: Member must have value less than or equal to 10" },
    { "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"REJECTED\",\"numberOfRetries\":1}]}",
      "Value 'REJECTED' at 'jobExecutionsRetryConfig.criteriaList.1.member.failureType' failed to satisfy "
      "constraint: Member must satisfy enum value set: [FAILED, TIMED_OUT, ALL]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"targets\":[\"" ARN_PREFIX "thing/t01\"],"
                                               "\"document\":\"{}\",%s}", cases[i].settings);
      g_autoptr(JdTestReply) reply = call (&f->client, "PUT", "/jobs/refused", body, 400, "InvalidRequestException");
      const char *message = json_object_get_string_member (object_of (reply), "message");

      if (!g_str_has_prefix (message, "1 validation error detected: ") || strstr (message, cases[i].words) == NULL)
        g_error ("for %s: \"%s\" does not say \"%s\"", cases[i].settings, message, cases[i].words);
    }
  {
    g_autoptr(JdTestReply) reply = call (&f->client, "GET", "/jobs/refused", NULL, 404, "ResourceNotFoundException");
  }
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return g_steal_pointer (slot);
}

/* The core's client sends the settings (jd_control_plane_create_job_with_
 * config_async) and reads them back (DescribeJob into JdJob's config); the
 * service applies them. */
static void
test_client (Fixture       *f,
             gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  const char *targets[] = { ARN_PREFIX "thing/t01", ARN_PREFIX "thing/t02", ARN_PREFIX "thing/t03", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(JdJobConfig) config = jd_job_config_new ();
  g_autofree char *url = NULL;
  GAsyncResult *slot = NULL;
  JdRetryCriterion retry = { JD_FAILURE_TYPE_ALL, 4 };
  JdAbortCriterion abort_criterion = { JD_FAILURE_TYPE_REJECTED, 25.5, 8 };

  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox), jd_sandbox_get_secret_access_key (sandbox),
                                    NULL, JD_SANDBOX_REGION);
  url = g_strdup_printf ("https://" JD_SANDBOX_HOST ":%u", jd_sandbox_get_https_port (sandbox));
  cp = jd_control_plane_new (JD_SANDBOX_REGION, url, jd_sandbox_get_ca_path (sandbox), credentials, &error);
  g_assert_no_error (error);

  config->has_rollout = TRUE;
  config->maximum_per_minute = 2;
  g_array_append_val (config->retry_criteria, retry);
  g_array_append_val (config->abort_criteria, abort_criterion);
  config->in_progress_timeout = 15;
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JdJob) job = NULL;

    jd_control_plane_create_job_with_config_async (cp, "client", targets, "{\"operation\":\"update\"}", NULL,
                                                   JD_TARGET_SELECTION_SNAPSHOT, config, NULL, result_cb, &slot);
    result = wait_result (&slot);
    job = jd_control_plane_create_job_finish (cp, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (jd_job_get_job_id (job), ==, "client");
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JdJob) job = NULL;
    g_autofree char *sent = jd_job_config_serialize (config);
    g_autofree char *read = NULL;

    jd_control_plane_describe_job_async (cp, "client", NULL, result_cb, &slot);
    result = wait_result (&slot);
    job = jd_control_plane_describe_job_finish (cp, result, &error);
    g_assert_no_error (error);
    read = jd_job_config_serialize (jd_job_get_config (job));
    g_assert_cmpstr (read, ==, sent);
  }
  /* Applied: two released, one waiting. */
  {
    g_autoptr(JdTestReply) reply = describe_job (&f->client, "client");

    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 2);
    g_assert_true (json_object_get_boolean_member (job_of (reply), "isConcurrent"));
  }
}

/* ---- kill -9 and restart mid-rollout (the jobdeck-service daemon) ---- */

typedef struct {
  char        *dir;
  char        *info_path;
  GSubprocess *daemon;
  JsonNode    *info;
  JdTestClient client;
} Daemon;

static const char *const daemon_things[] = { "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", NULL };

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
    g_usleep (10 * 1000);
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

/* maximumPerMinute 2 over 8 things; the daemon is killed (SIGKILL) after
 * the first release and started again within that minute: the two
 * released before are not released again (their devices hear nothing, each
 * thing has execution 1 only), and the six others are, two a minute, the
 * first of them a minute after the releases before the kill. */
static void
test_kill_restart (void)
{
  Daemon d = { 0 };
  g_autoptr(GError) error = NULL;
  JdTestDevice *devices[8] = { NULL };
  gint64 arrivals[6];
  g_autofree char *rm = NULL;
  g_autoptr(GArray) sizes = NULL;
  gint64 t0;

  g_autofree char *scale = NULL;
  double saved_minute_ms = minute_ms;

  /* The daemon's minute is long enough for it to start again and its
   * devices to connect before its next release is due. */
  minute_ms = 4000.0 * jd_test_slowdown ();
  scale = g_strdup_printf ("%g", minute_ms / 60000.0);
  g_setenv ("JOBDECK_TIME_SCALE", scale, TRUE);

  d.dir = g_dir_make_tmp ("jobdeck-rollout-XXXXXX", &error);
  g_assert_no_error (error);
  d.info_path = g_build_filename (d.dir, "sandbox.json", NULL);
  daemon_start (&d);

  {
    g_autoptr(GString) body = g_string_new ("{\"targets\":[");
    g_autoptr(JdTestReply) reply = NULL;

    for (guint i = 0; daemon_things[i] != NULL; i++)
      g_string_append_printf (body, "%s\"" ARN_PREFIX "thing/%s\"", i > 0 ? "," : "", daemon_things[i]);
    g_string_append (body, "],\"document\":\"{}\",\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":2}}");
    reply = call (&d.client, "PUT", "/jobs/survivor", body->str, 200, NULL);
  }
  {
    g_autoptr(JdTestReply) reply = describe_job (&d.client, "survivor");

    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 2);
  }

  /* kill -9, then start again on the same folder. */
  g_subprocess_force_exit (d.daemon);
  g_subprocess_wait (d.daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (d.daemon));
  g_clear_object (&d.daemon);
  daemon_start (&d);
  t0 = g_get_monotonic_time ();

  for (guint i = 0; i < 8; i++)
    devices[i] = daemon_device (&d, daemon_things[i]);
  g_assert_cmpuint (queued_on_device (devices[2]), ==, 0);
  collect_arrivals (devices + 2, 6, "survivor", t0, (gint64) (10 * minute_ms) + WAIT_MS, arrivals);
  sizes = batches_of (arrivals, 6);
  g_assert_cmpuint (sizes->len, ==, 3);
  for (guint i = 0; i < sizes->len; i++)
    g_assert_cmpuint (g_array_index (sizes, guint, i), ==, 2);
  for (guint i = 0; i + 2 < 6; i++)
    g_assert_cmpfloat ((double) (arrivals[i + 2] - arrivals[i]), >=, 0.9 * minute_ms);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *topic = notify_next_topic (daemon_things[i]);

      /* d1, d2: released before the kill, never again. */
      g_assert_cmpuint (jd_test_device_count (devices[i], topic, i == 0 ? (guint) (1.5 * minute_ms) : 0), ==, 0);
    }
  {
    g_autoptr(JdTestReply) reply = call (&d.client, "GET", "/jobs/survivor/things", NULL, 200, NULL);
    JsonArray *list = json_object_get_array_member (object_of (reply), "executionSummaries");

    g_assert_cmpuint (json_array_get_length (list), ==, 8);
    for (guint i = 0; i < 8; i++)
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                         json_array_get_object_element (list, i), "jobExecutionSummary"), "executionNumber"), ==, 1);
  }
  {
    g_autoptr(JdTestReply) reply = describe_job (&d.client, "survivor");

    g_assert_cmpint (process_count (reply, "numberOfQueuedThings"), ==, 8);
    g_assert_false (json_object_get_boolean_member (job_of (reply), "isConcurrent"));
  }

  for (guint i = 0; i < 8; i++)
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
  minute_ms = saved_minute_ms;
  g_free (scale);
  scale = g_strdup_printf ("%g", minute_ms / 60000.0);
  g_setenv ("JOBDECK_TIME_SCALE", scale, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *scale = NULL;

  /* A minute lasts 1.5 s (longer on a slow machine): long enough that a
   * batch of notifies arrives, and a few requests are answered, well inside
   * it. */
  minute_ms = 1500.0 * jd_test_slowdown ();
  scale = g_strdup_printf ("%g", minute_ms / 60000.0);
  g_setenv ("JOBDECK_TIME_SCALE", scale, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/rollout/constant-rate", Fixture, NULL, fixture_set_up, test_constant_rate, fixture_tear_down);
  g_test_add ("/rollout/exponential-rate", Fixture, NULL, fixture_set_up, test_exponential_rate, fixture_tear_down);
  g_test_add ("/rollout/abort", Fixture, NULL, fixture_set_up, test_abort, fixture_tear_down);
  g_test_add ("/rollout/retries", Fixture, NULL, fixture_set_up, test_retries, fixture_tear_down);
  g_test_add ("/rollout/rejected", Fixture, NULL, fixture_set_up, test_rejected, fixture_tear_down);
  g_test_add ("/rollout/client", Fixture, NULL, fixture_set_up, test_client, fixture_tear_down);
  g_test_add_func ("/rollout/kill-restart", test_kill_restart);

  return g_test_run ();
}
