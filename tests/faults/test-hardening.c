/* test-hardening.c — the sandbox under attack from a thing that holds a
 * valid certificate (issue 16): its client id is its certificate's name (it
 * cannot take over the jobs service's or another thing's session); it
 * publishes only its own request topics (no forged notify-next, accepted or
 * events), nothing retained; a certificate of the sandbox CA for a name that
 * is no registered thing gets nothing; packets over 128 KiB are refused;
 * one process per sandbox folder; and every key the sandbox writes has a
 * private value of exactly 32 bytes, which strict parsers demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <mosquitto.h>
#include <sqlite3.h>

#include "jd-sandbox-broker.h"
#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define WAIT_MS   5000
#define QUIET_MS  500

static JdTestSandbox *
start_sandbox (const char * const *things)
{
  g_autoptr(GError) error = NULL;
  JdTestSandbox *sandbox = jd_test_sandbox_new (things, &error);

  g_assert_no_error (error);
  return sandbox;
}

static char *
read_broker_log (JdTestSandbox *sandbox)
{
  g_autofree char *path = g_build_filename (jd_test_sandbox_get_dir (sandbox), "mosquitto.log", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The service still answers @device's get-pending. */
static void
assert_served (JdTestDevice *device,
               const char   *token)
{
  g_autofree char *payload = g_strdup_printf ("{\"clientToken\":\"%s\"}", token);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_true (jd_test_device_request (device, "get", payload));
  reply = jd_test_device_expect_reply (device, "get/accepted", WAIT_MS);
  g_assert_nonnull (reply);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "clientToken"), ==, token);
}

/* ---- 16.1: a client id belongs to its certificate ---- */

static void
test_client_id_bound (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ((const char *[]) { "Alpha", "Beta", NULL });
  JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
  g_autoptr(JdTestDevice) beta = NULL;
  g_autoptr(JdTestDevice) thief = NULL;
  g_autoptr(JdTestDevice) thief2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *log = NULL;

  beta = jd_test_device_new (sandbox, "Beta", &error);
  g_assert_no_error (error);
  assert_served (beta, "before");

  /* Alpha's certificate asks for the service's client id, then Beta's. */
  g_assert_true (jd_sandbox_get_thing_files (sb, "Alpha", &cert, &key));
  thief = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb),
                                   cert, key, JD_SANDBOX_SERVICE_IDENTITY, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&thief, jd_test_device_free);
  thief2 = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb),
                                    cert, key, "Beta", NULL, &error);
  g_assert_no_error (error);

  /* Neither the service nor Beta was knocked off: the broker took no
   * session over, and Beta is answered at once. */
  assert_served (beta, "after");
  log = read_broker_log (sandbox);
  g_assert_null (strstr (log, "Client " JD_SANDBOX_SERVICE_IDENTITY " already connected"));
  g_assert_null (strstr (log, "Client Beta already connected"));
  /* The thief was known by its certificate's name. */
  g_assert_nonnull (strstr (log, "as Alpha ("));
}

/* ---- 16.2: things publish only where devices may ---- */

static void
test_no_forged_notifications (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ((const char *[]) { "Alpha", NULL });
  g_autoptr(JdTestDevice) alpha = NULL;
  g_autoptr(JdTestDevice) later = NULL;
  g_autoptr(GError) error = NULL;
  const char *forged = "{\"timestamp\":1,\"execution\":{\"jobId\":\"Evil\",\"status\":\"QUEUED\","
                       "\"jobDocument\":{\"run\":\"rm -rf /\"}}}";
  const char *service_topics[] = {
    "$aws/things/Alpha/jobs/notify-next",
    "$aws/things/Alpha/jobs/notify",
    "$aws/things/Alpha/jobs/get/accepted",
    "$aws/things/Alpha/jobs/start-next/rejected",
    "$aws/things/Alpha/jobs/Job1/update/accepted",
  };

  alpha = jd_test_device_new (sandbox, "Alpha", &error);
  g_assert_no_error (error);

  /* Its own subscription would echo whatever the broker let through. */
  for (guint i = 0; i < G_N_ELEMENTS (service_topics); i++)
    {
      g_assert_true (jd_test_device_publish (alpha, service_topics[i], forged, -1));
      g_assert_cmpuint (jd_test_device_count (alpha, service_topics[i], QUIET_MS), ==, 0);
    }
  /* A request still goes through (and is echoed, then answered). */
  assert_served (alpha, "allowed");

  /* A retained forgery is refused too (mosquitto closes the connection of a
   * client that publishes retained): a later subscriber gets nothing. */
  jd_test_device_publish_full (alpha, "$aws/things/Alpha/jobs/notify-next", forged, -1, TRUE, 1000);
  g_clear_pointer (&alpha, jd_test_device_free);
  /* Retained on a request topic, which a thing may write. */
  alpha = jd_test_device_new (sandbox, "Alpha", &error);
  g_assert_no_error (error);
  jd_test_device_publish_full (alpha, "$aws/things/Alpha/jobs/get", "{\"clientToken\":\"r\"}", -1, TRUE, 1000);
  g_clear_pointer (&alpha, jd_test_device_free);
  later = jd_test_device_new (sandbox, "Alpha", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jd_test_device_count (later, "$aws/things/Alpha/jobs/get", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (later, "$aws/things/Alpha/jobs/notify-next", 0), ==, 0);
  assert_served (later, "later");
}

static void
test_unregistered_identity (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox (NULL);
  JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
  g_autoptr(JdTestDevice) ghost = NULL;
  g_autoptr(JdTestDevice) mything = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  /* A certificate of the sandbox's own CA, for a name no thing has. */
  g_assert_true (jd_test_sandbox_issue_identity (sandbox, "Ghost", &cert, &key, &error));
  g_assert_no_error (error);
  ghost = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb),
                                   cert, key, "Ghost", "$aws/things/Ghost/jobs/#", &error);
  g_assert_no_error (error);
  g_assert_true (jd_test_device_publish (ghost, "$aws/things/Ghost/jobs/get", "{\"clientToken\":\"g\"}", -1));
  g_assert_cmpuint (jd_test_device_count (ghost, "$aws/things/Ghost/jobs/get", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (ghost, "$aws/things/Ghost/jobs/get/accepted", 0), ==, 0);
  g_assert_cmpuint (jd_test_device_count (ghost, "$aws/things/Ghost/jobs/get/rejected", 0), ==, 0);

  /* The same request from a registered thing is answered. */
  mything = jd_test_device_new (sandbox, "MyThing", &error);
  g_assert_no_error (error);
  assert_served (mything, "registered");

  /* Once CreateThing registers the name, its certificate works. */
  g_assert_true (jd_test_sandbox_add_thing (sb, "Ghost", &error));
  g_assert_no_error (error);
  g_clear_pointer (&ghost, jd_test_device_free);
  ghost = jd_test_device_new (sandbox, "Ghost", &error);
  g_assert_no_error (error);
  assert_served (ghost, "now-registered");
}

/* ---- 16.3: packets over 128 KiB ---- */

static void
test_max_packet_size (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox (NULL);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (JD_SANDBOX_BROKER_MAX_PACKET_SIZE + 1024, 'x');
  g_autofree char *log = NULL;

  memcpy (big, "{\"clientToken\":\"big\",\"x\":\"", strlen ("{\"clientToken\":\"big\",\"x\":\""));
  big[strlen (big) - 2] = '"';
  big[strlen (big) - 1] = '}';
  device = jd_test_device_new (sandbox, "MyThing", &error);
  g_assert_no_error (error);
  jd_test_device_publish_full (device, "$aws/things/MyThing/jobs/get", big, -1, FALSE, 1000);
  /* Not even a rejection: the service never saw it. */
  g_assert_cmpuint (jd_test_device_count (device, "$aws/things/MyThing/jobs/get/rejected", QUIET_MS), ==, 0);
  g_assert_cmpuint (jd_test_device_count (device, "$aws/things/MyThing/jobs/get/accepted", 0), ==, 0);
  log = read_broker_log (sandbox);
  g_assert_nonnull (strstr (log, "oversize packet"));

  /* A new connection is served. */
  g_clear_pointer (&device, jd_test_device_free);
  device = jd_test_device_new (sandbox, "MyThing", &error);
  g_assert_no_error (error);
  assert_served (device, "small");
}

/* ---- 17.5: no message lost to a subscriber that falls behind ---- */

#define BACKLOG 2500

typedef struct {
  gboolean connected;
  gboolean subscribed;
  guint    received;
} Slow;

static void
slow_connected (struct mosquitto *mosq, void *data, int rc)
{
  ((Slow *) data)->connected = rc == 0;
}

static void
slow_subscribed (struct mosquitto *mosq, void *data, int mid, int n, const int *granted)
{
  ((Slow *) data)->subscribed = n == 1 && granted[0] == 1;
}

static void
slow_message (struct mosquitto *mosq, void *data, const struct mosquitto_message *message)
{
  ((Slow *) data)->received++;
}

/* Runs @mosq's loop (not threaded: it reads only when we say so) until
 * @flag, or @ms pass. */
static void
slow_loop_until (struct mosquitto *mosq,
                 gboolean         *flag,
                 guint             ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * jd_test_slowdown () * 1000;

  while ((flag == NULL || !*flag) && g_get_monotonic_time () < end)
    {
      mosquitto_loop (mosq, 10, 1);
      g_main_context_iteration (NULL, FALSE);
    }
}

/* A thing sends 2,500 QoS 1 requests in one burst without reading, so its
 * 2,500 replies pile up at the broker (20 in flight, the rest queued), then
 * reads again: it gets a reply to every one, accepted or RequestThrottled,
 * never silence. mosquitto's default queue per client (1,000 messages above
 * the 20 in flight) dropped the rest. (The slow reader was once the
 * observer identity on every thing's topics; it reads only $aws/events/#
 * now, and 2,500 events cost 1,250 jobs, while the thing's own replies
 * load the same per-client queue.) */
static void
test_no_loss_to_slow_subscriber (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ((const char *[]) { "Busy", NULL });
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
  struct mosquitto *mosq;
  Slow slow = { 0 };
  guint last = G_MAXUINT;
  gint64 end;

  g_assert_true (jd_sandbox_get_thing_files (sb, "Busy", &cert, &key));
  mosquitto_lib_init ();
  mosq = mosquitto_new ("Busy", true, &slow);
  mosquitto_connect_callback_set (mosq, slow_connected);
  mosquitto_subscribe_callback_set (mosq, slow_subscribed);
  mosquitto_message_callback_set (mosq, slow_message);
  /* All of the burst goes out at once, not 20 at a time as PUBACKs are
   * read (it reads nothing until the burst is answered). */
  g_assert_cmpint (mosquitto_int_option (mosq, MOSQ_OPT_SEND_MAXIMUM, 65535), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_tls_set (mosq, jd_sandbox_get_ca_path (sb), NULL, cert, key, NULL), ==, 0);
  g_assert_cmpint (mosquitto_connect (mosq, JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sb), 60), ==, 0);
  slow_loop_until (mosq, &slow.connected, WAIT_MS);
  g_assert_true (slow.connected);
  g_assert_cmpint (mosquitto_subscribe (mosq, NULL, "$aws/things/Busy/jobs/get/+", 1), ==, 0);
  slow_loop_until (mosq, &slow.subscribed, WAIT_MS);
  g_assert_true (slow.subscribed);

  /* The burst, written without reading a byte; the service (on this main
   * context) answers meanwhile. */
  for (guint i = 0; i < BACKLOG; i++)
    g_assert_cmpint (mosquitto_publish (mosq, NULL, "$aws/things/Busy/jobs/get", 2, "{}", 1, false),
                     ==, MOSQ_ERR_SUCCESS);
  end = g_get_monotonic_time () + (gint64) WAIT_MS * jd_test_slowdown () * 1000;
  while (mosquitto_want_write (mosq) && g_get_monotonic_time () < end)
    {
      g_assert_cmpint (mosquitto_loop_write (mosq, 100), ==, MOSQ_ERR_SUCCESS);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_false (mosquitto_want_write (mosq));
  jd_test_spin (1000 * jd_test_slowdown ());

  /* Now it reads until nothing more comes for a second. */
  while (slow.received != last)
    {
      last = slow.received;
      slow_loop_until (mosq, NULL, 1000);
    }
  g_test_message ("%u of %u answered", slow.received, BACKLOG);
  g_assert_cmpuint (slow.received, ==, BACKLOG);

  mosquitto_disconnect (mosq);
  mosquitto_destroy (mosq);
}

/* ---- 16.5: the main loop never waits on the database ---- */

typedef struct {
  gint64 last;
  gint64 longest;
} Ticks;

static gboolean
tick_cb (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  ticks->longest = MAX (ticks->longest, now - ticks->last);
  ticks->last = now;
  return G_SOURCE_CONTINUE;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Another process holds the write lock on jobs.sqlite while a device
 * updates its execution: the main loop (where MQTT, HTTP and in the app the
 * window run) keeps turning, the device gets InternalError after the busy
 * timeout instead of silence, and once the lock goes the same update works. */
static void
test_locked_database (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox ((const char *[]) { "Locked", NULL });
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *db_path = g_build_filename (jd_test_sandbox_get_dir (sandbox), JD_SANDBOX_STORE_FILE, NULL);
  JdStore *store = jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (sandbox)));
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Locked", NULL };
  const char *names[] = { "Locked", NULL };
  JdStoreJobSpec spec = { 0 };
  JdStoreJob *job;
  sqlite3 *other = NULL;
  Ticks ticks = { 0 };
  guint tick_id;
  gint64 end;

  spec.job_id = "held";
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"op\":\"x\"}";
  job = jd_store_create_job (store, &spec, &error);
  g_assert_no_error (error);
  jd_store_job_free (job);
  device = jd_test_device_new (sandbox, "Locked", &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (db_path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  ticks.last = g_get_monotonic_time ();
  tick_id = g_timeout_add (10, tick_cb, &ticks);
  g_assert_true (jd_test_device_request (device, "held/update",
                                         "{\"status\":\"IN_PROGRESS\",\"clientToken\":\"l\"}"));
  end = g_get_monotonic_time () + (gint64) 15000 * jd_test_slowdown () * 1000;
  while (reply == NULL && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      reply = jd_test_device_expect_reply (device, "held/update/rejected", 0);
    }
  g_assert_nonnull (reply);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "code"), ==, "InternalError");
  /* In words, without the folder's path. */
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (reply), "message"), "locked"));
  g_assert_null (strstr (json_object_get_string_member (json_node_get_object (reply), "message"),
                         jd_test_sandbox_get_dir (sandbox)));

  /* The control plane too: CancelJob waits on the worker, answers 503. */
  {
    JdSandbox *sb = jd_test_sandbox_get_sandbox (sandbox);
    g_autoptr(JdCredentials) creds = jd_credentials_new (jd_sandbox_get_access_key_id (sb),
                                                         jd_sandbox_get_secret_access_key (sb), NULL, NULL);
    g_autofree char *endpoint = jd_sandbox_dup_endpoint (sb);
    g_autoptr(JdControlPlane) client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint,
                                                             jd_sandbox_get_ca_path (sb), creds, &error);
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_no_error (error);
    jd_control_plane_set_retry_policy (client, 1, 10);
    jd_control_plane_cancel_job_async (client, "held", FALSE, NULL, NULL, NULL, store_result_cb, &result);
    end = g_get_monotonic_time () + (gint64) 15000 * jd_test_slowdown () * 1000;
    while (result == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (result);
    g_assert_false (jd_control_plane_cancel_job_finish (client, result, &error));
    g_assert_nonnull (error);
    g_test_message ("CancelJob on a locked database: %s", error->message);
    g_assert_null (strstr (error->message, jd_test_sandbox_get_dir (sandbox)));
    g_clear_error (&error);
  }
  g_source_remove (tick_id);
  g_test_message ("longest main-loop gap while the database was locked: %" G_GINT64_FORMAT " ms",
                  ticks.longest / 1000);
  g_assert_cmpint (ticks.longest, <, (gint64) 300 * 1000 * jd_test_slowdown ());

  /* The lock goes: the same update goes through. */
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_clear_pointer (&reply, json_node_unref);
  g_assert_true (jd_test_device_request (device, "held/update",
                                         "{\"status\":\"IN_PROGRESS\",\"clientToken\":\"m\"}"));
  reply = jd_test_device_expect_reply (device, "held/update/accepted", WAIT_MS);
  g_assert_nonnull (reply);
}

/* ---- 16.6: one owner per data folder ---- */

static void
start_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  if (jd_sandbox_start_finish (JD_SANDBOX (source), result, error))
    g_assert_not_reached ();
}

static void
test_one_owner (void)
{
  g_autoptr(JdTestSandbox) sandbox = start_sandbox (NULL);
  const char *dir = jd_test_sandbox_get_dir (sandbox);
  g_autoptr(JdSandbox) second = jd_sandbox_new (dir);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d", (int) getpid ());
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  jd_sandbox_start_async (second, NULL, start_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, pid));
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);
  g_clear_object (&second);

  /* The refused one took nothing away: sandbox.json, the certificates and
   * the broker are all still there and serving. */
  g_assert_true (g_file_test (jd_sandbox_get_info_path (jd_test_sandbox_get_sandbox (sandbox)),
                              G_FILE_TEST_EXISTS));
  g_assert_true (jd_sandbox_get_thing_files (jd_test_sandbox_get_sandbox (sandbox), "MyThing", &cert, &key));
  g_assert_true (g_file_test (cert, G_FILE_TEST_EXISTS));
  device = jd_test_device_new (sandbox, "MyThing", &error);
  g_assert_no_error (error);
  assert_served (device, "first-owner");

  /* Once stopped, the folder is free again. */
  g_clear_pointer (&device, jd_test_device_free);
  g_assert_true (jd_test_sandbox_restart (sandbox, &error));
  g_assert_no_error (error);
}

/* ---- 16.8: canonical key encoding ---- */

static gboolean
run (const char * const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s: %s", argv[0], err);
      return FALSE;
    }
  return TRUE;
}

/* The length of the ECPrivateKey's privateKey OCTET STRING, from
 * `openssl asn1parse` of the PKCS#8 key and of the inner structure. */
static guint
private_value_length (const char *key_path)
{
  g_autofree char *outer = NULL;
  g_autofree char *inner = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *offset = NULL;
  guint length = 0;

  g_assert_true (run ((const char *[]) { "openssl", "asn1parse", "-in", key_path, NULL }, &outer));
  /* PrivateKeyInfo's last member: the OCTET STRING holding ECPrivateKey. */
  lines = g_strsplit (outer, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "OCTET STRING") != NULL && strstr (lines[i], "d=1") != NULL)
      offset = g_strdup_printf ("%u", (guint) g_ascii_strtoull (g_strstrip (lines[i]), NULL, 10));
  g_assert_nonnull (offset);
  g_assert_true (run ((const char *[]) { "openssl", "asn1parse", "-in", key_path, "-strparse", offset, NULL },
                      &inner));
  g_strfreev (lines);
  lines = g_strsplit (inner, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = strstr (lines[i], " l=");

      /* ECPrivateKey ::= SEQUENCE { INTEGER 1, OCTET STRING privateKey, … } */
      if (strstr (lines[i], "OCTET STRING") != NULL && strstr (lines[i], "d=1") != NULL && l != NULL)
        {
          length = (guint) g_ascii_strtoull (l + 3, NULL, 10);
          break;
        }
    }
  return length;
}

static void
collect_keys (const char *dir,
              GPtrArray  *keys)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_keys (path, keys);
      else if (g_str_has_suffix (name, ".key"))
        g_ptr_array_add (keys, g_steal_pointer (&path));
    }
}

static void
test_canonical_keys (void)
{
  const char *things[] = {
    "K01", "K02", "K03", "K04", "K05", "K06", "K07", "K08", "K09", "K10",
    "K11", "K12", "K13", "K14", "K15", "K16", "K17", "K18", "K19", "K20", NULL
  };
  g_autoptr(JdTestSandbox) sandbox = start_sandbox (things);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  const char *script =
    "import sys\n"
    "from cryptography.hazmat.primitives.serialization import load_pem_private_key\n"
    "from cryptography.hazmat.primitives.asymmetric import ec\n"
    "for path in sys.argv[1:]:\n"
    "    key = load_pem_private_key(open(path, 'rb').read(), password=None)\n"
    "    assert isinstance(key.curve, ec.SECP256R1), path\n"
    "    print(path, key.private_numbers().private_value.bit_length())\n";

  collect_keys (jd_test_sandbox_get_dir (sandbox), keys);
  /* The CA, the broker's and the service's keys, and one per thing. */
  g_assert_cmpuint (keys->len, >=, 3 + 20);
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpuint (private_value_length (g_ptr_array_index (keys, i)), ==, 32);

  /* Debian's Python cryptography loads every one. */
  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) script);
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (keys, i));
  g_ptr_array_add (argv, NULL);
  g_assert_true (run ((const char *const *) argv->pdata, &out));
  {
    g_auto(GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, keys->len);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hardening/client-id-bound", test_client_id_bound);
  g_test_add_func ("/hardening/no-forged-notifications", test_no_forged_notifications);
  g_test_add_func ("/hardening/unregistered-identity", test_unregistered_identity);
  g_test_add_func ("/hardening/max-packet-size", test_max_packet_size);
  g_test_add_func ("/hardening/one-owner", test_one_owner);
  g_test_add_func ("/hardening/canonical-keys", test_canonical_keys);
  g_test_add_func ("/hardening/no-loss-to-slow-subscriber", test_no_loss_to_slow_subscriber);
  g_test_add_func ("/hardening/locked-database", test_locked_database);

  return g_test_run ();
}
