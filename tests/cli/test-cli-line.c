/* test-cli-line.c — jobdeck-cli's word splitting, option parsing and output
 * lines, without any network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-cli.h"
#include "jd-cli-line.h"
#include "jd-cli-output.h"

static void
test_split_quoting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ends = NULL;
  const char *line = "  cancel-job  Job1 --comment 'two words' --reason-code \"a \\\"b\\\"\" c\\ d ";
  g_autoptr(GPtrArray) words = jd_cli_line_split (line, &ends, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (words->len, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (words, 0), ==, "cancel-job");
  g_assert_cmpstr (g_ptr_array_index (words, 1), ==, "Job1");
  g_assert_cmpstr (g_ptr_array_index (words, 3), ==, "two words");
  g_assert_cmpstr (g_ptr_array_index (words, 5), ==, "a \"b\"");
  g_assert_cmpstr (g_ptr_array_index (words, 6), ==, "c d");
  g_assert_cmpuint (ends->len, ==, 7);
  g_assert_cmpuint (g_array_index (ends, gsize, 1), ==, strstr (line, "Job1") - line + 4);
}

static void
test_split_empty_and_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) empty = jd_cli_line_split (" \t ", NULL, &error);
  GPtrArray *bad;

  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  bad = jd_cli_line_split ("describe-job 'Job1", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
  g_clear_error (&error);

  bad = jd_cli_line_split ("describe-job \"Job1", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
}

static void
test_rest_of_line (void)
{
  const char *line = "create-job Job1 {\"Todo\": \"Reboot now\"}  \n";
  g_autoptr(GArray) ends = NULL;
  g_autoptr(GPtrArray) words = jd_cli_line_split (line, &ends, NULL);
  g_autofree char *rest = jd_cli_line_rest (line, g_array_index (ends, gsize, 1));

  g_assert_cmpstr (rest, ==, "{\"Todo\": \"Reboot now\"}");
  g_assert_cmpuint (words->len, ==, 4);
}

static const JdCliOption options[] = {
  { "target", "THING", TRUE },
  { "force", NULL, FALSE },
  { "comment", "TEXT", FALSE },
  { NULL }
};

static void
test_parse_words (void)
{
  const char *words[] = { "--target", "A", "--target=B", "Job1", "--force", "x", NULL };
  g_autoptr(GError) error = NULL;
  guint consumed = 0;
  g_autoptr(JdCliParsed) parsed = jd_cli_parse_words ("t", words, 6, options, 0, &consumed, &error);
  GPtrArray *targets;

  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, 6);
  g_assert_cmpuint (parsed->args->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (parsed->args, 0), ==, "Job1");
  g_assert_cmpstr (g_ptr_array_index (parsed->args, 1), ==, "x");
  targets = jd_cli_parsed_get_all (parsed, "target");
  g_assert_cmpuint (targets->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (targets, 1), ==, "B");
  g_assert_true (jd_cli_parsed_has (parsed, "force"));
  g_assert_false (jd_cli_parsed_has (parsed, "comment"));
  g_assert_null (jd_cli_parsed_get (parsed, "comment"));
}

static void
test_parse_stop_after (void)
{
  const char *words[] = { "--force", "Job1", "{\"a\":", "--force", NULL };
  guint consumed = 0;
  g_autoptr(JdCliParsed) parsed = jd_cli_parse_words ("t", words, 4, options, 1, &consumed, NULL);

  g_assert_nonnull (parsed);
  g_assert_cmpuint (consumed, ==, 2);
  g_assert_cmpuint (parsed->args->len, ==, 1);
}

static void
test_parse_errors (void)
{
  struct {
    const char *words[3];
    guint       n;
    const char *needle;
  } cases[] = {
    { { "--nope" }, 1, "unknown option --nope" },
    { { "--comment" }, 1, "needs a value" },
    { { "--force=yes" }, 1, "takes no value" },
    { { "--force", "--force" }, 2, "only once" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      JdCliParsed *parsed = jd_cli_parse_words ("delete-job", cases[i].words, cases[i].n,
                                                options, 0, NULL, &error);

      g_assert_null (parsed);
      g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_true (g_str_has_prefix (error->message, "delete-job: "));
    }
}

static void
test_ints_and_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 value = 0;

  g_assert_true (jd_cli_parse_int ("c", "--n", "42", 1, 100, &value, &error));
  g_assert_cmpint (value, ==, 42);
  g_assert_false (jd_cli_parse_int ("c", "--n", "0", 1, 100, &value, &error));
  g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
  g_clear_error (&error);
  g_assert_false (jd_cli_parse_int ("c", "--n", "4x", 1, 100, &value, &error));
  g_clear_error (&error);
  g_assert_false (jd_cli_parse_int ("c", "--n", "", 1, 100, &value, &error));
  g_clear_error (&error);

  g_assert_true (jd_cli_parse_detail ("c", "step=3/5", details, &error));
  g_assert_true (jd_cli_parse_detail ("c", "empty=", details, &error));
  g_assert_cmpstr (g_hash_table_lookup (details, "step"), ==, "3/5");
  g_assert_cmpstr (g_hash_table_lookup (details, "empty"), ==, "");
  g_assert_false (jd_cli_parse_detail ("c", "novalue", details, &error));
  g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
  g_clear_error (&error);
  g_assert_false (jd_cli_parse_detail ("c", "=x", details, &error));
  g_assert_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE);
}

static void
test_output_lines (void)
{
  const char *text = "{ \"timestamp\": 5,\n \"jobs\": {} }";
  g_autoptr(JsonNode) payload = jd_cli_json_from_payload (text, strlen (text));
  g_autoptr(JsonNode) empty = jd_cli_json_from_payload ("", 0);
  g_autoptr(JsonNode) not_json = jd_cli_json_from_payload ("oops", 4);
  g_autofree char *response = jd_cli_format_response (FALSE, "GetPendingJobExecutions", payload);
  g_autofree char *none = jd_cli_format_response (FALSE, "DeleteJob", NULL);
  g_autofree char *event = jd_cli_format_event (FALSE, "JobExecutionsChanged", payload);
  g_autofree char *rejected = jd_cli_format_rejected (FALSE, "UpdateJobExecution",
                                                      "VersionMismatch", "stale", NULL);
  g_autofree char *json_line = jd_cli_format_rejected (TRUE, "UpdateJobExecution",
                                                       "VersionMismatch", "stale", NULL);
  g_autofree char *json_event = jd_cli_format_event (TRUE, "NextJobExecutionChanged", empty);
  g_autofree char *empty_text = jd_cli_json_to_compact (empty);

  g_assert_cmpstr (response, ==, "GetPendingJobExecutionsResponse: {\"timestamp\":5,\"jobs\":{}}");
  g_assert_cmpstr (none, ==, "DeleteJobResponse: {}");
  g_assert_cmpstr (event, ==, "Received JobExecutionsChanged event: {\"timestamp\":5,\"jobs\":{}}");
  g_assert_cmpstr (rejected, ==, "UpdateJobExecution rejected: VersionMismatch: stale");
  g_assert_cmpstr (json_line, ==,
                   "{\"kind\":\"rejected\",\"name\":\"UpdateJobExecution\","
                   "\"payload\":{\"code\":\"VersionMismatch\",\"message\":\"stale\"}}");
  g_assert_cmpstr (json_event, ==,
                   "{\"kind\":\"event\",\"name\":\"NextJobExecutionChanged\",\"payload\":{}}");
  g_assert_cmpstr (empty_text, ==, "{}");
  g_assert_true (JSON_NODE_HOLDS_VALUE (not_json));
  g_assert_cmpstr (json_node_get_string (not_json), ==, "oops");
}

static void
test_help_lists_every_command (void)
{
  g_autofree char *help = jd_cli_dup_help (NULL);
  g_autofree char *one = jd_cli_dup_help ("update-job-execution");
  const char *names[] = {
    "create-job [--target THING]... [--group GROUP]... [--continuous] [--description TEXT] [--timeout-minutes N] [--config JSON] <jobId> <jobDocument-as-JSON>",
    "delete-job <jobId> [--force]", "get-pending-job-executions",
    "start-next-pending-job-execution [--step-timeout N] [--detail key=value]...",
    "describe-job-execution <jobId|$next> [--execution-number N] [--no-document]",
    "update-job-execution <jobId> <IN_PROGRESS|SUCCEEDED|FAILED|REJECTED>",
    "cancel-job <jobId> [--force] [--reason-code C] [--comment TEXT]",
    "describe-job <jobId>", "list-jobs [--status", "list-executions [--job ID | --thing NAME]",
    "watch", "help", "quit", "history",
    "create-thing-group <groupName> [--parent GROUP] [--description TEXT]", "describe-thing-group <groupName>",
    "list-thing-groups [--parent GROUP] [--recursive]", "delete-thing-group <groupName> [--expected-version N]",
    "add-thing-to-thing-group <groupName> <thingName>", "remove-thing-from-thing-group <groupName> <thingName>",
    "list-things-in-thing-group <groupName> [--recursive]", "list-thing-groups-for-thing <thingName>",
    "associate-targets-with-job <jobId> [--target THING]... [--group GROUP]... [--comment TEXT]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (strstr (help, names[i]));
  g_assert_nonnull (strstr (one, "--expected-version N"));
  g_assert_null (jd_cli_dup_help ("no-such-command"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/line/split-quoting", test_split_quoting);
  g_test_add_func ("/cli/line/split-empty-and-errors", test_split_empty_and_errors);
  g_test_add_func ("/cli/line/rest-of-line", test_rest_of_line);
  g_test_add_func ("/cli/line/parse-words", test_parse_words);
  g_test_add_func ("/cli/line/parse-stop-after", test_parse_stop_after);
  g_test_add_func ("/cli/line/parse-errors", test_parse_errors);
  g_test_add_func ("/cli/line/ints-and-details", test_ints_and_details);
  g_test_add_func ("/cli/output/lines", test_output_lines);
  g_test_add_func ("/cli/help", test_help_lists_every_command);

  return g_test_run ();
}
