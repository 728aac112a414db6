/* test-sdk-conformance.c — AWS's own device SDK against the sandbox: runs
 * sdk-jobs.js with aws-iot-device-sdk-v2 (installed by
 * build-aux/conformance-tools.sh), whose IotJobsClient does get-pending,
 * describe $next, start-next, a stale and a good update over mutual TLS.
 * Without node or the package it fails (jd-test-conformance.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-service.h"
#include "jd-test-conformance.h"
#include "jd-test-sandbox.h"

/* The version build-aux/conformance-tools.sh installs. */
#define SDK_VERSION "1.28.0"

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
  g_autoptr(JdTestSandbox) fixture = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autofree char *script = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *port = NULL;
  g_autoptr(JsonNode) summary = NULL;
  JdSandbox *sandbox;
  JdStore *store;
  Run run = { 0 };

  if (!jd_test_conformance_require_npm ("aws-iot-device-sdk-v2", SDK_VERSION))
    return;

  fixture = jd_test_sandbox_new (things, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  store = jd_service_get_store (jd_sandbox_get_service (sandbox));
  create_job (store, "Job1", "SdkThing");
  create_job (store, "Job2", "SdkThing");

  g_assert_true (jd_sandbox_get_thing_files (sandbox, "SdkThing", &cert, &key));
  port = g_strdup_printf ("%u", jd_sandbox_get_mqtt_port (sandbox));
  script = g_test_build_filename (G_TEST_DIST, "service", "sdk-jobs.js", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "NODE_PATH", jd_test_conformance_node_modules (), TRUE);
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
