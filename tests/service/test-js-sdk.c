/* test-js-sdk.c — conformance with the AWS SDK for JavaScript v3: starts
 * JdServiceHttp over HTTPS and runs js-v3-conformance.cjs with node and
 * @aws-sdk/client-iot (installed by build-aux/conformance-tools.sh) against
 * it. Without node or the package it fails (jd-test-conformance.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-js-sdk"

#include <string.h>

#include "jd-service-http.h"
#include "jd-test-conformance.h"
#include "jd-test-https.h"

/* The version build-aux/conformance-tools.sh installs. */
#define CLIENT_VERSION "3.1169.0"

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

static void
test_js_v3 (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "service", "js-v3-conformance.cjs", NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *endpoint = NULL;
  g_autoptr(JdTestCerts) certs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = NULL;
  g_autoptr(JdServiceHttp) http = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_auto(GStrv) lines = NULL;
  RunData data = { NULL, NULL, FALSE };

  if (!jd_test_conformance_require_npm ("@aws-sdk/client-iot", CLIENT_VERSION))
    return;

  certs = jd_test_certs_new ();
  store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  http = jd_service_http_new (store, "us-east-1", "123456789012", "AKIDJSV3TEST", "js/v3+secret");
  g_assert_true (jd_service_http_listen (http, certs->certificate, 0, &error));
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (http));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "NODE_PATH", jd_test_conformance_node_modules (), TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_ENDPOINT", endpoint, TRUE);
  g_subprocess_launcher_setenv (launcher, "JD_CA", certs->ca_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "AWS_PROFILE");
  process = g_subprocess_launcher_spawn (launcher, &error, node, script, NULL);
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
    g_error ("JS v3 conformance failed:\n%s", data.output);
  g_assert_nonnull (strstr (data.output, "checks passed"));
  g_free (data.output);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/service/js-v3-conformance", test_js_v3);

  return g_test_run ();
}
