/* test-daemon.c — the jobdeck-service executable as a process: it creates the
 * folder and writes sandbox.json when ready, answers a device over mTLS, exits
 * 0 on SIGTERM and on SIGINT (removing sandbox.json, stopping mosquitto), and a
 * restart on the same folder keeps the credentials, the things, the jobs and
 * the executions' state; `--things N:PREFIX` provides N things with
 * certificates, each able to talk to the service, and refuses bad counts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "jd-store.h"
#include "jd-test-sandbox.h"

#define WAIT_MS 10000

typedef struct
{
  char        *dir;
  char        *info_path;
  GSubprocess *daemon;
  JsonNode    *info;
} Fixture;

static JsonObject *
info (Fixture *f)
{
  return json_node_get_object (f->info);
}

static void
start_daemon (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  g_assert_false (g_file_test (f->info_path, G_FILE_TEST_EXISTS));
  f->daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                JOBDECK_SERVICE_PATH, "--data-dir", f->dir,
                                "--thing", "Daemon1", "--thing", "Daemon2", NULL);
  g_assert_no_error (error);
  /* sandbox.json appears only when everything is up. */
  while (!g_file_test (f->info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  g_assert_true (g_file_test (f->info_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&f->info, json_node_unref);
  {
    g_autofree char *text = NULL;

    g_file_get_contents (f->info_path, &text, NULL, &error);
    g_assert_no_error (error);
    f->info = json_from_string (text, &error);
    g_assert_no_error (error);
  }
}

static gboolean
port_open (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
stop_daemon (Fixture *f,
             int      signum)
{
  g_autoptr(GError) error = NULL;
  guint16 port = json_object_get_int_member (json_object_get_object_member (info (f), "mqtt"), "port");

  g_subprocess_send_signal (f->daemon, signum);
  g_subprocess_wait (f->daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (f->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (f->daemon), ==, 0);
  g_clear_object (&f->daemon);
  g_assert_false (g_file_test (f->info_path, G_FILE_TEST_EXISTS));
  /* mosquitto went with it. */
  g_assert_false (port_open (port));
}

static JdTestDevice *
device (Fixture    *f,
        const char *thing)
{
  JsonObject *t = json_object_get_object_member (json_object_get_object_member (info (f), "things"), thing);
  JsonObject *mqtt = json_object_get_object_member (info (f), "mqtt");
  g_autofree char *filter = g_strdup_printf ("$aws/things/%s/jobs/#", thing);
  g_autoptr(GError) error = NULL;
  JdTestDevice *d;

  g_assert_nonnull (t);
  d = jd_test_device_new_full (json_object_get_string_member (mqtt, "host"),
                               json_object_get_int_member (mqtt, "port"),
                               json_object_get_string_member (mqtt, "caPath"),
                               json_object_get_string_member (t, "certificatePath"),
                               json_object_get_string_member (t, "keyPath"),
                               thing, filter, &error);
  g_assert_no_error (error);
  return d;
}

static JsonObject *
request (JdTestDevice  *d,
         const char    *thing,
         const char    *suffix,
         const char    *payload,
         JsonNode     **keep)
{
  g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/%s", thing, suffix);
  g_autofree char *accepted = g_strconcat (topic, "/accepted", NULL);

  g_assert_true (jd_test_device_publish (d, topic, payload, -1));
  *keep = jd_test_device_expect (d, accepted, WAIT_MS, NULL);
  g_assert_nonnull (*keep);
  return json_node_get_object (*keep);
}

static void
test_daemon_lifecycle (void)
{
  Fixture fx = { 0 };
  Fixture *f = &fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *rm = NULL;
  JsonObject *reply;

  f->dir = g_dir_make_tmp ("jobdeck-daemon-XXXXXX", &error);
  g_assert_no_error (error);
  f->info_path = g_build_filename (f->dir, "sandbox.json", NULL);

  /* First start: the folder is made, both things are served. */
  start_daemon (f);
  key_id = g_strdup (json_object_get_string_member (json_object_get_object_member (info (f), "controlPlane"),
                                                    "accessKeyId"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (info (f),
                                                                  "controlPlane"), "endpoint"),
                                   "https://127.0.0.1:"));
  {
    g_autoptr(JdTestDevice) d = device (f, "Daemon1");
    g_autoptr(JsonNode) keep = NULL;

    reply = request (d, "Daemon1", "get", "{\"clientToken\":\"d1\"}", &keep);
    g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "d1");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 0);
  }
  stop_daemon (f, SIGTERM);

  /* While it is down, a job is queued straight into its store. */
  {
    g_autofree char *db = g_build_filename (f->dir, "jobs.sqlite", NULL);
    g_autoptr(JdStore) store = jd_store_open (db, &error);
    const char *names[] = { "Daemon1", NULL };
    const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Daemon1", NULL };
    JdStoreJobSpec spec = { 0 };
    JdStoreJob *job;

    g_assert_no_error (error);
    spec.job_id = "Offline";
    spec.targets = targets;
    spec.thing_names = names;
    spec.document = "{\"operation\":\"reboot\"}";
    job = jd_store_create_job (store, &spec, &error);
    g_assert_no_error (error);
    jd_store_job_free (job);
  }

  /* Second start: same credentials, the job is there; start it. */
  start_daemon (f);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (info (f), "controlPlane"),
                                                  "accessKeyId"), ==, key_id);
  {
    g_autoptr(JdTestDevice) d = device (f, "Daemon1");
    g_autoptr(JsonNode) k1 = NULL;
    g_autoptr(JsonNode) k2 = NULL;

    reply = request (d, "Daemon1", "get", "{}", &k1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 1);
    reply = request (d, "Daemon1", "start-next", "{}", &k2);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (reply, "execution"),
                                                 "versionNumber"), ==, 2);
  }
  stop_daemon (f, SIGINT);

  /* Third start: the execution is still IN_PROGRESS at version 2. */
  start_daemon (f);
  {
    g_autoptr(JdTestDevice) d = device (f, "Daemon1");
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *execution;

    reply = request (d, "Daemon1", "Offline/get", "{}", &keep);
    execution = json_object_get_object_member (reply, "execution");
    g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
    g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, 2);
  }
  stop_daemon (f, SIGTERM);

  g_clear_pointer (&f->info, json_node_unref);
  rm = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_free (f->dir);
  g_free (f->info_path);
}

/* When mosquitto dies, the daemon restarts it on the same port and keeps
 * serving (issue 15: the sandbox supervises itself). */
/* A second jobdeck-service on the same folder is refused, names the one
 * that runs it, and takes nothing away from it. */
static void
test_daemon_one_owner (void)
{
  Fixture fx = { 0 };
  Fixture *f = &fx;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(JdTestDevice) d = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *rm = NULL;
  JsonObject *reply;

  f->dir = g_dir_make_tmp ("jobdeck-daemon-XXXXXX", &error);
  g_assert_no_error (error);
  f->info_path = g_build_filename (f->dir, "sandbox.json", NULL);
  start_daemon (f);

  second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             JOBDECK_SERVICE_PATH, "--data-dir", f->dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (second, NULL, NULL, NULL, &err_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
  g_test_message ("second: %s", err_text);
  expected = g_strdup_printf ("in use by process %s", g_subprocess_get_identifier (f->daemon));
  g_assert_nonnull (strstr (err_text, expected));

  /* The first one still runs, with its sandbox.json. */
  g_assert_true (g_file_test (f->info_path, G_FILE_TEST_EXISTS));
  d = device (f, "Daemon1");
  reply = request (d, "Daemon1", "get", "{\"clientToken\":\"still\"}", &keep);
  g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "still");
  g_clear_pointer (&d, jd_test_device_free);
  stop_daemon (f, SIGTERM);

  g_clear_pointer (&f->info, json_node_unref);
  rm = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_free (f->dir);
  g_free (f->info_path);
}

static void
test_daemon_broker_dies (void)
{
  Fixture fx = { 0 };
  Fixture *f = &fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  g_autofree char *rm = NULL;
  guint64 pid = 0;

  f->dir = g_dir_make_tmp ("jobdeck-daemon-XXXXXX", &error);
  g_assert_no_error (error);
  f->info_path = g_build_filename (f->dir, "sandbox.json", NULL);
  start_daemon (f);

  pid_path = g_build_filename (f->dir, "mosquitto.pid", NULL);
  g_file_get_contents (pid_path, &pid_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (pid_text), 10, 2, G_MAXINT, &pid, NULL));
  g_assert_cmpint (kill ((pid_t) pid, SIGKILL), ==, 0);

  /* The daemon restarts mosquitto on the same port (a new process id in
   * mosquitto.pid), keeps running and keeps sandbox.json, and a device
   * gets answers again. */
  {
    gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;
    guint64 new_pid = pid;
    g_autoptr(JdTestDevice) d = NULL;
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *reply;

    while (g_get_monotonic_time () < end)
      {
        g_autofree char *text = NULL;

        if (g_file_get_contents (pid_path, &text, NULL, NULL) &&
            g_ascii_string_to_unsigned (g_strstrip (text), 10, 2, G_MAXINT, &new_pid, NULL) &&
            new_pid != pid &&
            port_open (json_object_get_int_member (json_object_get_object_member (info (f), "mqtt"), "port")))
          break;
        g_usleep (20 * 1000);
      }
    g_assert_cmpuint (new_pid, !=, pid);
    g_assert_true (g_file_test (f->info_path, G_FILE_TEST_EXISTS));
    g_assert_nonnull (g_subprocess_get_identifier (f->daemon));   /* still running */
    /* The service reconnects by itself, with its own backoff: ask until it
     * answers. */
    d = device (f, "Daemon1");
    end = g_get_monotonic_time () + WAIT_MS * 1000;
    while (keep == NULL && g_get_monotonic_time () < end)
      {
        g_assert_true (jd_test_device_publish (d, "$aws/things/Daemon1/jobs/get",
                                               "{\"clientToken\":\"after-restart\"}", -1));
        keep = jd_test_device_expect (d, "$aws/things/Daemon1/jobs/get/accepted", 500, NULL);
      }
    g_assert_nonnull (keep);
    reply = json_node_get_object (keep);
    g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "after-restart");
  }
  stop_daemon (f, SIGTERM);

  g_clear_pointer (&f->info, json_node_unref);
  rm = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_free (f->dir);
  g_free (f->info_path);
}

/* --things 300:Bulk: Bulk-001 … Bulk-300 in sandbox.json with their files,
 * no MyThing, and one of them is a working device. */
static void
test_daemon_bulk_things (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * 6 * jd_test_slowdown () * 1000;
  g_autofree char *text = NULL;
  g_autofree char *rm = NULL;
  g_autoptr(JdTestDevice) d = NULL;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *things;

  f.dir = g_dir_make_tmp ("jobdeck-daemon-XXXXXX", &error);
  g_assert_no_error (error);
  f.info_path = g_build_filename (f.dir, "sandbox.json", NULL);
  f.daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                               JOBDECK_SERVICE_PATH, "--data-dir", f.dir, "--things", "300:Bulk", NULL);
  g_assert_no_error (error);
  while (!g_file_test (f.info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (20 * 1000);
  g_file_get_contents (f.info_path, &text, NULL, &error);
  g_assert_no_error (error);
  f.info = json_from_string (text, &error);
  g_assert_no_error (error);

  things = json_object_get_object_member (info (&f), "things");
  g_assert_cmpuint (json_object_get_size (things), ==, 300);
  g_assert_false (json_object_has_member (things, "MyThing"));
  for (guint i = 1; i <= 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bulk-%03u", i);
      JsonObject *t = json_object_get_object_member (things, name);

      g_assert_nonnull (t);
      g_assert_true (g_file_test (json_object_get_string_member (t, "certificatePath"), G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (json_object_get_string_member (t, "keyPath"), G_FILE_TEST_IS_REGULAR));
    }

  d = device (&f, "Bulk-150");
  g_assert_true (json_object_has_member (request (d, "Bulk-150", "get", "{\"clientToken\":\"bulk\"}", &keep),
                                         "queuedJobs"));

  stop_daemon (&f, SIGTERM);
  rm = g_strdup_printf ("rm -rf %s", f.dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_clear_pointer (&f.info, json_node_unref);
  g_free (f.dir);
  g_free (f.info_path);
}

static void
expect_bad_things (const char *value,
                   const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *err = NULL;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, JOBDECK_SERVICE_PATH,
                        "--data-dir", "/tmp/never-made", "--things", value, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
  g_assert_nonnull (strstr (err, words));
  g_assert_false (g_file_test ("/tmp/never-made", G_FILE_TEST_EXISTS));
}

static void
test_daemon_bad_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, JOBDECK_SERVICE_PATH, NULL);
  g_assert_no_error (error);
  g_subprocess_wait (p, NULL, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
  g_clear_object (&p);

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, JOBDECK_SERVICE_PATH,
                        "--data-dir", "/tmp/never-made", "--thing", "bad name", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (p, NULL, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
  g_assert_false (g_file_test ("/tmp/never-made", G_FILE_TEST_EXISTS));

  expect_bad_things ("0", "is not a number of things from 1 to 100000");
  expect_bad_things ("100001", "is not a number of things from 1 to 100000");
  expect_bad_things ("5:", "is empty (--things N[:PREFIX])");
  expect_bad_things ("5:no/slash", "is not a valid thing name");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/daemon/lifecycle", test_daemon_lifecycle);
  g_test_add_func ("/daemon/broker-dies", test_daemon_broker_dies);
  g_test_add_func ("/daemon/one-owner", test_daemon_one_owner);
  g_test_add_func ("/daemon/bad-options", test_daemon_bad_options);
  g_test_add_func ("/daemon/bulk-things", test_daemon_bulk_things);

  return g_test_run ();
}
