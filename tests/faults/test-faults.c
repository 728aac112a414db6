/* test-faults.c — the sandbox under faults that other tests do not cover:
 *
 * - the jobdeck-service daemon killed with SIGKILL in the middle of 1,000
 *   concurrent CreateJob calls: every call ends, and after a restart every
 *   job that got a 200 is there with its execution (nothing half-written);
 * - a full disk (SQLite's PRAGMA max_page_count, as no tmpfs can be assumed)
 *   and a read-only database (PRAGMA query_only) under a running sandbox: a
 *   clear error over HTTP and over MQTT, reads still served, and the file
 *   passes PRAGMA integrity_check afterwards;
 * - a client clock 10 minutes off: the service refuses the SigV4 signature
 *   over real HTTPS with AWS's "Signature expired" / "not yet current" words;
 * - the sandbox's mosquitto SIGKILLed in the middle of a burst of JdJobsClient
 *   requests answered by the real service: every request ends, and after the
 *   restart the live model holds exactly the pending set, once each;
 * - a thing subscribed to wildcards (`$aws/things/+/jobs/#`, `$aws/#`), first
 *   shown to receive its own notify through them, receives nothing the
 *   service sends another thing, and the other thing nothing of it.
 *
 * Covered elsewhere, not repeated here: a silent responder's burst with the
 * broker killed and an exact resync (tests/jobs/test-jobs-client.c
 * /jobs-client/broker-restart); read-only and full storage at the store and
 * HTTP level (tests/service/test-store.c /store/persistence-and-faults,
 * tests/service/test-service-http.c /service-http/storage-fault); the skew rule
 * itself (tests/service/test-sigv4.c /sigv4/verify/skew); exact-topic isolation
 * (tests/service/test-sandbox.c /sandbox/isolation,
 * tests/service/test-service-mqtt.c /service-mqtt/isolation); a clean daemon restart
 * (tests/service/test-daemon.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-faults"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "jd-control-plane.h"
#include "jd-jobs-client.h"
#include "jd-jobs-error.h"
#include "jd-sigv4.h"
#include "jd-store-private.h"
#include "jd-test-sandbox.h"

#define WAIT_MS    15000
#define N_JOBS     1000
#define MAX_FLIGHT 16
#define THING      "Fault1"
#define THING_ARN  "arn:aws:iot:us-east-1:123456789012:thing/" THING
#define THING2     "Fault2"
#define THING3     "Fault3"
#define N_DEVICES  3

/* ---- helpers ---- */

static JsonNode *
read_info (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, JD_SANDBOX_INFO_FILE, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

static JsonObject *
control_plane_info (JsonNode *info)
{
  return json_object_get_object_member (json_node_get_object (info), "controlPlane");
}

static const char *
ca_path_of (JsonNode *info)
{
  return json_object_get_string_member (json_object_get_object_member (json_node_get_object (info), "mqtt"),
                                        "caPath");
}

/* A control-plane client for the sandbox described by @info; no retries, so
 * each call is exactly one HTTP request. */
static JdControlPlane *
control_plane_for (JsonNode *info)
{
  JsonObject *cp = control_plane_info (info);
  g_autoptr(JdCredentials) creds = jd_credentials_new (json_object_get_string_member (cp, "accessKeyId"),
                                                       json_object_get_string_member (cp, "secretAccessKey"),
                                                       NULL, NULL);
  g_autoptr(GError) error = NULL;
  JdControlPlane *client;

  client = jd_control_plane_new (json_object_get_string_member (cp, "region"),
                                 json_object_get_string_member (cp, "endpoint"),
                                 ca_path_of (info), creds, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (client, 1, 10);
  return client;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  while (*slot == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static GPtrArray *
list_jobs (JdControlPlane *client,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jd_control_plane_list_jobs_async (client, JD_JOB_STATUS_UNKNOWN, NULL, store_result_cb, &result);
  return jd_control_plane_list_jobs_finish (client, wait_result (&result), error);
}

static GPtrArray *
list_thing_executions (JdControlPlane *client,
                       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jd_control_plane_list_job_executions_for_thing_async (client, THING, JD_EXECUTION_STATUS_UNKNOWN, NULL,
                                                        store_result_cb, &result);
  return jd_control_plane_list_job_executions_for_thing_finish (client, wait_result (&result), error);
}

static JdJob *
create_job (JdControlPlane *client,
            const char     *job_id,
            const char     *document,
            GError        **error)
{
  const char *targets[] = { THING_ARN, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  jd_control_plane_create_job_async (client, job_id, targets, document, NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, store_result_cb, &result);
  return jd_control_plane_create_job_finish (client, wait_result (&result), error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

/* ---- the daemon, killed during a burst of CreateJob ---- */

typedef struct
{
  char           *dir;
  GSubprocess    *daemon;
  JsonNode       *info;
} Daemon;

static void
daemon_start (Daemon *d)
{
  g_autofree char *info_path = g_build_filename (d->dir, JD_SANDBOX_INFO_FILE, NULL);
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + WAIT_MS * 1000;

  /* A SIGKILLed daemon leaves its sandbox.json behind; wait for a fresh one. */
  g_unlink (info_path);
  d->daemon = jd_test_spawn_service (JOBDECK_SERVICE_PATH, d->dir, (const char *[]) { THING, THING2, THING3, NULL },
                                     &error);
  g_assert_no_error (error);
  while (!g_file_test (info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  g_assert_true (g_file_test (info_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&d->info, json_node_unref);
  d->info = read_info (d->dir);
}

static void
daemon_stop (Daemon *d,
             int     signum)
{
  g_autoptr(GError) error = NULL;

  if (d->daemon == NULL)
    return;
  g_subprocess_send_signal (d->daemon, signum);
  g_subprocess_wait (d->daemon, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&d->daemon);
}

typedef struct
{
  JdControlPlane *client;
  Daemon         *daemon;
  guint           next;         /* next job index to send */
  guint           in_flight;
  guint           done;
  guint           kill_after;   /* SIGKILL when this many have completed */
  gboolean        killed;
  GHashTable     *ok;           /* job ids that got a 200 */
  GHashTable     *in_flight_at_kill;
  GHashTable     *pending;      /* job ids sent and not answered yet */
  guint           n_failed;
} Burst;

static void send_more (Burst *burst);

typedef struct
{
  Burst *burst;
  char  *job_id;
} Call;

static void
burst_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Call *call = user_data;
  Burst *burst = call->burst;
  g_autofree char *job_id = call->job_id;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &error);

  burst->in_flight--;
  burst->done++;
  if (job != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (jd_job_get_job_id (job), ==, job_id);
      g_assert_true (g_hash_table_add (burst->ok, g_strdup (job_id)));
    }
  else
    {
      /* Only the kill makes calls fail. */
      g_assert_nonnull (error);
      g_assert_true (burst->killed);
      burst->n_failed++;
    }

  if (!burst->killed && burst->done >= burst->kill_after)
    {
      GHashTableIter iter;
      gpointer key;

      burst->killed = TRUE;
      g_subprocess_send_signal (burst->daemon->daemon, SIGKILL);
      /* What was on the wire at the kill may or may not have been committed. */
      g_hash_table_iter_init (&iter, burst->pending);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (burst->in_flight_at_kill, g_strdup (key));
    }
  g_hash_table_remove (burst->pending, job_id);
  g_free (call);
  send_more (burst);
}

static void
send_more (Burst *burst)
{
  const char *targets[] = { THING_ARN, NULL };

  while (burst->in_flight < MAX_FLIGHT && burst->next < N_JOBS)
    {
      Call *call = g_new0 (Call, 1);

      call->burst = burst;
      call->job_id = g_strdup_printf ("burst-%04u", burst->next++);
      burst->in_flight++;
      g_hash_table_add (burst->pending, g_strdup (call->job_id));
      jd_control_plane_create_job_async (burst->client, call->job_id, targets, "{\"op\":\"burst\"}", NULL,
                                         JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, burst_created_cb, call);
    }
}

static void
test_daemon_killed_during_create_jobs (void)
{
  Daemon d = { 0 };
  Burst burst = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) executions = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JdControlPlane) after = NULL;
  gint64 end;

  d.dir = g_dir_make_tmp ("jobdeck-faults-XXXXXX", &error);
  g_assert_no_error (error);
  daemon_start (&d);

  burst.daemon = &d;
  burst.client = control_plane_for (d.info);
  burst.ok = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  burst.in_flight_at_kill = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  burst.kill_after = g_test_rand_int_range (200, 600);
  burst.pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_test_message ("SIGKILL after %u of %u CreateJob calls", burst.kill_after, N_JOBS);

  /* Every one of the 1,000 calls ends, the ones after the kill with an error. */
  send_more (&burst);
  end = g_get_monotonic_time () + (gint64) 40 * jd_test_slowdown () * G_USEC_PER_SEC;
  while (burst.done < N_JOBS && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (burst.done, ==, N_JOBS);
  g_assert_true (burst.killed);
  g_assert_cmpuint (g_hash_table_size (burst.ok), >=, burst.kill_after - MAX_FLIGHT);
  g_assert_cmpuint (burst.n_failed, >, 0);
  {
    g_autoptr(GError) wait_error = NULL;

    g_subprocess_wait (d.daemon, NULL, &wait_error);
    g_assert_no_error (wait_error);
    g_assert_true (g_subprocess_get_if_signaled (d.daemon));
    g_assert_cmpint (g_subprocess_get_term_sig (d.daemon), ==, SIGKILL);
    g_clear_object (&d.daemon);
  }

  /* Restarted on the same folder: every 200 is there, with its execution. */
  daemon_start (&d);
  after = control_plane_for (d.info);
  jobs = list_jobs (after, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < jobs->len; i++)
    {
      const char *job_id = jd_job_get_job_id (g_ptr_array_index (jobs, i));

      g_assert_true (g_hash_table_add (listed, g_strdup (job_id)));
      /* Nothing appears that nobody asked for or that failed before the kill. */
      g_assert_true (g_hash_table_contains (burst.ok, job_id) ||
                     g_hash_table_contains (burst.in_flight_at_kill, job_id));
    }
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, burst.ok);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (listed, key))
        g_error ("job %s got a 200 but is gone after the restart", (char *) key);
  }
  executions = list_thing_executions (after, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (executions->len, ==, jobs->len);
  for (guint i = 0; i < executions->len; i++)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (executions, i);

      g_assert_true (g_hash_table_contains (listed, jd_job_execution_info_get_job_id (info)));
      g_assert_cmpint (jd_job_execution_info_get_status (info), ==, JD_EXECUTION_STATUS_QUEUED);
    }

  /* And the service goes on creating jobs. */
  {
    g_autoptr(JdJob) job = create_job (after, "after-restart", "{}", &error);

    g_assert_no_error (error);
    g_assert_nonnull (job);
  }

  daemon_stop (&d, SIGTERM);
  g_clear_object (&burst.client);
  g_clear_pointer (&burst.ok, g_hash_table_unref);
  g_clear_pointer (&burst.in_flight_at_kill, g_hash_table_unref);
  g_clear_pointer (&burst.pending, g_hash_table_unref);
  g_clear_pointer (&d.info, json_node_unref);
  remove_tree (d.dir);
  g_free (d.dir);
}

/* ---- the daemon, killed while three devices update one job ---- */

static JsonObject *device_request (JdTestDevice *device,
                                   const char   *suffix,
                                   const char   *payload,
                                   gboolean      accepted,
                                   JsonNode    **keep);

static JdTestDevice *
daemon_device (Daemon     *d,
               const char *thing)
{
  JsonObject *root = json_node_get_object (d->info);
  JsonObject *mqtt = json_object_get_object_member (root, "mqtt");
  JsonObject *files = json_object_get_object_member (json_object_get_object_member (root, "things"), thing);
  g_autofree char *filter = g_strdup_printf ("$aws/things/%s/jobs/#", thing);
  g_autoptr(GError) error = NULL;
  JdTestDevice *device;

  device = jd_test_device_new_full (json_object_get_string_member (mqtt, "host"),
                                    (guint16) json_object_get_int_member (mqtt, "port"),
                                    json_object_get_string_member (mqtt, "caPath"),
                                    json_object_get_string_member (files, "certificatePath"),
                                    json_object_get_string_member (files, "keyPath"),
                                    thing, filter, &error);
  g_assert_no_error (error);
  jd_test_device_set_thing (device, thing);
  return device;
}

static JsonObject *
execution_of (JsonNode *reply)
{
  return json_object_get_object_member (json_node_get_object (reply), "execution");
}

/* A job for three things; each device starts it, then updates it over and
 * over (statusDetails n = 1, 2, …, each accepted before the next) until the
 * daemon is SIGKILLed with one update of each device on the wire. After a
 * restart every execution holds either its last accepted update or the one
 * in flight, with the version that many updates after its start: no update
 * half-written, none lost that was acknowledged. */
static void
test_daemon_killed_during_updates (void)
{
  const char *things[N_DEVICES] = { THING, THING2, THING3 };
  const char *targets[] = { THING_ARN, "arn:aws:iot:us-east-1:123456789012:thing/" THING2,
                            "arn:aws:iot:us-east-1:123456789012:thing/" THING3, NULL };
  Daemon d = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JdJob) job = NULL;
  JdTestDevice *devices[N_DEVICES];
  gint64 start_version[N_DEVICES];
  guint accepted[N_DEVICES] = { 0 };
  guint rounds = (guint) g_test_rand_int_range (5, 40);

  d.dir = g_dir_make_tmp ("jobdeck-faults-XXXXXX", &error);
  g_assert_no_error (error);
  daemon_start (&d);
  client = control_plane_for (d.info);
  jd_control_plane_create_job_async (client, "multi", targets, "{\"op\":\"multi\"}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, store_result_cb, &result);
  job = jd_control_plane_create_job_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      devices[i] = daemon_device (&d, things[i]);
      device_request (devices[i], "start-next", "{\"clientToken\":\"s\"}", TRUE, &reply);
      start_version[i] = json_object_get_int_member (execution_of (reply), "versionNumber");
    }

  g_test_message ("SIGKILL after %u rounds of updates", rounds);
  for (guint n = 1; n <= rounds; n++)
    for (guint i = 0; i < N_DEVICES; i++)
      {
        g_autoptr(JsonNode) reply = NULL;
        g_autofree char *payload = g_strdup_printf ("{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"n\":\"%u\"}}", n);

        device_request (devices[i], "multi/update", payload, TRUE, &reply);
        accepted[i] = n;
      }
  /* One more update from each, on the wire as the daemon dies. */
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"n\":\"%u\"}}",
                                                  rounds + 1);

      g_assert_true (jd_test_device_request (devices[i], "multi/update", payload));
    }
  g_subprocess_send_signal (d.daemon, SIGKILL);
  g_subprocess_wait (d.daemon, NULL, NULL);
  g_clear_object (&d.daemon);
  for (guint i = 0; i < N_DEVICES; i++)
    jd_test_device_free (devices[i]);

  daemon_start (&d);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autoptr(JdTestDevice) device = daemon_device (&d, things[i]);
      g_autoptr(JsonNode) reply = NULL;
      JsonObject *execution;
      guint n;

      device_request (device, "multi/get", "{\"clientToken\":\"g\"}", TRUE, &reply);
      execution = execution_of (reply);
      g_assert_cmpstr (json_object_get_string_member (execution, "status"), ==, "IN_PROGRESS");
      n = (guint) g_ascii_strtoull (json_object_get_string_member (json_object_get_object_member (execution,
                                                                                                  "statusDetails"),
                                                                   "n"), NULL, 10);
      g_test_message ("%s: n = %u after the restart (last accepted %u)", things[i], n, accepted[i]);
      g_assert_true (n == accepted[i] || n == accepted[i] + 1);
      g_assert_cmpint (json_object_get_int_member (execution, "versionNumber"), ==, start_version[i] + n);
    }

  daemon_stop (&d, SIGTERM);
  g_clear_pointer (&d.info, json_node_unref);
  remove_tree (d.dir);
  g_free (d.dir);
}

/* ---- storage faults under a running sandbox ---- */

static char *
integrity_check (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static JsonObject *
device_request (JdTestDevice *device,
                const char   *suffix,
                const char   *payload,
                gboolean      accepted,
                JsonNode    **keep)
{
  g_autofree char *reply = g_strdup_printf ("%s/%s", suffix, accepted ? "accepted" : "rejected");

  g_assert_true (jd_test_device_request (device, suffix, payload));
  *keep = jd_test_device_expect_reply (device, reply, WAIT_MS);
  if (*keep == NULL)
    g_error ("no reply on %s", reply);
  return json_node_get_object (*keep);
}

static void
test_storage_faults (void)
{
  const char *things[] = { THING, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  g_autoptr(JdJob) before = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *big = NULL;
  g_autofree char *check = NULL;
  JdStore *store;

  g_assert_no_error (error);
  info = read_info (jd_test_sandbox_get_dir (fixture));
  client = control_plane_for (info);
  device = jd_test_device_new (fixture, THING, &error);
  g_assert_no_error (error);
  store = jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (fixture)));
  db_path = g_build_filename (jd_test_sandbox_get_dir (fixture), JD_SANDBOX_STORE_FILE, NULL);

  before = create_job (client, "before", "{\"op\":\"before\"}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (jd_test_device_expect_reply (device, "notify", WAIT_MS));
  jd_test_device_flush (device);

  /* Disk full: the database may not grow by a page. A job with a 30 KB
   * document needs new pages; it is refused as AWS refuses when it cannot
   * store (503 ServiceUnavailableException) with words a person understands. */
  {
    g_autoptr(JdJob) refused = NULL;
    g_autoptr(GPtrArray) jobs = NULL;
    GString *doc = g_string_new ("{\"blob\":\"");

    for (guint i = 0; i < 30000; i++)
      g_string_append_c (doc, 'a' + i % 26);
    g_string_append (doc, "\"}");
    big = g_string_free (doc, FALSE);

    g_assert_true (jd_store_exec_for_test (store, "PRAGMA max_page_count = 1", &error));
    g_assert_no_error (error);
    refused = create_job (client, "too-big-for-disk", big, &error);
    g_assert_null (refused);
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION);
    g_assert_cmpuint (jd_control_plane_error_get_http_status (error), ==, 503);
    g_assert_nonnull (strstr (jd_control_plane_error_get_aws_message (error), "is full; nothing was changed"));
    g_clear_error (&error);

    /* Reads are served meanwhile, over HTTP and MQTT. */
    jobs = list_jobs (client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (jobs->len, ==, 1);
    g_assert_cmpstr (jd_job_get_job_id (g_ptr_array_index (jobs, 0)), ==, "before");
    {
      g_autoptr(JsonNode) keep = NULL;
      JsonObject *reply = device_request (device, "get", "{\"clientToken\":\"full-get\"}", TRUE, &keep);

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "queuedJobs")), ==, 1);
    }
    g_assert_cmpuint (jd_test_device_count (device, "$aws/things/" THING "/jobs/notify", 300), ==, 0);
  }

  /* Read-only: a device's StartNext is rejected with the reason, the
   * execution stays QUEUED, the control plane refuses writes and still reads. */
  {
    g_autoptr(JsonNode) k1 = NULL;
    g_autoptr(JsonNode) k2 = NULL;
    g_autoptr(JdJob) refused = NULL;
    JsonObject *reply;

    g_assert_true (jd_store_exec_for_test (store, "PRAGMA max_page_count = 1000000; PRAGMA query_only = 1", &error));
    g_assert_no_error (error);
    reply = device_request (device, "start-next", "{\"clientToken\":\"ro-start\"}", FALSE, &k1);
    g_assert_cmpstr (json_object_get_string_member (reply, "code"), ==, "InternalError");
    g_assert_cmpstr (json_object_get_string_member (reply, "clientToken"), ==, "ro-start");
    g_assert_nonnull (strstr (json_object_get_string_member (reply, "message"), "read-only"));

    reply = device_request (device, "before/get", "{\"clientToken\":\"ro-get\"}", TRUE, &k2);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "execution"), "status"),
                     ==, "QUEUED");

    refused = create_job (client, "while-read-only", "{}", &error);
    g_assert_null (refused);
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION);
    g_assert_nonnull (strstr (jd_control_plane_error_get_aws_message (error), "read-only"));
    g_clear_error (&error);
  }

  /* Writable again: the service picks up where it was. */
  {
    g_autoptr(JsonNode) keep = NULL;
    g_autoptr(JdJob) again = NULL;
    JsonObject *reply;

    g_assert_true (jd_store_exec_for_test (store, "PRAGMA query_only = 0", &error));
    g_assert_no_error (error);
    reply = device_request (device, "start-next", "{}", TRUE, &keep);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "execution"), "jobId"),
                     ==, "before");
    again = create_job (client, "too-big-for-disk", big, &error);
    g_assert_no_error (error);
    g_assert_nonnull (again);
  }

  /* Nothing corrupt, nothing half-written. */
  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);
  check = integrity_check (db_path);
  g_assert_cmpstr (check, ==, "ok");
  {
    g_autoptr(JdStore) reopened = jd_store_open (db_path, &error);
    g_autoptr(JdStoreJob) job = NULL;
    g_autoptr(JdStoreExecution) execution = NULL;
    g_autoptr(GError) missing = NULL;
    g_autoptr(JdStoreJob) never = NULL;

    g_assert_no_error (error);
    job = jd_store_get_job (reopened, "too-big-for-disk", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strlen (job->document), ==, strlen (big));
    execution = jd_store_get_execution (reopened, THING, "before", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
    never = jd_store_get_job (reopened, "while-read-only", &missing);
    g_assert_null (never);
    g_assert_error (missing, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  }
}

/* ---- a client clock 10 minutes off ---- */

/* GET /jobs signed as if the client's clock were @offset_minutes off. */
static guint
signed_get (SoupSession *session,
            JsonNode    *info,
            int          offset_minutes,
            char       **body_text)
{
  JsonObject *cp = control_plane_info (info);
  const char *endpoint = json_object_get_string_member (cp, "endpoint");
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  g_autofree char *host = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  g_autofree char *url = g_strconcat (endpoint, "/jobs", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) shifted = g_date_time_add_minutes (now, offset_minutes);
  JdSigv4Header headers[] = { { "Host", host } };
  JdSigv4Request request = { "GET", "/jobs", NULL, headers, 1, NULL, 0 };
  JdSigv4Credentials creds = {
    json_object_get_string_member (cp, "accessKeyId"),
    json_object_get_string_member (cp, "secretAccessKey"),
    NULL,
    json_object_get_string_member (cp, "region"),
  };
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  jd_sigv4_sign (&request, &creds, "iot", shifted, &authorization, &amz_date);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "X-Amz-Date", amz_date);
  /* Async: the service answers from this same main context. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, store_result_cb, &result);
    body = soup_session_send_and_read_finish (session, wait_result (&result), &error);
  }
  g_assert_no_error (error);
  *body_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (message);
}

static void
test_clock_skew (void)
{
  const char *things[] = { THING, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(SoupSession) session = NULL;
  struct { int offset; guint status; const char *prefix; } cases[] = {
    { 0, 200, "{" },
    { -10, 403, "Signature expired: " },
    { 10, 403, "Signature not yet current: " },
    { -4, 200, "{" },
  };

  g_assert_no_error (error);
  info = read_info (jd_test_sandbox_get_dir (fixture));
  ca = g_tls_file_database_new (ca_path_of (info), &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", ca, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) node = NULL;
      guint status = signed_get (session, info, cases[i].offset, &text);

      g_test_message ("clock %+d min: %u %s", cases[i].offset, status, text);
      g_assert_cmpuint (status, ==, cases[i].status);
      node = json_from_string (text, &error);
      g_assert_no_error (error);
      if (status == 403)
        {
          JsonObject *object = json_node_get_object (node);
          const char *message = json_object_get_string_member_with_default (object, "message", "");

          g_assert_true (g_str_has_prefix (message, cases[i].prefix));
          g_assert_nonnull (strstr (message, "5 min.)"));
        }
      else
        g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
    }
}

/* ---- the broker killed in the middle of a burst (real service) ---- */

#define N_BURST 40

typedef struct
{
  guint     done;
  guint     ok;
  guint     disconnected;
  guint     kill_at;
  GPid      broker_pid;
  gboolean  killed;
} DeviceBurst;

static void
device_burst_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DeviceBurst *burst = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (object), result, &error);

  burst->done++;
  if (execution != NULL)
    burst->ok++;
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED))
    burst->disconnected++;
  else
    g_error ("a request in the burst ended with %s", error != NULL ? error->message : "nothing");

  /* Freeze the broker when the first answers are in: the requests still to
   * come are then surely in flight when it dies (a fast service would
   * otherwise answer them all before the kill). */
  if (!burst->killed && burst->done == burst->kill_at)
    {
      burst->killed = TRUE;
      g_assert_cmpint (kill (burst->broker_pid, SIGSTOP), ==, 0);
    }
}

static void
queue_job (const char *db_or_null,
           JdStore    *store,
           const char *job_id)
{
  const char *names[] = { THING, NULL };
  const char *targets[] = { THING_ARN, NULL };
  JdStoreJobSpec spec = { job_id, targets, names, "{\"op\":\"burst\"}", NULL, NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) opened = NULL;
  g_autoptr(JdStoreJob) job = NULL;

  if (store == NULL)
    {
      opened = jd_store_open (db_or_null, &error);
      g_assert_no_error (error);
      store = opened;
    }
  job = jd_store_create_job (store, &spec, &error);
  g_assert_no_error (error);
}

static void
spin_until_synced (JdJobsClient *client,
                   guint         timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!jd_jobs_client_get_synced (client) && g_get_monotonic_time () < end)
    jd_test_spin (10);
  g_assert_true (jd_jobs_client_get_synced (client));
}

static void
test_broker_killed_during_burst (void)
{
  const char *things[] = { THING, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JdMqttConnection) connection = NULL;
  g_autoptr(JdJobsClient) client = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  g_autofree char *db_path = NULL;
  DeviceBurst burst = { 0 };
  JdSandbox *sandbox;
  JdExecutionList *list;
  guint64 pid = 0;
  gint64 end;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *job_id = g_strdup_printf ("job-%u", i);

      queue_job (NULL, jd_service_get_store (jd_sandbox_get_service (sandbox)), job_id);
    }

  g_assert_true (jd_sandbox_get_thing_files (sandbox, THING, &cert, &key));
  connection = jd_mqtt_connection_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox), THING);
  jd_mqtt_connection_set_tls_files (connection, jd_sandbox_get_ca_path (sandbox), cert, key, NULL);
  jd_mqtt_connection_set_backoff (connection, 50, 300, 1000);
  jd_mqtt_connection_set_connect_timeout (connection, 3000);
  client = jd_jobs_client_new (connection, THING);
  jd_jobs_client_set_request_timeout (client, 3000);
  jd_mqtt_connection_connect (connection);
  spin_until_synced (client, WAIT_MS);
  list = jd_jobs_client_get_executions (client);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);

  pid_path = g_build_filename (jd_test_sandbox_get_dir (fixture), "mosquitto.pid", NULL);
  g_file_get_contents (pid_path, &pid_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (pid_text), 10, 2, G_MAXINT, &pid, NULL));
  burst.broker_pid = (GPid) pid;
  burst.kill_at = 5;

  /* Five requests answered, then the broker freezes; 35 more are sent into
   * it and it is killed with them in flight. */
  for (guint i = 0; i < burst.kill_at; i++)
    {
      g_autofree char *job_id = g_strdup_printf ("job-%u", i % 5);

      jd_jobs_client_describe_async (client, job_id, -1, TRUE, NULL, device_burst_cb, &burst);
    }
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!burst.killed && g_get_monotonic_time () < end)
    jd_test_spin (10);
  g_assert_true (burst.killed);
  for (guint i = burst.kill_at; i < N_BURST; i++)
    {
      g_autofree char *job_id = g_strdup_printf ("job-%u", i % 5);

      jd_jobs_client_describe_async (client, job_id, -1, TRUE, NULL, device_burst_cb, &burst);
    }
  jd_test_spin (200);
  g_assert_cmpint (kill (burst.broker_pid, SIGKILL), ==, 0);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (burst.done < N_BURST && g_get_monotonic_time () < end)
    jd_test_spin (10);
  g_assert_cmpuint (burst.done, ==, N_BURST);
  g_assert_true (burst.killed);
  g_assert_cmpuint (burst.ok, >=, 5);
  g_assert_cmpuint (burst.disconnected, >, 0);
  g_assert_cmpuint (burst.ok + burst.disconnected, ==, N_BURST);
  g_assert_false (jd_jobs_client_get_synced (client));

  /* While everything is down, the queue changes: one more job, one gone. */
  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);
  db_path = g_build_filename (jd_test_sandbox_get_dir (fixture), JD_SANDBOX_STORE_FILE, NULL);
  queue_job (db_path, NULL, "job-late");
  {
    g_autoptr(JdStore) store = jd_store_open (db_path, &error);
    g_autoptr(JdStoreJob) canceled = NULL;

    g_assert_no_error (error);
    canceled = jd_store_cancel_job (store, "job-1", FALSE, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  /* Back: the client reconnects by itself and resyncs to exactly that. */
  g_assert_true (jd_test_sandbox_restart (fixture, &error));
  g_assert_no_error (error);
  spin_until_synced (client, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JdExecution) execution = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (g_hash_table_add (seen, (gpointer) jd_execution_get_job_id (execution)));
    }
  g_assert_false (g_hash_table_contains (seen, "job-1"));
  g_assert_true (g_hash_table_contains (seen, "job-late"));
  g_assert_true (g_hash_table_contains (seen, "job-0"));

  jd_mqtt_connection_disconnect (connection);
  jd_test_spin (20);
}

/* ---- a thing listening to wildcards ---- */

static void
test_wildcard_isolation (void)
{
  const char *things[] = { "Alpha", "Beta", "Gamma", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JdTestDevice) beta = NULL;
  g_autoptr(JdTestDevice) plus_spy = NULL;
  g_autoptr(JdTestDevice) hash_spy = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  g_autofree char *alpha_cert = NULL;
  g_autofree char *alpha_key = NULL;
  g_autofree char *gamma_cert = NULL;
  g_autofree char *gamma_key = NULL;
  JdSandbox *sandbox;
  const char *beta_targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Beta", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JdJob) job = NULL;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  beta = jd_test_device_new (fixture, "Beta", &error);
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Alpha", &alpha_cert, &alpha_key));
  plus_spy = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                      jd_sandbox_get_ca_path (sandbox), alpha_cert, alpha_key,
                                      "Alpha-plus", "$aws/things/+/jobs/#", &error);
  g_assert_no_error (error);
  /* Another thing (a client id is its certificate's name, so a second
   * Alpha connection would replace the first). Its filter is `$aws/#`: a bare
   * `#` never matches topics that start with `$` (MQTT 3.1.1 §4.7.2), so a
   * `#` spy would be silent whatever the ACL said. */
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Gamma", &gamma_cert, &gamma_key));
  hash_spy = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                      jd_sandbox_get_ca_path (sandbox), gamma_cert, gamma_key,
                                      "Gamma-hash", "$aws/#", &error);
  g_assert_no_error (error);

  info = read_info (jd_test_sandbox_get_dir (fixture));
  client = control_plane_for (info);

  /* First, the spies are listening: each receives its own thing's notify
   * through its wildcard (so the silence below means something). */
  {
    const char *own_targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Alpha",
                                  "arn:aws:iot:us-east-1:123456789012:thing/Gamma", NULL };
    g_autoptr(JdJob) own = NULL;

    jd_control_plane_create_job_async (client, "for-spies", own_targets, "{}", NULL,
                                       JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, store_result_cb, &result);
    own = jd_control_plane_create_job_finish (client, wait_result (&result), &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    got = jd_test_device_expect (plus_spy, "$aws/things/Alpha/jobs/notify", WAIT_MS, NULL);
    g_assert_nonnull (got);
    g_clear_pointer (&got, json_node_unref);
    got = jd_test_device_expect (hash_spy, "$aws/things/Gamma/jobs/notify", WAIT_MS, NULL);
    g_assert_nonnull (got);
    g_clear_pointer (&got, json_node_unref);
    jd_test_device_flush (plus_spy);
    jd_test_device_flush (hash_spy);
  }

  /* A job for Beta: the service's notify reaches Beta, not Alpha's wildcards. */
  jd_control_plane_create_job_async (client, "for-beta", beta_targets, "{}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, store_result_cb, &result);
  job = jd_control_plane_create_job_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  got = jd_test_device_expect (beta, "$aws/things/Beta/jobs/notify", WAIT_MS, NULL);
  g_assert_nonnull (got);
  g_clear_pointer (&got, json_node_unref);

  /* Beta's own requests and the service's replies stay Beta's. */
  g_assert_true (jd_test_device_request (beta, "start-next", "{\"clientToken\":\"b\"}"));
  got = jd_test_device_expect_reply (beta, "start-next/accepted", WAIT_MS);
  g_assert_nonnull (got);
  g_assert_cmpuint (jd_test_device_count (plus_spy, "$aws/things/Beta/jobs/notify", 300), ==, 0);
  g_assert_cmpuint (jd_test_device_count (plus_spy, "$aws/things/Beta/jobs/start-next", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (plus_spy, "$aws/things/Beta/jobs/start-next/accepted", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (plus_spy, "$aws/things/Beta/jobs/notify-next", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (hash_spy, "$aws/things/Beta/jobs/notify", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (hash_spy, "$aws/things/Beta/jobs/start-next/accepted", 0), ==, 0);

  /* The other way: Alpha asks on Beta's topics; nothing reaches either. */
  jd_test_device_flush (beta);
  g_assert_true (jd_test_device_publish (plus_spy, "$aws/things/Beta/jobs/for-beta/update",
                                         "{\"status\":\"SUCCEEDED\",\"clientToken\":\"a\"}", -1));
  g_assert_cmpuint (jd_test_device_count (beta, "$aws/things/Beta/jobs/for-beta/update", 300), ==, 0);
  g_assert_cmpuint (jd_test_device_count (beta, "$aws/things/Beta/jobs/for-beta/update/accepted", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (plus_spy, "$aws/things/Beta/jobs/for-beta/update/accepted", 0), ==, 0);
  {
    g_autoptr(JdStoreExecution) execution =
      jd_store_get_execution (jd_service_get_store (jd_sandbox_get_service (sandbox)), "Beta", "for-beta", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (execution->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/daemon-killed-during-create-jobs", test_daemon_killed_during_create_jobs);
  g_test_add_func ("/faults/daemon-killed-during-updates", test_daemon_killed_during_updates);
  g_test_add_func ("/faults/storage-full-and-read-only", test_storage_faults);
  g_test_add_func ("/faults/clock-skew", test_clock_skew);
  g_test_add_func ("/faults/broker-killed-during-burst", test_broker_killed_during_burst);
  g_test_add_func ("/faults/wildcard-isolation", test_wildcard_isolation);

  return g_test_run ();
}
