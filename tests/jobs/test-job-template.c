/* test-job-template.c — one value of a managed template's parameter, checked
 * as the New Job dialog checks it while the user types
 * (jd_managed_template_check_value), agrees with what
 * jd_managed_template_substitute accepts and refuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-job-template.h"
#include "jd-jobs-error.h"

static const JdTemplateParameter *
parameter_of (const JdManagedTemplate *template_,
              const char              *key)
{
  for (guint i = 0; i < template_->n_parameters; i++)
    if (strcmp (template_->parameters[i].key, key) == 0)
      return &template_->parameters[i];
  g_assert_not_reached ();
}

/* What substitute says about @key = @value alone (plus the required ones). */
static gboolean
substitute_accepts (const JdManagedTemplate *template_,
                    const char              *key,
                    const char              *value)
{
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *document = NULL;

  if (strcmp (key, "command") != 0)
    json_object_set_string_member (parameters, "command", "ls");
  if (value != NULL && value[0] != '\0')
    json_object_set_string_member (parameters, key, value);
  document = jd_managed_template_substitute (template_, parameters, &error);
  return document != NULL;
}

static void
test_check_value (void)
{
  const JdManagedTemplate *run = jd_managed_template_find ("AWS-Run-Command", NULL);
  const JdTemplateParameter *command = parameter_of (run, "command");
  const JdTemplateParameter *user = parameter_of (run, "runAsUser");
  g_autofree char *long_user = g_strnfill (257, 'u');
  g_autofree char *ok_user = g_strnfill (256, 'u');
  g_autofree char *huge = g_strnfill (JD_DOCUMENT_PARAMETER_VALUE_MAX + 1, 'x');
  struct {
    const JdTemplateParameter *parameter;
    const char *value;
    const char *words;   /* NULL: accepted */
  } cases[] = {
    { command, "ls,-l,/tmp", NULL },
    { command, "", "Enter a value for command" },
    { command, NULL, "Enter a value for command" },
    { command, "echo\thi", "A parameter value cannot hold line breaks, tabs or other control characters" },
    { command, "echo\nhi", "A parameter value cannot hold line breaks, tabs or other control characters" },
    { command, "\xff", "A parameter value cannot hold line breaks, tabs or other control characters" },
    { command, huge, "A parameter value has at most 30720 characters" },
    { user, "", NULL },
    { user, NULL, NULL },
    { user, ok_user, NULL },
    { user, long_user, "The value does not match the parameter’s pattern (.){0,256}" },
  };

  g_assert_nonnull (run);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = jd_managed_template_check_value (cases[i].parameter, cases[i].value, &error);
      g_autofree char *shown = cases[i].value ? g_strescape (cases[i].value, NULL) : g_strdup ("(null)");

      g_test_message ("%s = %.20s: %s", cases[i].parameter->key, shown, error ? error->message : "ok");
      if (cases[i].words == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST);
          g_assert_cmpstr (error->message, ==, cases[i].words);
        }
      /* The same rule as the service's: what one accepts, so does the other. */
      g_assert_cmpint (ok, ==, substitute_accepts (run, cases[i].parameter->key, cases[i].value));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job-template/check-value", test_check_value);

  return g_test_run ();
}
