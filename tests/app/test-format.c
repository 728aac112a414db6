/* test-format.c — relative and exact times, status labels and colours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jd-format.h"

static void
test_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 23, 12, 0, 0);
  struct {
    int seconds_ago;
    const char *expected;
  } cases[] = {
    { 0, "just now" },
    { 59, "just now" },
    { 60, "1 min ago" },
    { 59 * 60 + 59, "59 min ago" },
    { 60 * 60, "1 h ago" },
    { 23 * 3600 + 3599, "23 h ago" },
    { 24 * 3600, "yesterday" },
    { -30, "just now" }, /* a clock a little ahead never says "in the future" */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -cases[i].seconds_ago);
      g_autofree char *text = jd_format_relative_time (when, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    g_autofree char *none = jd_format_relative_time (NULL, now);
    g_autoptr(GDateTime) old = g_date_time_new_utc (2026, 1, 5, 12, 0, 0);
    g_autofree char *date = jd_format_relative_time (old, now);

    g_assert_cmpstr (none, ==, "—");
    g_assert_nonnull (strstr (date, "2026"));
  }
}

static void
test_exact_time (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 23, 10, 4, 5);
  g_autofree char *text = jd_format_exact_time (when);
  g_autofree char *never = jd_format_exact_time (NULL);

  /* TZ=UTC in this test, so the local time is the UTC one. */
  g_assert_true (g_str_has_prefix (text, "2026-11-23 10:04:05"));
  g_assert_cmpstr (never, ==, "Never");
}

static void
test_status (void)
{
  g_assert_cmpstr (jd_format_status_label (JD_EXECUTION_STATUS_IN_PROGRESS), ==, "In Progress");
  g_assert_cmpstr (jd_format_status_style (JD_EXECUTION_STATUS_IN_PROGRESS), ==, "accent");
  g_assert_cmpstr (jd_format_status_style (JD_EXECUTION_STATUS_SUCCEEDED), ==, "success");
  g_assert_cmpstr (jd_format_status_style (JD_EXECUTION_STATUS_FAILED), ==, "error");
  g_assert_cmpstr (jd_format_status_style (JD_EXECUTION_STATUS_TIMED_OUT), ==, "error");
  g_assert_cmpstr (jd_format_status_style (JD_EXECUTION_STATUS_CANCELED), ==, "warning");
  g_assert_cmpstr (jd_format_status_label ((JdExecutionStatus) 999), ==, "Unknown");
}

static void
test_json_pretty (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"a\":{\"b\":[1,2]}}", NULL);
  g_autofree char *pretty = jd_format_json_pretty (node);
  g_autofree char *empty = jd_format_json_pretty (NULL);

  g_assert_cmpstr (pretty, ==, "{\n  \"a\" : {\n    \"b\" : [\n      1,\n      2\n    ]\n  }\n}");
  g_assert_cmpstr (empty, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/format/relative-time", test_relative_time);
  g_test_add_func ("/app/format/exact-time", test_exact_time);
  g_test_add_func ("/app/format/status", test_status);
  g_test_add_func ("/app/format/json-pretty", test_json_pretty);

  return g_test_run ();
}
