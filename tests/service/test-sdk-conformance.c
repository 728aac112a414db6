/* test-sdk-conformance.c — AWS's own device SDK against the sandbox: installs
 * npm aws-iot-device-sdk-v2 into the build folder (once), then runs
 * sdk-jobs.js, whose IotJobsClient does get-pending, describe $next, start-next,
 * a stale and a good update over mutual TLS. Skips, with the reason, when node
 * or npm is missing or the package cannot be installed (no network).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-service.h"
#include "jd-test-sandbox.h"

#define SDK_PACKAGE "aws-iot-device-sdk-v2@1.28.0"

static char *
sdk_prefix (void)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                           "node-sdk", NULL);
}

/* Returns NULL when the SDK is usable, else why not. */
static char *
ensure_sdk (const char *prefix)
{
  g_autofree char *marker = g_build_filename (prefix, "node_modules", "aws-iot-device-sdk-v2",
                                              "package.json", NULL);
  g_autofree char *npm = g_find_program_in_path ("npm");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { NULL, "install", "--prefix", prefix, "--no-audit", "--no-fund",
                         "--fetch-retries=0", "--fetch-timeout=30000", SDK_PACKAGE, NULL };

  if (node == NULL)
    return g_strdup ("node is not installed");
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    return NULL;
  if (npm == NULL)
    return g_strdup ("npm is not installed");
  argv[0] = npm;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    return g_strdup_printf ("npm could not run: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL) || !g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      /* One line for TAP: npm's first error line says why (ECONNREFUSED, ENOTFOUND…). */
      g_auto(GStrv) lines = g_strsplit (err != NULL ? err : "", "\n", -1);
      const char *why = "";

      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "npm error") || g_str_has_prefix (lines[i], "npm ERR!"))
          {
            why = lines[i];
            if (strstr (lines[i], "code") != NULL)
              break;
          }
      return g_strdup_printf ("npm could not install %s (offline?): %s", SDK_PACKAGE, why);
    }
  return NULL;
}

static void
create_job (JdStore    *store,
            const char *job_id,
            const char *thing)
{
  const char *names[] = { thing, NULL };
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", thing);
  const char *targets[] = { arn, NULL };
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;

  spec.job_id = job_id;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"reboot\"}";
  job = jd_store_create_job (store, &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  gboolean  ok;
} Run;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->ok = g_subprocess_get_successful (G_SUBPROCESS (source));
  run->done = TRUE;
}

static void
test_iot_jobs_client (void)
{
  const char *things[] = { "SdkThing", NULL };
  g_autofree char *prefix = sdk_prefix ();
  g_autofree char *why = ensure_sdk (prefix);
  g_autoptr(JdTestSandbox) fixture = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autofree char *node_path = NULL;
  g_autofree char *script = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *port = NULL;
  g_autoptr(JsonNode) summary = NULL;
  JdSandbox *sandbox;
  JdStore *store;
  Run run = { 0 };

  if (why != NULL)
    {
      g_test_skip (why);
      return;
    }

  fixture = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  store = jd_service_get_store (jd_sandbox_get_service (sandbox));
  create_job (store, "Job1", "SdkThing");
  create_job (store, "Job2", "SdkThing");

  g_assert_true (jd_sandbox_get_thing_files (sandbox, "SdkThing", &cert, &key));
  port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sandbox));
  node_path = g_build_filename (prefix, "node_modules", NULL);
  script = g_test_build_filename (G_TEST_DIST, "service", "sdk-jobs.js", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "NODE_PATH", node_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "SANDBOX_PORT", port, TRUE);
  g_subprocess_launcher_setenv (launcher, "SANDBOX_CA", jd_sandbox_get_ca_path (sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_CERT", cert, TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_KEY", key, TRUE);
  g_subprocess_launcher_setenv (launcher, "THING_NAME", "SdkThing", TRUE);
  node = g_subprocess_launcher_spawn (launcher, &error, "node", script, NULL);
  g_assert_no_error (error);

  /* The service runs on this main context: keep iterating while node works. */
  g_subprocess_communicate_utf8_async (node, NULL, NULL, communicated_cb, &run);
  g_assert_true (jd_test_wait_until (&run.done, 60000));
  if (!run.ok)
    g_printerr ("%s\n%s\n", run.out, run.err);
  g_assert_true (run.ok);

  summary = json_from_string (run.out, &error);
  g_assert_no_error (error);
  {
    JsonObject *seen = json_object_get_object_member (json_node_get_object (summary), "seen");

    g_assert_cmpstr (json_object_get_string_member (seen, "next"), ==, "Job1");
    g_assert_cmpstr (json_object_get_string_member (seen, "started"), ==, "Job1");
    g_assert_cmpstr (json_object_get_string_member (seen, "rejected"), ==, "VersionMismatch");
    g_assert_cmpstr (json_object_get_string_member (seen, "nextAfterUpdate"), ==, "Job2");
  }

  /* And the store agrees with what the SDK saw. */
  {
    JdStoreExecution *execution = jd_store_get_execution (store, "SdkThing", "Job1", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_SUCCEEDED);
    jd_store_execution_free (execution);
  }
  g_free (run.out);
  g_free (run.err);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sdk-conformance/iot-jobs-client", test_iot_jobs_client);

  return g_test_run ();
}
