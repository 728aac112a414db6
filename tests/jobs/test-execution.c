/* test-execution.c — JdExecution: statuses, tolerant parsing, in-place
 * updates with precise notifications, and JSON writing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-execution.h"
#include "jd-jobs-error.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_status (void)
{
  static const char *const names[] = {
    "QUEUED", "IN_PROGRESS", "SUCCEEDED", "FAILED", "TIMED_OUT", "REJECTED", "REMOVED", "CANCELED",
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (JD_TYPE_EXECUTION_STATUS);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JdExecutionStatus status = jd_execution_status_from_string (names[i]);

      g_assert_cmpint (status, !=, JD_EXECUTION_STATUS_UNKNOWN);
      g_assert_cmpstr (jd_execution_status_to_string (status), ==, names[i]);
      g_assert_nonnull (g_enum_get_value (klass, status));
    }

  g_assert_cmpuint (klass->n_values, ==, 9);
  g_assert_cmpint (jd_execution_status_from_string ("PAUSED"), ==, JD_EXECUTION_STATUS_UNKNOWN);
  g_assert_cmpint (jd_execution_status_from_string ("queued"), ==, JD_EXECUTION_STATUS_UNKNOWN);
  g_assert_cmpint (jd_execution_status_from_string (""), ==, JD_EXECUTION_STATUS_UNKNOWN);
  g_assert_cmpint (jd_execution_status_from_string (NULL), ==, JD_EXECUTION_STATUS_UNKNOWN);
  g_assert_cmpstr (jd_execution_status_to_string (JD_EXECUTION_STATUS_UNKNOWN), ==, "UNKNOWN");
  g_assert_cmpstr (jd_execution_status_to_string (99), ==, "UNKNOWN");

  g_assert_true (jd_execution_status_is_pending (JD_EXECUTION_STATUS_QUEUED));
  g_assert_true (jd_execution_status_is_pending (JD_EXECUTION_STATUS_IN_PROGRESS));
  g_assert_false (jd_execution_status_is_pending (JD_EXECUTION_STATUS_SUCCEEDED));
  g_assert_false (jd_execution_status_is_terminal (JD_EXECUTION_STATUS_IN_PROGRESS));
  g_assert_false (jd_execution_status_is_terminal (JD_EXECUTION_STATUS_UNKNOWN));
  g_assert_true (jd_execution_status_is_terminal (JD_EXECUTION_STATUS_TIMED_OUT));
  g_assert_true (jd_execution_status_is_terminal (JD_EXECUTION_STATUS_CANCELED));
  g_assert_true (jd_execution_status_is_terminal (JD_EXECUTION_STATUS_REMOVED));
}

static void
test_parse_full (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"jobId\":\"job1\",\"thingName\":\"T\",\"status\":\"IN_PROGRESS\","
    "\"statusDetails\":{\"step\":\"3/5\",\"n\":7,\"ok\":true},"
    "\"queuedAt\":1489096123,\"startedAt\":1489096124,\"lastUpdatedAt\":1489096125,"
    "\"versionNumber\":2,\"executionNumber\":1,\"approximateSecondsBeforeTimedOut\":50,"
    "\"jobDocument\":{\"operation\":\"reboot\",\"n\":[1,2]}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_execution_new_from_json (object, &error);
  GHashTable *details;
  JsonNode *doc;

  g_assert_no_error (error);
  g_assert_cmpstr (jd_execution_get_job_id (e), ==, "job1");
  g_assert_cmpstr (jd_execution_get_thing_name (e), ==, "T");
  g_assert_cmpint (jd_execution_get_status (e), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  details = jd_execution_get_status_details (e);
  g_assert_cmpuint (g_hash_table_size (details), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (details, "step"), ==, "3/5");
  g_assert_cmpstr (g_hash_table_lookup (details, "n"), ==, "7");
  g_assert_cmpstr (g_hash_table_lookup (details, "ok"), ==, "true");
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_queued_at (e)), ==, 1489096123);
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_started_at (e)), ==, 1489096124);
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_last_updated_at (e)), ==, 1489096125);
  g_assert_cmpint (jd_execution_get_version_number (e), ==, 2);
  g_assert_cmpint (jd_execution_get_execution_number (e), ==, 1);
  g_assert_cmpint (jd_execution_get_approximate_seconds_before_timed_out (e), ==, 50);
  doc = jd_execution_get_job_document (e);
  g_assert_nonnull (doc);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (doc));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (doc), "operation"), ==, "reboot");
}

static void
test_parse_tolerant (void)
{
  /* Optional fields missing, numeric strings, milliseconds, document as a string. */
  g_autoptr(JsonObject) object = parse_object (
    "{\"jobId\":\"j\",\"status\":\"QUEUED\",\"queuedAt\":1489096425069,"
    "\"versionNumber\":\"3\",\"executionNumber\":\" 4 \",\"lastUpdatedAt\":1.489096426e9,"
    "\"jobDocument\":\"{\\\"a\\\":1}\",\"unknownKey\":[1,2,3],\"startedAt\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_execution_new_from_json (object, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_queued_at (e)), ==, 1489096425);
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_last_updated_at (e)), ==, 1489096426);
  g_assert_null (jd_execution_get_started_at (e));
  g_assert_null (jd_execution_get_thing_name (e));
  g_assert_cmpint (jd_execution_get_version_number (e), ==, 3);
  g_assert_cmpint (jd_execution_get_execution_number (e), ==, 4);
  g_assert_cmpint (jd_execution_get_approximate_seconds_before_timed_out (e), ==, -1);
  g_assert_cmpuint (g_hash_table_size (jd_execution_get_status_details (e)), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (jd_execution_get_job_document (e)));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (jd_execution_get_job_document (e)), "a"), ==, 1);

  /* An unknown status never crashes and keeps its spelling. */
  {
    g_autoptr(JsonObject) o2 = parse_object ("{\"jobId\":\"j\",\"status\":\"PAUSED\"}");
    g_autoptr(JdExecution) e2 = jd_execution_new_from_json (o2, &error);

    g_assert_no_error (error);
    g_assert_cmpint (jd_execution_get_status (e2), ==, JD_EXECUTION_STATUS_UNKNOWN);
    g_assert_cmpstr (jd_execution_get_status_string (e2), ==, "PAUSED");
  }
}

static void
test_parse_invalid (void)
{
  static const char *const bad[] = {
    "{}",
    "{\"jobId\":5}",
    "{\"jobId\":\"\"}",
    "{\"jobId\":\"a/b\"}",
    "{\"jobId\":\"j\",\"versionNumber\":\"two\"}",
    "{\"jobId\":\"j\",\"versionNumber\":1.5}",
    "{\"jobId\":\"j\",\"versionNumber\":-1}",
    "{\"jobId\":\"j\",\"versionNumber\":{}}",
    "{\"jobId\":\"j\",\"queuedAt\":\"yesterday\"}",
    "{\"jobId\":\"j\",\"queuedAt\":1e300}",
    "{\"jobId\":\"j\",\"status\":7}",
    "{\"jobId\":\"j\",\"statusDetails\":\"x\"}",
    "{\"jobId\":\"j\",\"statusDetails\":{\"a\":{\"b\":1}}}",
    "{\"jobId\":\"j\",\"thingName\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) object = parse_object (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(JdExecution) e = jd_execution_new_from_json (object, &error);

      g_test_message ("payload %s", bad[i]);
      g_assert_null (e);
      g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY);
      g_assert_nonnull (error->message);
    }
}

static void
test_summary (void)
{
  /* Field order as in captures. */
  g_autoptr(JsonObject) object = parse_object (
    "{\"jobId\":\"job2\",\"queuedAt\":1000,\"lastUpdatedAt\":1001,\"startedAt\":1002,"
    "\"executionNumber\":1,\"versionNumber\":2}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_execution_new_from_summary (object, JD_EXECUTION_STATUS_IN_PROGRESS, &error);
  g_autoptr(JsonNode) back = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (jd_execution_get_status (e), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_execution_get_version_number (e), ==, 2);
  g_assert_cmpint (g_date_time_to_unix (jd_execution_get_started_at (e)), ==, 1002);
  g_assert_null (jd_execution_get_job_document (e));

  back = jd_execution_to_summary_json (e);
  text = json_to_string (back, FALSE);
  g_assert_cmpstr (text, ==, "{\"jobId\":\"job2\",\"queuedAt\":1000,\"lastUpdatedAt\":1001,"
                             "\"startedAt\":1002,\"executionNumber\":1,\"versionNumber\":2}");
}

typedef struct {
  GPtrArray *names;
} NotifyLog;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  NotifyLog *log = user_data;

  g_ptr_array_add (log->names, g_strdup (pspec->name));
}

static gboolean
log_has (NotifyLog  *log,
         const char *name)
{
  for (guint i = 0; i < log->names->len; i++)
    if (strcmp (g_ptr_array_index (log->names, i), name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_update_in_place (void)
{
  g_autoptr(JsonObject) first = parse_object (
    "{\"jobId\":\"j\",\"status\":\"QUEUED\",\"queuedAt\":100,\"lastUpdatedAt\":100,"
    "\"versionNumber\":1,\"executionNumber\":1,\"jobDocument\":{\"x\":1}}");
  g_autoptr(JsonObject) same = parse_object (
    "{\"jobId\":\"j\",\"status\":\"QUEUED\",\"queuedAt\":100,\"lastUpdatedAt\":100,"
    "\"versionNumber\":1,\"executionNumber\":1,\"jobDocument\":{\"x\":1}}");
  g_autoptr(JsonObject) started = parse_object (
    "{\"jobId\":\"j\",\"status\":\"IN_PROGRESS\",\"queuedAt\":100,\"startedAt\":150,"
    "\"lastUpdatedAt\":150,\"versionNumber\":2,\"executionNumber\":1,\"statusDetails\":{\"s\":\"1\"}}");
  g_autoptr(JsonObject) state = parse_object (
    "{\"status\":\"SUCCEEDED\",\"statusDetails\":{\"s\":\"2\"},\"versionNumber\":3}");
  g_autoptr(JsonObject) other = parse_object ("{\"jobId\":\"k\",\"status\":\"FAILED\"}");
  g_autoptr(JsonObject) broken = parse_object ("{\"jobId\":\"j\",\"status\":\"FAILED\",\"versionNumber\":\"x\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_execution_new_from_json (first, &error);
  NotifyLog log = { g_ptr_array_new_with_free_func (g_free) };

  g_assert_no_error (error);
  g_signal_connect (e, "notify", G_CALLBACK (notify_cb), &log);

  /* Nothing changes: nothing notifies. */
  g_assert_true (jd_execution_update_from_json (e, same, JD_EXECUTION_PARSE_FULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.names->len, ==, 0);

  /* Only what changed notifies, once each; the document survives (merge). */
  g_assert_true (jd_execution_update_from_json (e, started, JD_EXECUTION_PARSE_MERGE, &error));
  g_assert_cmpuint (log.names->len, ==, 5);
  g_assert_true (log_has (&log, "status"));
  g_assert_true (log_has (&log, "started-at"));
  g_assert_true (log_has (&log, "last-updated-at"));
  g_assert_true (log_has (&log, "version-number"));
  g_assert_true (log_has (&log, "status-details"));
  g_assert_false (log_has (&log, "job-document"));
  g_assert_nonnull (jd_execution_get_job_document (e));
  g_ptr_array_set_size (log.names, 0);

  g_assert_true (jd_execution_update_from_state (e, state, &error));
  g_assert_cmpint (jd_execution_get_status (e), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpint (jd_execution_get_version_number (e), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (jd_execution_get_status_details (e), "s"), ==, "2");
  g_assert_cmpuint (log.names->len, ==, 3);
  g_ptr_array_set_size (log.names, 0);

  /* Another job's object, or a broken one, leaves it untouched. */
  g_assert_false (jd_execution_update_from_json (e, other, JD_EXECUTION_PARSE_MERGE, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY);
  g_clear_error (&error);
  g_assert_false (jd_execution_update_from_json (e, broken, JD_EXECUTION_PARSE_MERGE, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY);
  g_clear_error (&error);
  g_assert_cmpint (jd_execution_get_status (e), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpuint (log.names->len, ==, 0);

  /* A full execution without details clears them. */
  g_assert_true (jd_execution_update_from_json (e, same, JD_EXECUTION_PARSE_FULL, &error));
  g_assert_cmpuint (g_hash_table_size (jd_execution_get_status_details (e)), ==, 0);
  g_assert_true (log_has (&log, "status-details"));

  jd_execution_set_is_next (e, TRUE);
  g_assert_true (log_has (&log, "is-next"));
  g_assert_true (jd_execution_get_is_next (e));

  g_signal_handlers_disconnect_by_data (e, &log);
  g_ptr_array_unref (log.names);
  g_assert_finalize_object (g_steal_pointer (&e));
}

static void
test_write (void)
{
  const char *json =
    "{\"jobId\":\"job1\",\"thingName\":\"T\",\"status\":\"IN_PROGRESS\","
    "\"statusDetails\":{\"a\":\"1\",\"b\":\"2\"},\"queuedAt\":100,\"startedAt\":101,"
    "\"lastUpdatedAt\":102,\"versionNumber\":2,\"executionNumber\":1,"
    "\"approximateSecondsBeforeTimedOut\":60,\"jobDocument\":{\"x\":[1,true,null]}}";
  g_autoptr(JsonObject) object = parse_object (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) e = jd_execution_new_from_json (object, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  node = jd_execution_to_json (e);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==, json);

  /* Minimal: optional fields left out. */
  {
    g_autoptr(JdExecution) m = jd_execution_new ("m");
    g_autoptr(JsonNode) n = NULL;
    g_autofree char *t = NULL;

    jd_execution_set_status (m, JD_EXECUTION_STATUS_QUEUED);
    n = jd_execution_to_json (m);
    t = json_to_string (n, FALSE);
    g_assert_cmpstr (t, ==, "{\"jobId\":\"m\",\"status\":\"QUEUED\",\"versionNumber\":0,\"executionNumber\":0}");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/execution/status", test_status);
  g_test_add_func ("/execution/parse/full", test_parse_full);
  g_test_add_func ("/execution/parse/tolerant", test_parse_tolerant);
  g_test_add_func ("/execution/parse/invalid", test_parse_invalid);
  g_test_add_func ("/execution/summary", test_summary);
  g_test_add_func ("/execution/update-in-place", test_update_in_place);
  g_test_add_func ("/execution/write", test_write);

  return g_test_run ();
}
