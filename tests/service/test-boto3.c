/* test-boto3.c — conformance with AWS's own client: starts JdServiceHttp over
 * HTTPS with a test CA and runs boto3-conformance.py under Debian's
 * /usr/bin/python3 (boto3 1.26, signing as `execute-api`) against it; and
 * boto3-templates.py (job templates, managed templates, event
 * configurations) the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-boto3"

#include "jd-service-http.h"
#include "jd-test-conformance.h"
#include "jd-test-https.h"

#include <string.h>

/* Which python runs which script. */
typedef struct {
  const char *python;
  const char *script;
} Case;

typedef struct {
  char    *output;
  GError  *error;
  gboolean done;
} RunData;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunData *data = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &data->output, NULL, &data->error);
  data->done = TRUE;
}

/* Runs the script with @python (Debian's, whose boto3 the set-up installs: a
 * missing boto3 fails). @python NULL = the first python3 on PATH that is not
 * Debian's, with a newer boto3 that signs as `iot`: an extra that no Debian
 * package provides, so it is skipped where there is none. */
static void
test_boto3 (gconstpointer test_data)
{
  const Case *test_case = test_data;
  const char *wanted = test_case->python;
  g_autofree char *python = wanted != NULL ? g_strdup (wanted) : g_find_program_in_path ("python3");
  g_autoptr(JdTestCerts) certs = jd_test_certs_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdServiceHttp) http = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "service", test_case->script, NULL);
  RunData data = { NULL, NULL, FALSE };
  g_auto(GStrv) lines = NULL;

  if (wanted != NULL)
    {
      const char *argv[] = { python, "-c", "import boto3", NULL };
      int status = 1;
      gboolean ok = g_file_test (python, G_FILE_TEST_IS_EXECUTABLE)
        && g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, NULL, NULL, &status, NULL)
        && g_spawn_check_wait_status (status, NULL);
      g_autofree char *why = g_strdup_printf ("%s cannot import boto3 (Debian: python3-boto3)", python);

      if (!jd_test_conformance_require (ok, why))
        return;
    }
  else if (python == NULL)
    {
      g_test_skip ("no python3 on PATH besides Debian's");
      return;
    }
  else
    {
      const char *argv[] = { python, "-c", "import boto3, sys; sys.exit(0 if boto3.__version__ >= '1.28' else 1)", NULL };
      int status = 1;

      if (strcmp (python, PYTHON3_PATH) == 0
          || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, NULL, NULL, &status, NULL)
          || !g_spawn_check_wait_status (status, NULL))
        {
          g_test_skip ("no newer boto3 (signing as iot) on PATH");
          return;
        }
    }
  g_test_message ("running %s", python);

  g_assert_no_error (error);
  http = jd_service_http_new (store, "us-east-1", "123456789012", "AKIDBOTO3TEST", "boto3/secret+key");
  g_assert_true (jd_service_http_listen (http, certs->certificate, 0, &error));
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (http));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "JD_ENDPOINT", endpoint, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_CA", certs->ca_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_REGION", "us-east-1", TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_ACCOUNT", "123456789012", TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_ACCESS_KEY", "AKIDBOTO3TEST", TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_SECRET_KEY", "boto3/secret+key", TRUE);
  /* Nothing from the developer's own AWS set-up may leak in. */
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "AWS_PROFILE");
  g_subprocess_launcher_unsetenv (launcher, "AWS_ENDPOINT_URL");
  g_subprocess_launcher_unsetenv (launcher, "AWS_SESSION_TOKEN");
  process = g_subprocess_launcher_spawn (launcher, &error, python, script, NULL);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (data.error);

  lines = g_strsplit (data.output != NULL ? data.output : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_test_message ("%s", lines[i]);

  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("boto3 conformance failed:\n%s", data.output);
  g_assert_nonnull (strstr (data.output, "checks passed"));
  g_free (data.output);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  static const Case conformance_debian = { PYTHON3_PATH, "boto3-conformance.py" };
  static const Case conformance_newer = { NULL, "boto3-conformance.py" };
  static const Case templates_debian = { PYTHON3_PATH, "boto3-templates.py" };

  g_test_add_data_func ("/service/boto3-conformance/debian-execute-api", &conformance_debian, test_boto3);
  g_test_add_data_func ("/service/boto3-conformance/newer-iot", &conformance_newer, test_boto3);
  /* Job templates, managed templates, event configurations (issue 12). */
  g_test_add_data_func ("/service/boto3-templates/debian-execute-api", &templates_debian, test_boto3);

  return g_test_run ();
}
