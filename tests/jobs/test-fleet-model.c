/* test-fleet-model.c — JdFleetModel: rows merged by thing from summaries,
 * descriptions and job-execution events; which source wins; batching of
 * items-changed; counts; history; progress values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-fleet-model.h"
#include "jd-jobs-error.h"

#define ARN "arn:aws:iot:us-east-1:123456789012:thing/"

static JsonObject *
object_from (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JdJobExecutionInfo *
summary (const char *thing,
         const char *status,
         gint64      number,
         gint64      updated)
{
  g_autofree char *json = g_strdup_printf (
    "{\"thingArn\":\"" ARN "%s\",\"jobExecutionSummary\":{\"status\":\"%s\",\"queuedAt\":1000,"
    "\"lastUpdatedAt\":%" G_GINT64_FORMAT ",\"executionNumber\":%" G_GINT64_FORMAT ",\"retryAttempt\":%d}}",
    thing, status, updated, number, (int) number - 1);
  g_autoptr(JsonObject) o = object_from (json);
  g_autoptr(GError) error = NULL;
  JdJobExecutionInfo *info = jd_job_execution_info_new_from_json (o, "fw", NULL, &error);

  g_assert_no_error (error);
  return info;
}

static JdJobExecutionInfo *
described (const char *thing,
           const char *status,
           gint64      version,
           const char *details_json,
           gint64      updated)
{
  g_autofree char *json = g_strdup_printf (
    "{\"jobId\":\"fw\",\"thingArn\":\"" ARN "%s\",\"status\":\"%s\",\"versionNumber\":%" G_GINT64_FORMAT ","
    "\"executionNumber\":1,\"lastUpdatedAt\":%" G_GINT64_FORMAT ",\"startedAt\":1500,"
    "\"statusDetails\":{\"detailsMap\":%s}}",
    thing, status, version, updated, details_json);
  g_autoptr(JsonObject) o = object_from (json);
  g_autoptr(GError) error = NULL;
  JdJobExecutionInfo *info = jd_job_execution_info_new_from_json (o, NULL, NULL, &error);

  g_assert_no_error (error);
  return info;
}

typedef struct {
  guint n_calls;
  guint last_position, last_removed, last_added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *c)
{
  c->n_calls++;
  c->last_position = position;
  c->last_removed = removed;
  c->last_added = added;
}

static void
test_batching (void)
{
  g_autoptr(JdFleetModel) model = jd_fleet_model_new ("fw");
  Changes c = { 0 };
  g_autoptr(JdFleetRow) first = NULL;
  gboolean timed_out = FALSE;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &c);
  jd_fleet_model_set_batch_interval (model, 50);

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *thing = g_strdup_printf ("t%04u", 999 - i);
      g_autoptr(JdJobExecutionInfo) info = summary (thing, "QUEUED", 1, 1000);

      jd_fleet_model_merge_summary (model, info);
    }
  /* Nothing shown yet; counted already. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, 1000);

  {
    gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
    while (c.n_calls == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    timed_out = c.n_calls == 0;
  }
  g_assert_false (timed_out);
  g_assert_cmpuint (c.n_calls, ==, 1);
  g_assert_cmpuint (c.last_added, ==, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);

  /* Sorted by thing; identity kept by a later update. */
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (jd_fleet_row_get_thing_name (first), ==, "t0000");
  {
    g_autoptr(JdJobExecutionInfo) info = summary ("t0000", "IN_PROGRESS", 1, 2000);
    g_assert_true (jd_fleet_model_merge_summary (model, info) == first);
  }
  g_assert_cmpint (jd_fleet_row_get_status (first), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpuint (c.n_calls, ==, 1);   /* a change is a notification, not a new row */
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, 999);

  /* One more in the middle: one items-changed from its place on. */
  jd_fleet_model_set_batch_interval (model, 0);
  {
    g_autoptr(JdJobExecutionInfo) info = summary ("t0500a", "QUEUED", 1, 1000);
    jd_fleet_model_merge_summary (model, info);
  }
  g_assert_cmpuint (c.n_calls, ==, 2);
  g_assert_cmpuint (c.last_position, ==, 501);
  g_assert_cmpuint (c.last_added, ==, 499 + 1);
  g_assert_cmpuint (c.last_removed, ==, 499);
}

static void
test_sources_and_order (void)
{
  g_autoptr(JdFleetModel) model = jd_fleet_model_new ("fw");
  g_autoptr(JsonObject) ev_old = object_from (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"failed\",\"jobId\":\"fw\",\"thingArn\":\"" ARN "a\","
    "\"status\":\"QUEUED\",\"timestamp\":1200}");
  g_autoptr(JsonObject) ev_done = object_from (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"succeeded\",\"jobId\":\"fw\",\"thingArn\":\"" ARN "a\","
    "\"status\":\"SUCCEEDED\",\"timestamp\":3000,\"statusDetails\":{\"progress\":\"5/5\"}}");
  g_autoptr(JsonObject) ev_job = object_from ("{\"eventType\":\"JOB\",\"operation\":\"completed\",\"jobId\":\"fw\"}");
  g_autoptr(JdJobExecutionInfo) d1 = described ("a", "IN_PROGRESS", 2, "{\"step\":\"download\",\"progress\":\"1/5\"}", 2000);
  g_autoptr(JdJobExecutionInfo) d_stale = described ("a", "IN_PROGRESS", 1, "{}", 1500);
  JdFleetRow *row;
  GPtrArray *history;
  JdFleetChange *ch;

  jd_fleet_model_set_batch_interval (model, 0);
  row = jd_fleet_model_merge_execution (model, d1);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "1/5");
  g_assert_true (jd_fleet_row_get_details_known (row));
  g_assert_cmpint (jd_fleet_row_get_version_number (row), ==, 2);

  /* An older version does not move it back. */
  jd_fleet_model_merge_execution (model, d_stale);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "1/5");

  /* An event older than the row, and events of another job or kind: nothing. */
  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/failed", ev_old, NULL));
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_false (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw2/succeeded", ev_done, NULL));
  g_assert_false (jd_fleet_model_apply_event (model, "$aws/events/job/fw/completed", ev_job, NULL));
  g_assert_false (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/f/succeeded", ev_done, NULL));

  /* The terminal event, twice (at least once): one history entry. */
  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/succeeded", ev_done, NULL));
  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/succeeded", ev_done, NULL));
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "5/5");
  g_assert_null (jd_fleet_row_get_detail (row, "step"));
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_SUCCEEDED), ==, 1);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_IN_PROGRESS), ==, 0);

  history = jd_fleet_row_get_history (row);
  g_assert_cmpuint (history->len, ==, 2);
  ch = g_ptr_array_index (history, 1);
  g_assert_cmpint (ch->status, ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpint (ch->at, ==, 3000);
  g_assert_cmpuint (g_strv_length (ch->changed), ==, 1);
  g_assert_cmpstr (ch->changed[0], ==, "progress: 1/5 → 5/5");
  g_assert_cmpuint (g_strv_length (ch->removed), ==, 1);
  g_assert_cmpstr (ch->removed[0], ==, "step");

  {
    g_auto(GStrv) keys = jd_fleet_model_dup_detail_keys (model);
    g_assert_cmpuint (g_strv_length (keys), ==, 1);
    g_assert_cmpstr (keys[0], ==, "progress");
  }
}

static void
test_retry_replaces (void)
{
  g_autoptr(JdFleetModel) model = jd_fleet_model_new ("fw");
  g_autoptr(JdJobExecutionInfo) failed = summary ("a", "FAILED", 1, 5000);
  g_autoptr(JdJobExecutionInfo) retry = summary ("a", "QUEUED", 2, 4000);
  g_autoptr(JdJobExecutionInfo) late_first = summary ("a", "FAILED", 1, 6000);
  JdFleetRow *row;

  jd_fleet_model_set_batch_interval (model, 0);
  row = jd_fleet_model_merge_summary (model, failed);
  /* A retry (execution 2) wins even with an older time. */
  jd_fleet_model_merge_summary (model, retry);
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_QUEUED);
  g_assert_cmpint (jd_fleet_row_get_execution_number (row), ==, 2);
  g_assert_cmpint (jd_fleet_row_get_retry_attempt (row), ==, 1);
  /* The first execution seen again does not come back. */
  jd_fleet_model_merge_summary (model, late_first);
  g_assert_cmpint (jd_fleet_row_get_execution_number (row), ==, 2);
  g_assert_cmpuint (jd_fleet_row_get_history (row)->len, ==, 2);
}

/* Events that carry executionNumber and versionNumber: applied in order,
 * an older version ignored, a newer execution (a retry) wins. */
static void
test_event_versions (void)
{
  g_autoptr(JdFleetModel) model = jd_fleet_model_new ("fw");
  g_autoptr(JsonObject) v3 = object_from (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"in_progress\",\"jobId\":\"fw\",\"thingArn\":\"" ARN "b\","
    "\"status\":\"IN_PROGRESS\",\"timestamp\":2000,\"executionNumber\":1,\"versionNumber\":3,"
    "\"statusDetails\":{\"progress\":\"3/5\"}}");
  /* Older version, though with a later timestamp: the version decides. */
  g_autoptr(JsonObject) v2 = object_from (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"in_progress\",\"jobId\":\"fw\",\"thingArn\":\"" ARN "b\","
    "\"status\":\"IN_PROGRESS\",\"timestamp\":2500,\"executionNumber\":1,\"versionNumber\":2,"
    "\"statusDetails\":{\"progress\":\"2/5\"}}");
  g_autoptr(JsonObject) retry = object_from (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"queued\",\"jobId\":\"fw\",\"thingArn\":\"" ARN "b\","
    "\"status\":\"QUEUED\",\"timestamp\":1900,\"executionNumber\":2,\"versionNumber\":1}");
  g_autoptr(GError) error = NULL;
  JdFleetRow *row;

  jd_fleet_model_set_batch_interval (model, 0);
  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/in_progress", v3, &error));
  g_assert_no_error (error);
  row = jd_fleet_model_lookup (model, "b");
  g_assert_nonnull (row);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_fleet_row_get_version_number (row), ==, 3);
  g_assert_cmpint (jd_fleet_row_get_execution_number (row), ==, 1);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "3/5");

  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/in_progress", v2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (jd_fleet_row_get_version_number (row), ==, 3);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "3/5");
  g_assert_cmpuint (jd_fleet_row_get_history (row)->len, ==, 1);

  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/queued", retry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_QUEUED);
  g_assert_cmpint (jd_fleet_row_get_execution_number (row), ==, 2);
  g_assert_cmpint (jd_fleet_row_get_version_number (row), ==, 1);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, 1);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_IN_PROGRESS), ==, 0);
}

/* A malformed event is refused with an error that says what is wrong, and
 * the row keeps everything it showed. */
static void
test_event_malformed (void)
{
  static const struct {
    const char *json;
    const char *says;
  } bad[] = {
    { "{\"eventType\":\"JOB_EXECUTION\",\"status\":\"SUCCEEDED\"}", "thingArn" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "\",\"status\":\"SUCCEEDED\"}", "thingArn" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\",\"status\":\"DONE\"}", "DONE" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\"}", "unknown status" },
    { "{\"eventType\":\"JOB\",\"thingArn\":\"" ARN "c\",\"status\":\"SUCCEEDED\"}", "eventType" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\",\"status\":\"SUCCEEDED\","
      "\"statusDetails\":[\"x\"]}", "statusDetails is not an object" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\",\"status\":\"SUCCEEDED\","
      "\"statusDetails\":{\"progress\":5}}", "“progress” is not a string" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\",\"status\":\"SUCCEEDED\","
      "\"versionNumber\":\"7\"}", "versionNumber" },
    { "{\"eventType\":\"JOB_EXECUTION\",\"thingArn\":\"" ARN "c\",\"status\":\"SUCCEEDED\","
      "\"executionNumber\":-2}", "executionNumber" },
  };
  g_autoptr(JdFleetModel) model = jd_fleet_model_new ("fw");
  g_autoptr(JdJobExecutionInfo) d = described ("c", "IN_PROGRESS", 4, "{\"step\":\"install\",\"progress\":\"4/5\"}", 2000);
  JdFleetRow *row;

  jd_fleet_model_set_batch_interval (model, 0);
  row = jd_fleet_model_merge_execution (model, d);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) event = object_from (bad[i].json);
      g_autoptr(GError) error = NULL;

      g_assert_false (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/succeeded", event, &error));
      g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON);
      if (strstr (error->message, bad[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, bad[i].says);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/fw/succeeded", NULL, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON);
  }

  /* Nothing lost, nothing added. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpint (jd_fleet_row_get_status (row), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_fleet_row_get_version_number (row), ==, 4);
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "step"), ==, "install");
  g_assert_cmpstr (jd_fleet_row_get_detail (row, "progress"), ==, "4/5");
  g_assert_cmpuint (jd_fleet_row_get_history (row)->len, ==, 1);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_IN_PROGRESS), ==, 1);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_SUCCEEDED), ==, 0);
}

static void
test_progress (void)
{
  g_assert_cmpfloat (jd_fleet_parse_progress ("3/4"), ==, 0.75);
  g_assert_cmpfloat (jd_fleet_parse_progress ("0/10"), ==, 0.0);
  g_assert_cmpfloat (jd_fleet_parse_progress ("45%"), ==, 0.45);
  g_assert_cmpfloat (jd_fleet_parse_progress (" 100 %"), ==, 1.0);
  g_assert_cmpfloat (jd_fleet_parse_progress ("5/4"), ==, -1);
  g_assert_cmpfloat (jd_fleet_parse_progress ("1/0"), ==, -1);
  g_assert_cmpfloat (jd_fleet_parse_progress ("101%"), ==, -1);
  g_assert_cmpfloat (jd_fleet_parse_progress ("download"), ==, -1);
  g_assert_cmpfloat (jd_fleet_parse_progress ("3/4 files"), ==, -1);
  g_assert_cmpfloat (jd_fleet_parse_progress (NULL), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fleet-model/batching", test_batching);
  g_test_add_func ("/fleet-model/sources-and-order", test_sources_and_order);
  g_test_add_func ("/fleet-model/retry-replaces", test_retry_replaces);
  g_test_add_func ("/fleet-model/event-versions", test_event_versions);
  g_test_add_func ("/fleet-model/event-malformed", test_event_malformed);
  g_test_add_func ("/fleet-model/progress", test_progress);

  return g_test_run ();
}
