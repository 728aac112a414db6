/* test-rules.c — jd-rules and jd-json: AWS's limits and identifier patterns,
 * and the raw-text check for what json-glib silently changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-jobs-error.h"
#include "jd-json.h"
#include "jd-rules.h"

static void
test_identifiers (void)
{
  g_autofree char *s128 = g_strnfill (128, 'a');
  g_autofree char *s129 = g_strnfill (129, 'a');
  g_autofree char *s64 = g_strnfill (64, 'a');
  g_autofree char *s65 = g_strnfill (65, 'a');

  g_assert_true (jd_rules_is_valid_thing_name ("a:b_c-1", -1));
  g_assert_true (jd_rules_is_valid_thing_name (s128, -1));
  g_assert_false (jd_rules_is_valid_thing_name (s129, -1));
  g_assert_false (jd_rules_is_valid_thing_name ("a b", -1));
  g_assert_false (jd_rules_is_valid_thing_name ("", -1));
  /* A NUL inside a length-given name is not a name character. */
  g_assert_false (jd_rules_is_valid_thing_name ("ab\0c", 4));
  g_assert_true (jd_rules_is_valid_job_id ("Job_1-x", -1));
  g_assert_true (jd_rules_is_valid_job_id (s64, -1));
  g_assert_false (jd_rules_is_valid_job_id (s65, -1));
  g_assert_false (jd_rules_is_valid_job_id ("a:b", -1));
  g_assert_false (jd_rules_is_valid_job_id ("$next", -1));
  g_assert_false (jd_rules_is_valid_job_id ("j\0", 2));
  g_assert_true (jd_rules_is_next_job_id ("$next", -1));
  g_assert_false (jd_rules_is_next_job_id ("$next\0", 6));
}

static void
test_client_token_and_details (void)
{
  g_autofree char *t64 = g_strnfill (64, 'x');
  g_autofree char *t65 = g_strnfill (65, 'x');
  g_autofree char *v1024 = g_strnfill (1024, 'v');
  g_autofree char *v1025 = g_strnfill (1025, 'v');

  g_assert_true (jd_rules_is_valid_client_token (t64, -1));
  g_assert_false (jd_rules_is_valid_client_token (t65, -1));
  g_assert_true (jd_rules_is_valid_client_token ("äöü", -1));
  g_assert_false (jd_rules_is_valid_client_token ("ab\0cd", 5));

  g_assert_true (jd_rules_is_valid_status_details_key ("progress:step_1-a", -1));
  g_assert_false (jd_rules_is_valid_status_details_key ("a.b", -1));
  g_assert_false (jd_rules_is_valid_status_details_key ("k\0x", 3));
  g_assert_true (jd_rules_is_valid_status_details_value ("50 %", -1));
  g_assert_true (jd_rules_is_valid_status_details_value (v1024, -1));
  g_assert_false (jd_rules_is_valid_status_details_value (v1025, -1));
  g_assert_false (jd_rules_is_valid_status_details_value ("", -1));
  g_assert_false (jd_rules_is_valid_status_details_value ("a\001b", -1));
  g_assert_false (jd_rules_is_valid_status_details_value ("a\0b", 3));

  g_assert_true (jd_rules_is_valid_step_timeout (1, FALSE));
  g_assert_true (jd_rules_is_valid_step_timeout (10080, FALSE));
  g_assert_false (jd_rules_is_valid_step_timeout (10081, FALSE));
  g_assert_false (jd_rules_is_valid_step_timeout (-1, FALSE));
  g_assert_true (jd_rules_is_valid_step_timeout (-1, TRUE));
  g_assert_false (jd_rules_is_valid_step_timeout (0, TRUE));
}

/* json-glib itself: the reason the text check exists. If a later json-glib
 * keeps NULs or refuses big integers, this test says so. */
static void
test_json_glib_loses (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, "{\"a\":\"x\\u0000y\",\"n\":18446744073709551615}", -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "a")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "n"), ==, -1);
}

static void
test_check_text (void)
{
  static const struct {
    const char      *text;
    JdJsonTextIssue  issue;
    const char      *path;
    const char      *literal;
  } cases[] = {
    { "{\"status\":\"IN_PROGRESS\",\"n\":12}", JD_JSON_TEXT_OK, NULL, NULL },
    { "{\"status\":\"IN\\u0000PROGRESS\"}", JD_JSON_TEXT_NUL_IN_STRING, "status", NULL },
    { "{\"statusDetails\":{\"k\":\"a\\u0000\"}}", JD_JSON_TEXT_NUL_IN_STRING, "statusDetails.k", NULL },
    { "{\"statusDetails\":{\"k\\u0000x\":\"a\"}}", JD_JSON_TEXT_NUL_IN_STRING, "statusDetails.k", NULL },
    { "{\"targets\":[\"a\",\"b\\u0000\"]}", JD_JSON_TEXT_NUL_IN_STRING, "targets[1]", NULL },
    /* an escaped backslash before u0000 is text, not a NUL */
    { "{\"a\":\"\\\\u0000\"}", JD_JSON_TEXT_OK, NULL, NULL },
    { "{\"a\":\"\\u0001\"}", JD_JSON_TEXT_OK, NULL, NULL },
    { "{\"stepTimeoutInMinutes\":18446744073709551615}", JD_JSON_TEXT_INTEGER_OUT_OF_RANGE,
      "stepTimeoutInMinutes", "18446744073709551615" },
    { "{\"a\":{\"b\":-9223372036854775809}}", JD_JSON_TEXT_INTEGER_OUT_OF_RANGE, "a.b", "-9223372036854775809" },
    { "{\"a\":9223372036854775807,\"b\":-9223372036854775808}", JD_JSON_TEXT_OK, NULL, NULL },
    { "{\"a\":1.8e19,\"b\":18446744073709551615.5}", JD_JSON_TEXT_OK, NULL, NULL },
    { "{\"s\":\"18446744073709551615\"}", JD_JSON_TEXT_OK, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *literal = NULL;

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (jd_json_check_text (cases[i].text, strlen (cases[i].text), NULL, &path, &literal),
                       ==, cases[i].issue);
      g_assert_cmpstr (path, ==, cases[i].path);
      g_assert_cmpstr (literal, ==, cases[i].literal);
    }

  /* Only the listed members' integers matter. */
  {
    static const char *const only[] = { "expectedVersion", NULL };
    const char *text = "{\"other\":99999999999999999999,\"expectedVersion\":99999999999999999999}";
    g_autofree char *path = NULL;

    g_assert_cmpint (jd_json_check_text (text, strlen (text), only, &path, NULL), ==,
                     JD_JSON_TEXT_INTEGER_OUT_OF_RANGE);
    g_assert_cmpstr (path, ==, "expectedVersion");
  }
}

static void
test_check_json_text_messages (void)
{
  static const JdRulesRange ranges[] = {
    { "stepTimeoutInMinutes", 1, 10080 },
  };
  const char *nul = "{\"clientToken\":\"a\\u0000b\"}";
  const char *big = "{\"stepTimeoutInMinutes\":18446744073709551615}";
  const char *other = "{\"unread\":18446744073709551615}";
  g_autoptr(GError) error = NULL;

  g_assert_false (jd_rules_check_json_text (nul, strlen (nul), ranges, 1, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "'clientToken'"));
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_clear_error (&error);

  g_assert_false (jd_rules_check_json_text (big, strlen (big), ranges, 1, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==,
                   "Value 18446744073709551615 at 'stepTimeoutInMinutes' failed to satisfy constraint: "
                   "Member must be between 1 and 10080");
  g_clear_error (&error);

  g_assert_true (jd_rules_check_json_text (other, strlen (other), ranges, 1, &error));
  g_assert_no_error (error);

  g_assert_false (jd_rules_check_string ("jobId", "ab\0c", 4, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "'jobId'"));
  g_clear_error (&error);
  g_assert_true (jd_rules_check_string ("jobId", "abc", 3, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/identifiers", test_identifiers);
  g_test_add_func ("/rules/client-token-and-details", test_client_token_and_details);
  g_test_add_func ("/rules/json-glib-loses", test_json_glib_loses);
  g_test_add_func ("/rules/check-text", test_check_text);
  g_test_add_func ("/rules/check-json-text-messages", test_check_json_text_messages);

  return g_test_run ();
}
