/* test-jobs-data-clients.c — AWS's own clients against the sandbox's two
 * HTTPS planes (JdServiceHttp for `iot`, JdServiceJobsDataServer for
 * `iot-jobs-data`, one store): Debian's AWS CLI v2 (awscli-jobs.py) and the
 * SDK for JavaScript v3's @aws-sdk/client-iot-jobs-data-plane
 * (js-jobs-data.cjs). A missing client fails (jd-test-conformance.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-jobs-data-clients"

#include <string.h>

#include "jd-service-http.h"
#include "jd-service-jobs-data.h"
#include "jd-service-jobs-data-server.h"
#include "jd-test-conformance.h"
#include "jd-test-https.h"

#define AWS_CLI          "/usr/bin/aws"
#define PYTHON3          "/usr/bin/python3"
/* The versions build-aux/conformance-tools.sh installs. */
#define IOT_VERSION      "3.1169.0"
#define DATA_VERSION     "3.956.0"
#define ACCESS_KEY       "AKIDJOBSDATACLI"
#define SECRET_KEY       "jobs-data/cli+secret"

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

/* Starts both planes on one store, runs @argv with their addresses in the
 * environment, and requires "checks passed" and exit status 0. */
static void
run_against_planes (const char * const *argv,
                    const char         *node_path)
{
  g_autoptr(JdTestCerts) certs = jd_test_certs_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = jd_store_open (":memory:", &error);
  g_autoptr(JdServiceHttp) http = NULL;
  g_autoptr(JdServiceJobsDataServer) jobs_data = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *data_endpoint = NULL;
  g_auto(GStrv) lines = NULL;
  RunData data = { NULL, NULL, FALSE };

  g_assert_no_error (error);
  http = jd_service_http_new (store, "us-east-1", "123456789012", ACCESS_KEY, SECRET_KEY);
  g_assert_true (jd_service_http_listen (http, certs->certificate, 0, &error));
  g_assert_no_error (error);
  jobs_data = jd_service_jobs_data_server_new (store, "us-east-1", ACCESS_KEY, SECRET_KEY);
  g_assert_true (jd_service_jobs_data_server_listen (jobs_data, certs->certificate, 0, &error));
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (http));
  data_endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_jobs_data_server_get_port (jobs_data));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  if (node_path != NULL)
    g_subprocess_launcher_setenv (launcher, "NODE_PATH", node_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_AWS", AWS_CLI, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_ENDPOINT", endpoint, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_DATA_ENDPOINT", data_endpoint, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_CA", certs->ca_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_ACCESS_KEY", ACCESS_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_SECRET_KEY", SECRET_KEY, TRUE);
  /* Nothing from the developer's own AWS set-up may leak in. */
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "AWS_PROFILE");
  g_subprocess_launcher_unsetenv (launcher, "AWS_ENDPOINT_URL");
  g_subprocess_launcher_unsetenv (launcher, "AWS_SESSION_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  /* The servers run on this main context while the client works. */
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
    g_error ("%s failed:\n%s", argv[1], data.output);
  g_assert_nonnull (strstr (data.output, "checks passed"));
  g_free (data.output);
}

static void
test_aws_cli (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "service", "awscli-jobs.py", NULL);
  const char *argv[] = { PYTHON3, script, NULL };

  if (!jd_test_conformance_require (g_file_test (AWS_CLI, G_FILE_TEST_IS_EXECUTABLE),
                                    AWS_CLI " is missing (Debian: awscli)"))
    return;

  run_against_planes (argv, NULL);
}

static void
test_js_v3 (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "service", "js-jobs-data.cjs", NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  const char *argv[] = { node, script, NULL };

  if (!jd_test_conformance_require_npm ("@aws-sdk/client-iot", IOT_VERSION) ||
      !jd_test_conformance_require_npm ("@aws-sdk/client-iot-jobs-data-plane", DATA_VERSION))
    return;

  run_against_planes (argv, jd_test_conformance_node_modules ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jobs-data/aws-cli", test_aws_cli);
  g_test_add_func ("/jobs-data/js-v3", test_js_v3);

  return g_test_run ();
}
