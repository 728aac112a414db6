/* test-json-syntax.c — jd_json_syntax_check: valid documents pass; each kind
 * of mistake is found at the right line and column (in characters).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "jd-json-syntax.h"

static void
check_bad (const char          *text,
           JdJsonSyntaxProblem  problem,
           guint                line,
           guint                column)
{
  JdJsonSyntaxError error;
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("%s", escaped);
  g_assert_false (jd_json_syntax_check (text, -1, &error));
  g_assert_cmpint (error.problem, ==, problem);
  g_assert_cmpuint (error.line, ==, line);
  g_assert_cmpuint (error.column, ==, column);
}

static void
test_valid (void)
{
  const char *docs[] = {
    "{}", "[]", "{\"a\":1}", " {\n \"a\" : [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"],\n \"b\": {}\n} ",
    "\"just a string\"", "0", "-0.5", "{\"ü\": \"ö\"}",
  };
  JdJsonSyntaxError error;

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (jd_json_syntax_check (docs[i], -1, &error));
      g_assert_cmpint (error.problem, ==, JD_JSON_SYNTAX_OK);
      /* json-glib agrees. */
      g_assert_true (json_parser_load_from_data (parser, docs[i], -1, NULL));
    }
}

static void
test_invalid (void)
{
  /* The example: a missing comma between members. */
  check_bad ("{\n  \"a\": 1,\n  \"b\": 2\n  \"c\": 3\n}", JD_JSON_SYNTAX_EXPECTED_OBJECT_END, 4, 3);
  check_bad ("{\"operation\": \"x\" \"more\": 1}", JD_JSON_SYNTAX_EXPECTED_OBJECT_END, 1, 19);
  check_bad ("[1 2]", JD_JSON_SYNTAX_EXPECTED_ARRAY_END, 1, 4);
  check_bad ("{\"a\": }", JD_JSON_SYNTAX_EXPECTED_VALUE, 1, 7);
  check_bad ("{a: 1}", JD_JSON_SYNTAX_EXPECTED_NAME, 1, 2);
  check_bad ("{\"a\" 1}", JD_JSON_SYNTAX_EXPECTED_COLON, 1, 6);
  check_bad ("{\n  \"a\": 1,\n}", JD_JSON_SYNTAX_TRAILING_COMMA, 2, 9);
  check_bad ("{\"a\": \"open}", JD_JSON_SYNTAX_UNTERMINATED_STRING, 1, 7);
  check_bad ("{\"a\": \"x\\q\"}", JD_JSON_SYNTAX_INVALID_ESCAPE, 1, 9);
  check_bad ("{\"a\": \"x\ty\"}", JD_JSON_SYNTAX_CONTROL_CHARACTER, 1, 9);
  check_bad ("{\"a\": 01}", JD_JSON_SYNTAX_INVALID_NUMBER, 1, 7);
  check_bad ("{\"a\": 1.}", JD_JSON_SYNTAX_INVALID_NUMBER, 1, 7);
  check_bad ("{\"a\": tru}", JD_JSON_SYNTAX_INVALID_LITERAL, 1, 7);
  check_bad ("{\"a\": 1} x", JD_JSON_SYNTAX_TRAILING_TEXT, 1, 10);
  check_bad ("   \n ", JD_JSON_SYNTAX_EMPTY, 2, 2);
  /* Columns count characters, not bytes. */
  check_bad ("{\"äöü\": 1 \"b\": 2}", JD_JSON_SYNTAX_EXPECTED_OBJECT_END, 1, 11);
  check_bad ("{\"a\": \"\xff\"}", JD_JSON_SYNTAX_INVALID_UTF8, 1, 8);
}

static void
test_too_deep (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  JdJsonSyntaxError error;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_false (jd_json_syntax_check (deep->str, deep->len, &error));
  g_assert_cmpint (error.problem, ==, JD_JSON_SYNTAX_TOO_DEEP);
  g_assert_cmpuint (error.column, ==, JD_JSON_SYNTAX_MAX_DEPTH + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-syntax/valid", test_valid);
  g_test_add_func ("/json-syntax/invalid", test_invalid);
  g_test_add_func ("/json-syntax/too-deep", test_too_deep);

  return g_test_run ();
}
