/* test-conformance-rule.c — the rule for the AWS-SDK conformance tests
 * (jd-test-conformance.h): without their tools they fail, saying how to get
 * them; only JOBDECK_SKIP_CONFORMANCE=1 turns that into a skip. Runs the
 * built test-js-sdk and test-sdk-conformance against an empty node_modules
 * folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-conformance-rule"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  gboolean ok;
  char    *out;
} Run;

static Run
run_test_program (const char *program,
                  const char *modules,
                  gboolean    opt_out)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { FALSE, NULL };

  g_subprocess_launcher_setenv (launcher, "JOBDECK_CONFORMANCE_MODULES", modules, TRUE);
  if (opt_out)
    g_subprocess_launcher_setenv (launcher, "JOBDECK_SKIP_CONFORMANCE", "1", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "JOBDECK_SKIP_CONFORMANCE");
  process = g_subprocess_launcher_spawn (launcher, &error, program, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run.out, NULL, &error);
  g_assert_no_error (error);
  run.ok = g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
  return run;
}

static void
test_rule (gconstpointer data)
{
  const char *program = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_dir_make_tmp ("jd-no-modules-XXXXXX", &error);
  Run run;

  g_assert_no_error (error);

  /* No tools: a failure that says what is missing and how to install it. */
  run = run_test_program (program, empty, FALSE);
  g_test_message ("%s", run.out);
  g_assert_false (run.ok);
  g_assert_nonnull (strstr (run.out, "not ok"));
  g_assert_nonnull (strstr (run.out, "is not installed in"));
  g_assert_nonnull (strstr (run.out, "conformance-tools.sh"));
  g_assert_null (strstr (run.out, "# SKIP"));
  g_free (run.out);

  /* The explicit opt-out: a skip that says why. */
  run = run_test_program (program, empty, TRUE);
  g_assert_true (run.ok);
  g_assert_nonnull (strstr (run.out, "# SKIP"));
  g_assert_nonnull (strstr (run.out, "JOBDECK_SKIP_CONFORMANCE=1"));
  g_assert_null (strstr (run.out, "not ok"));
  g_free (run.out);

  g_rmdir (empty);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/conformance-rule/js-sdk", JS_SDK_TEST_PATH, test_rule);
  g_test_add_data_func ("/conformance-rule/device-sdk", DEVICE_SDK_TEST_PATH, test_rule);

  return g_test_run ();
}
