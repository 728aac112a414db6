/* test-device-program.c — job documents read as the AWS IoT Device Client
 * reads them: schema 1.0, the legacy form, and what it rejects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-device-program.h"

static JdDeviceProgram *
parse (const char *json,
       char      **problem)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return jd_device_program_parse (json_parser_get_root (parser), problem);
}

static void
test_schema_1 (void)
{
  /* AWS-Download-File after substitution, with a final step. */
  g_autoptr(JdDeviceProgram) p = parse (
    "{\"version\":\"1.0\",\"includeStdOut\":\"true\",\"steps\":[{\"action\":{\"name\":\"Download-File\","
    "\"type\":\"runHandler\",\"input\":{\"handler\":\"download-file.sh\",\"args\":[\"https://x/f\",\"/tmp/f\"],"
    "\"path\":\"default\"},\"runAsUser\":\"\"}},{\"action\":{\"name\":\"Say\",\"type\":\"runCommand\","
    "\"input\":{\"command\":\"echo, hello\\\\, world\"},\"ignoreStepFailure\":\"true\"}}],"
    "\"finalStep\":{\"action\":{\"name\":\"Cleanup\",\"type\":\"runCommand\",\"input\":{\"command\":\"rm,/tmp/f\"}}}}",
    NULL);
  JdDeviceStep *s;

  g_assert_nonnull (p);
  g_assert_cmpstr (p->schema, ==, "1.0");
  g_assert_true (p->include_stdout);
  g_assert_cmpuint (p->steps->len, ==, 3);
  s = g_ptr_array_index (p->steps, 0);
  g_assert_cmpstr (s->name, ==, "Download-File");
  g_assert_cmpstr (s->command_line, ==, "download-file.sh https://x/f /tmp/f");
  g_assert_false (s->ignore_failure);
  s = g_ptr_array_index (p->steps, 1);
  g_assert_cmpstr (s->what, ==, "echo");
  g_assert_cmpstr (s->command_line, ==, "echo hello, world");
  g_assert_true (s->ignore_failure);
  s = g_ptr_array_index (p->steps, 2);
  g_assert_true (s->is_final);
  g_assert_cmpstr (s->name, ==, "Cleanup");
}

static void
test_legacy (void)
{
  g_autoptr(JdDeviceProgram) p = parse ("{\"operation\":\"install-packages.sh\",\"args\":[\"lftp\"]}", NULL);
  JdDeviceStep *s;

  g_assert_nonnull (p);
  g_assert_cmpstr (p->schema, ==, "0.0");
  g_assert_false (p->include_stdout);
  g_assert_cmpuint (p->steps->len, ==, 1);
  s = g_ptr_array_index (p->steps, 0);
  g_assert_cmpstr (s->name, ==, "install-packages.sh");
  g_assert_cmpstr (s->command_line, ==, "install-packages.sh lftp");
}

static void
test_rejected (void)
{
  const struct { const char *json; const char *why; } cases[] = {
    { "{\"Todo\":\"Reboot\"}", "neither version nor operation" },
    { "[1,2]", "not a JSON object" },
    { "{\"version\":\"\",\"steps\":[]}", "version is empty" },
    { "{\"version\":\"1.0\",\"steps\":[]}", "no steps" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"x\",\"type\":\"runScript\",\"input\":{}}}]}", "neither runHandler" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"type\":\"runHandler\",\"input\":{\"handler\":\"h\"}}}]}", "no name" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"x\",\"type\":\"runHandler\",\"input\":{}}}]}", "no handler" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"x\",\"type\":\"runCommand\",\"input\":{\"command\":\"echo hi,there\"}}}]}", "white space" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"x\",\"type\":\"runHandler\",\"input\":{\"handler\":\"h\",\"args\":[1]}}}]}", "not all strings" },
    { "{\"version\":\"1.0\",\"steps\":[{\"action\":{\"name\":\"x\",\"type\":\"runHandler\",\"input\":{\"handler\":\"h\"}}}],"
      "\"conditions\":[{\"key\":\"k\",\"value\":\"v\"}]}", "not a list" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *problem = NULL;
      g_autoptr(JdDeviceProgram) p = parse (cases[i].json, &problem);

      g_assert_null (p);
      g_assert_nonnull (problem);
      if (strstr (problem, cases[i].why) == NULL)
        g_error ("%s: \"%s\" does not say \"%s\"", cases[i].json, problem, cases[i].why);
    }
}

static void
test_tail (void)
{
  g_autofree char *short_text = jd_device_program_tail ("abc", 10);
  g_autofree char *cut = jd_device_program_tail ("0123456789", 4);
  /* "é" is two bytes: a cut inside it moves to the next character. */
  g_autofree char *utf8 = jd_device_program_tail ("xé123", 4);
  g_autofree char *lines = jd_device_program_tail ("one\ntwo\tthree\n", 100);

  g_assert_cmpstr (short_text, ==, "abc");
  g_assert_cmpstr (cut, ==, "6789");
  g_assert_cmpstr (utf8, ==, "123");
  g_assert_cmpstr (lines, ==, "one | two three");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/device-program/schema-1.0", test_schema_1);
  g_test_add_func ("/device-program/legacy", test_legacy);
  g_test_add_func ("/device-program/rejected", test_rejected);
  g_test_add_func ("/device-program/tail", test_tail);

  return g_test_run ();
}
