/* fuzz-execution.c — libFuzzer target: JSON text as a device receives it
 * (a JobExecution, a reply with "execution" / "executionState", a notify with
 * "jobs") through jd_execution_new_from_json, update_from_json (merge and
 * full), update_from_state, new_from_summary and back to JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "fuzz-execution"

#include <json-glib/json-glib.h>

#include "jd-execution.h"
#include "jd-fuzz.h"

static void
exercise_execution (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_execution_new_from_json (object, &error);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(JdExecution) reread = NULL;

  if (execution == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (jd_execution_get_job_id (execution));

  /* Merging the same object again changes nothing that breaks it. */
  jd_execution_update_from_json (execution, object, JD_EXECUTION_PARSE_MERGE, NULL);
  jd_execution_update_from_json (execution, object, JD_EXECUTION_PARSE_FULL, NULL);
  jd_execution_update_from_state (execution, object, NULL);

  /* What we write, we read back. */
  written = jd_execution_to_json (execution);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (written));
  reread = jd_execution_new_from_json (json_node_get_object (written), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_execution_get_job_id (reread), ==, jd_execution_get_job_id (execution));
  g_assert_cmpint (jd_execution_get_status (reread), ==, jd_execution_get_status (execution));
  g_assert_cmpint (jd_execution_get_version_number (reread), ==, jd_execution_get_version_number (execution));
  summary = jd_execution_to_summary_json (execution);
  g_assert_nonnull (summary);
}

static void
exercise_summaries (JsonArray        *array,
                    JdExecutionStatus status)
{
  for (guint i = 0; i < json_array_get_length (array) && i < 64; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(JdExecution) execution = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      execution = jd_execution_new_from_summary (json_node_get_object (element), status, &error);
      g_assert_true ((execution == NULL) == (error != NULL));
      if (execution != NULL)
        g_assert_cmpint (jd_execution_get_status (execution), ==, status);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  jd_fuzz_init_logging ();

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  /* Empty input parses to no root at all. */
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;
  root = json_node_get_object (json_parser_get_root (parser));

  exercise_execution (root);

  /* Replies carry the execution (or its state) one level down. */
  if (json_object_has_member (root, "execution") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "execution")))
    exercise_execution (json_object_get_object_member (root, "execution"));
  if (json_object_has_member (root, "executionState") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "executionState")))
    {
      g_autoptr(JdExecution) execution = jd_execution_new ("fuzz-job");

      jd_execution_update_from_state (execution, json_object_get_object_member (root, "executionState"), NULL);
    }

  /* get-pending's lists and notify's "jobs" map. */
  if (json_object_has_member (root, "inProgressJobs") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "inProgressJobs")))
    exercise_summaries (json_object_get_array_member (root, "inProgressJobs"), JD_EXECUTION_STATUS_IN_PROGRESS);
  if (json_object_has_member (root, "queuedJobs") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "queuedJobs")))
    exercise_summaries (json_object_get_array_member (root, "queuedJobs"), JD_EXECUTION_STATUS_QUEUED);
  if (json_object_has_member (root, "jobs") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "jobs")))
    {
      JsonObject *jobs = json_object_get_object_member (root, "jobs");

      if (json_object_has_member (jobs, "QUEUED") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (jobs, "QUEUED")))
        exercise_summaries (json_object_get_array_member (jobs, "QUEUED"), JD_EXECUTION_STATUS_QUEUED);
      if (json_object_has_member (jobs, "IN_PROGRESS") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (jobs, "IN_PROGRESS")))
        exercise_summaries (json_object_get_array_member (jobs, "IN_PROGRESS"), JD_EXECUTION_STATUS_IN_PROGRESS);
    }

  return 0;
}
