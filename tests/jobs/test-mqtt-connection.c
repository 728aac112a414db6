/* test-mqtt-connection.c — JdMqttConnection against the TLS broker fixture:
 * connect, QoS 1 publish/subscribe, a main loop that never blocks, refused
 * certificates in plain words, encrypted keys, and reconnect with
 * re-subscription after the broker dies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-mqtt"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "jd-jobs-error.h"
#include "jd-mqtt-connection.h"
#include "jd-test-broker.h"
#include "jd-device-test.h"

typedef struct {
  JdTestBroker *broker;
} Fixture;

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} AsyncResult;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->broker = jd_test_broker_new (&error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->broker, jd_test_broker_free);
}

static JdMqttConnection *
new_connection (Fixture    *f,
                const char *name)
{
  const char *cert = NULL, *key = NULL;
  g_autoptr(GError) error = NULL;
  JdMqttConnection *conn;

  g_assert_true (jd_test_broker_issue_client (f->broker, name, &cert, &key, &error));
  g_assert_no_error (error);

  conn = jd_mqtt_connection_new (jd_test_broker_get_host (f->broker),
                                 jd_test_broker_get_port (f->broker), name);
  jd_mqtt_connection_set_tls_files (conn, jd_test_broker_get_ca_path (f->broker), cert, key, NULL);
  jd_mqtt_connection_set_backoff (conn, 50, 400, 1000);
  jd_mqtt_connection_set_connect_timeout (conn, 5000);
  return conn;
}

static void
bool_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  AsyncResult *r = data;
  GTask *task = G_TASK (result);

  r->ok = g_task_propagate_boolean (task, &r->error);
  r->done = TRUE;
}

static void
connect_and_wait_ms (JdMqttConnection *conn,
                     AsyncResult      *r,
                     guint             timeout_ms)
{
  memset (r, 0, sizeof *r);
  jd_mqtt_connection_connect_async (conn, NULL, bool_done_cb, r);
  g_assert_true (jd_test_wait_flag (&r->done, timeout_ms));
}

static void
connect_and_wait (JdMqttConnection *conn,
                  AsyncResult      *r)
{
  connect_and_wait_ms (conn, r, 10000);
}

typedef struct {
  GPtrArray *topics;
  GPtrArray *payloads;
} Inbox;

static void
message_cb (JdMqttConnection *conn,
            const char       *topic,
            GBytes           *payload,
            gpointer          data)
{
  Inbox *inbox = data;
  gsize size;
  const char *bytes = g_bytes_get_data (payload, &size);

  g_ptr_array_add (inbox->topics, g_strdup (topic));
  g_ptr_array_add (inbox->payloads, g_strndup (bytes, size));
}

static void
inbox_init (Inbox *inbox)
{
  inbox->topics = g_ptr_array_new_with_free_func (g_free);
  inbox->payloads = g_ptr_array_new_with_free_func (g_free);
}

static void
inbox_clear (Inbox *inbox)
{
  g_ptr_array_unref (inbox->topics);
  g_ptr_array_unref (inbox->payloads);
}

static void
test_connect_publish_subscribe (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-a");
  const char *filters[] = { "$aws/things/thing-a/jobs/notify", "$aws/things/thing-a/jobs/+/get/+", NULL };
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"x\":1}", 7);
  AsyncResult r = { 0 };
  Inbox inbox;

  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_DISCONNECTED);
  g_assert_null (jd_mqtt_connection_get_alpn (conn));

  inbox_init (&inbox);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), &inbox);

  /* Subscribing before connecting completes after the connection's SUBACK. */
  jd_mqtt_connection_subscribe_async (conn, filters, 1, NULL, bool_done_cb, &r);
  jd_mqtt_connection_connect (conn);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_CONNECTING);
  g_assert_true (jd_test_wait_flag (&r.done, 10000));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_CONNECTED);
  g_assert_null (jd_mqtt_connection_get_last_error (conn));

  /* QoS 1 publish completes on PUBACK; the message comes back to us. */
  memset (&r, 0, sizeof r);
  jd_mqtt_connection_publish_async (conn, "$aws/things/thing-a/jobs/notify", payload, 1,
                                    NULL, bool_done_cb, &r);
  g_assert_true (jd_test_wait_flag (&r.done, 5000));
  g_assert_no_error (r.error);
  JD_TEST_WAIT_UNTIL (inbox.topics->len == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (inbox.topics, 0), ==, "$aws/things/thing-a/jobs/notify");
  g_assert_cmpstr (g_ptr_array_index (inbox.payloads, 0), ==, "{\"x\":1}");

  /* QoS 0 too; and a subscribe while connected. */
  {
    const char *more[] = { "$aws/things/thing-a/jobs/notify-next", NULL };

    memset (&r, 0, sizeof r);
    jd_mqtt_connection_subscribe_async (conn, more, 1, NULL, bool_done_cb, &r);
    g_assert_true (jd_test_wait_flag (&r.done, 5000));
    g_assert_no_error (r.error);

    gint64 start = g_get_monotonic_time ();

    memset (&r, 0, sizeof r);
    jd_mqtt_connection_publish_async (conn, "$aws/things/thing-a/jobs/notify-next", payload, 0,
                                      NULL, bool_done_cb, &r);
    g_assert_true (jd_test_wait_flag (&r.done, 5000));
    g_assert_no_error (r.error);
    /* Done once written, not at the next keepalive tick. */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 500 * 1000);
    JD_TEST_WAIT_UNTIL (inbox.topics->len == 2, 5000);
  }

  /* Invalid filters and topics fail at once. */
  {
    const char *bad[] = { "a/#/b", NULL };

    memset (&r, 0, sizeof r);
    jd_mqtt_connection_subscribe_async (conn, bad, 1, NULL, bool_done_cb, &r);
    g_assert_true (jd_test_wait_flag (&r.done, 1000));
    g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
    g_clear_error (&r.error);

    memset (&r, 0, sizeof r);
    jd_mqtt_connection_publish_async (conn, "a/+", payload, 1, NULL, bool_done_cb, &r);
    g_assert_true (jd_test_wait_flag (&r.done, 1000));
    g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
    g_clear_error (&r.error);
  }

  /* Fire and forget (the service's replies): delivered, in order, and its
   * acks find no operation; a bad topic fails at once. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) second = g_bytes_new_static ("{\"x\":2}", 7);

    g_assert_true (jd_mqtt_connection_publish (conn, "$aws/things/thing-a/jobs/notify", payload, 1, &error));
    g_assert_no_error (error);
    g_assert_true (jd_mqtt_connection_publish (conn, "$aws/things/thing-a/jobs/notify", second, 1, &error));
    g_assert_no_error (error);
    JD_TEST_WAIT_UNTIL (inbox.topics->len == 4, 5000);
    g_assert_cmpstr (g_ptr_array_index (inbox.payloads, 2), ==, "{\"x\":1}");
    g_assert_cmpstr (g_ptr_array_index (inbox.payloads, 3), ==, "{\"x\":2}");
    g_assert_false (jd_mqtt_connection_publish (conn, "a/+", payload, 1, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    /* The connection still works after the untracked acks. */
    memset (&r, 0, sizeof r);
    jd_mqtt_connection_publish_async (conn, "$aws/things/thing-a/jobs/notify", payload, 1,
                                      NULL, bool_done_cb, &r);
    g_assert_true (jd_test_wait_flag (&r.done, 5000));
    g_assert_no_error (r.error);
    JD_TEST_WAIT_UNTIL (inbox.topics->len == 5, 5000);
  }

  jd_mqtt_connection_disconnect (conn);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_DISCONNECTED);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (jd_mqtt_connection_publish (conn, "$aws/things/thing-a/jobs/notify", payload, 1, &error));
    g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED);
  }

  /* Publishing while disconnected fails with DISCONNECTED. */
  memset (&r, 0, sizeof r);
  jd_mqtt_connection_publish_async (conn, "$aws/things/thing-a/jobs/notify", payload, 1,
                                    NULL, bool_done_cb, &r);
  g_assert_true (jd_test_wait_flag (&r.done, 1000));
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED);
  g_clear_error (&r.error);

  g_signal_handlers_disconnect_by_data (conn, &inbox);
  inbox_clear (&inbox);
  g_assert_finalize_object (g_steal_pointer (&conn));
}

typedef struct {
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} Ticker;

static gboolean
tick_cb (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time ();

  if (t->last != 0)
    t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  t->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
test_never_answers (void)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  g_autoptr(JdMqttConnection) conn = NULL;
  AsyncResult r = { 0 };
  Ticker ticker = { 0 };
  guint tick_id;
  gint64 start;
  int fd;

  /* A socket that completes TCP connections (backlog) but never accepts or
   * speaks: the TLS handshake waits forever. */
  fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 8), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);

  conn = jd_mqtt_connection_new ("127.0.0.1", ntohs (addr.sin_port), "silent");
  /* Any readable files will do: the handshake never gets far. */
  jd_mqtt_connection_set_tls_files (conn, "/etc/ssl/certs/ca-certificates.crt", NULL, NULL, NULL);
  jd_mqtt_connection_set_connect_timeout (conn, 1500);
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);

  tick_id = g_timeout_add (10, tick_cb, &ticker);
  start = g_get_monotonic_time ();
  jd_mqtt_connection_connect_async (conn, NULL, bool_done_cb, &r);
  g_assert_true (jd_test_wait_flag (&r.done, 10000));
  g_source_remove (tick_id);

  /* The attempt timed out after ~1.5 s, and meanwhile the timer kept firing:
   * a blocking connect would have stalled it for the whole 1.5 s. The bounds
   * leave room for a loaded machine. */
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED);
  g_assert_nonnull (strstr (r.error->message, "did not answer"));
  g_clear_error (&r.error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1400 * 1000);
  g_assert_cmpuint (ticker.ticks, >=, 20);
  g_assert_cmpint (ticker.max_gap, <, 750 * 1000);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_RECONNECTING);
  g_assert_cmpstr (jd_mqtt_connection_get_last_error_message (conn), ==,
                   "the broker did not answer within 2 seconds");

  jd_mqtt_connection_disconnect (conn);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_DISCONNECTED);
  close (fd);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(JdMqttConnection) conn = NULL;
  AsyncResult r = { 0 };
  guint16 port;

  /* A port nobody listens on: bind, read the port, close. */
  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);

  conn = jd_mqtt_connection_new ("127.0.0.1", port, "nobody");
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);
  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED);
  g_assert_nonnull (strstr (r.error->message, "refused the connection"));
  g_assert_nonnull (strstr (jd_mqtt_connection_get_last_error_message (conn), "refused the connection"));
  g_clear_error (&r.error);
  jd_mqtt_connection_disconnect (conn);
}

/* The same over mutual TLS, as every real connection is: the refused TCP
 * connect must not read as "the broker closed the connection" (the TLS
 * handshake sees the dead socket too). Each of several attempts, the first
 * and the reconnects, says it. */
static void
state_changed_count_cb (JdMqttConnection *conn,
                        GParamSpec       *pspec,
                        GPtrArray        *reasons)
{
  if (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_RECONNECTING)
    g_ptr_array_add (reasons, g_strdup (jd_mqtt_connection_get_last_error_message (conn)));
}

static void
reconnect_delay_changed_cb (JdMqttConnection *conn,
                            GParamSpec       *pspec,
                            GPtrArray        *reasons)
{
  g_ptr_array_add (reasons, g_strdup (jd_mqtt_connection_get_last_error_message (conn)));
}

static void
test_tls_connection_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdMqttConnection) conn = NULL;
  g_autofree char *expected = NULL;
  const char *cert = NULL, *key = NULL;
  AsyncResult r = { 0 };
  guint16 port;

  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  expected = g_strdup_printf ("the broker refused the connection (nothing is listening on 127.0.0.1 port %u)", port);

  g_assert_true (jd_test_broker_issue_client (f->broker, "thing-n", &cert, &key, &error));
  g_assert_no_error (error);
  conn = jd_mqtt_connection_new ("127.0.0.1", port, "thing-n");
  jd_mqtt_connection_set_tls_files (conn, jd_test_broker_get_ca_path (f->broker), cert, key, NULL);
  jd_mqtt_connection_set_backoff (conn, 20, 40, 1000);
  g_signal_connect (conn, "notify::state", G_CALLBACK (state_changed_count_cb), reasons);
  g_signal_connect (conn, "notify::reconnect-delay", G_CALLBACK (reconnect_delay_changed_cb), reasons);

  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED);
  g_assert_cmpstr (r.error->message, ==, expected);
  g_clear_error (&r.error);

  JD_TEST_WAIT_UNTIL (reasons->len >= 6, 10000);
  g_assert_cmpuint (reasons->len, >=, 6);
  for (guint i = 0; i < reasons->len; i++)
    g_assert_cmpstr (g_ptr_array_index (reasons, i), ==, expected);
  g_signal_handlers_disconnect_by_data (conn, reasons);
  jd_mqtt_connection_disconnect (conn);
}

static void
test_unresolvable (void)
{
  g_autoptr(JdMqttConnection) conn = jd_mqtt_connection_new ("no-such-host.invalid", 8883, "x");
  AsyncResult r = { 0 };

  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);
  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED);
  g_assert_nonnull (strstr (r.error->message, "could not be resolved"));
  g_clear_error (&r.error);
  jd_mqtt_connection_disconnect (conn);
}

static void
test_rogue_certificate (Fixture       *f,
                        gconstpointer  data)
{
  const char *cert = NULL, *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdMqttConnection) conn = NULL;
  AsyncResult r = { 0 };

  g_assert_true (jd_test_broker_issue_rogue_client (f->broker, "thing-r", &cert, &key, &error));
  conn = jd_mqtt_connection_new (jd_test_broker_get_host (f->broker),
                                 jd_test_broker_get_port (f->broker), "thing-r");
  jd_mqtt_connection_set_tls_files (conn, jd_test_broker_get_ca_path (f->broker), cert, key, NULL);
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);
  connect_and_wait (conn, &r);
  g_assert_nonnull (r.error);
  g_test_message ("rogue: %s", r.error->message);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr (r.error->message, ==, "the broker refused the client certificate");
  g_assert_cmpstr (jd_mqtt_connection_get_last_error_message (conn), ==,
                   "the broker refused the client certificate");
  g_clear_error (&r.error);
  jd_mqtt_connection_disconnect (conn);
}

static void
test_untrusted_broker (Fixture       *f,
                       gconstpointer  data)
{
  const char *cert = NULL, *key = NULL, *rogue_ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdMqttConnection) conn = NULL;
  AsyncResult r = { 0 };

  g_assert_true (jd_test_broker_issue_client (f->broker, "thing-u", &cert, &key, &error));
  g_assert_true (jd_test_broker_issue_rogue_ca (f->broker, &rogue_ca, &error));
  conn = jd_mqtt_connection_new (jd_test_broker_get_host (f->broker),
                                 jd_test_broker_get_port (f->broker), "thing-u");
  jd_mqtt_connection_set_tls_files (conn, rogue_ca, cert, key, NULL);
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);
  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED);
  g_assert_cmpstr (r.error->message, ==, "the broker's certificate is not signed by the configured CA");
  g_clear_error (&r.error);

  /* Missing files are named. */
  jd_mqtt_connection_set_tls_files (conn, "/nonexistent/ca.pem", cert, key, NULL);
  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED);
  g_assert_nonnull (strstr (r.error->message, "/nonexistent/ca.pem"));
  g_clear_error (&r.error);
  jd_mqtt_connection_disconnect (conn);
}

#define KEY_DECRYPT_WAIT_MS 60000

static void
test_key_passphrase (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (jd_test_broker_get_dir (f->broker), "enc.crt", NULL);
  g_autofree char *enc_key = g_build_filename (jd_test_broker_get_dir (f->broker), "enc.key", NULL);
  g_autoptr(JdMqttConnection) conn = NULL;
  AsyncResult r = { 0 };

  /* A key encrypted with PBES2/AES-256 (PKCS#8), as openssl pkey -aes256
   * writes it; GnuTLS derives its key with 600,000 PBKDF2 rounds, which
   * OpenSSL's decoders may run more than once for a wrong passphrase: slow
   * under the sanitizers, hence the longer wait. */
  jd_test_ca_issue_at (jd_test_broker_get_ca (f->broker), "thing-p", -3600, 3600, "s3cret",
                       cert, enc_key);

  conn = jd_mqtt_connection_new (jd_test_broker_get_host (f->broker),
                                 jd_test_broker_get_port (f->broker), "thing-p");
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);

  /* Wrong passphrase: said so, and OpenSSL never prompts. */
  jd_mqtt_connection_set_tls_files (conn, jd_test_broker_get_ca_path (f->broker), cert, enc_key, "wrong");
  connect_and_wait_ms (conn, &r, KEY_DECRYPT_WAIT_MS);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED);
  g_assert_cmpstr (r.error->message, ==, "the private key cannot be read (is the passphrase right?)");
  g_clear_error (&r.error);
  jd_mqtt_connection_disconnect (conn);

  jd_mqtt_connection_set_tls_files (conn, jd_test_broker_get_ca_path (f->broker), cert, enc_key, "s3cret");
  connect_and_wait_ms (conn, &r, KEY_DECRYPT_WAIT_MS);
  g_assert_no_error (r.error);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_CONNECTED);
  jd_mqtt_connection_disconnect (conn);
}

static void
state_log_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  GArray *states = data;
  JdMqttState state = jd_mqtt_connection_get_state (JD_MQTT_CONNECTION (object));

  g_array_append_val (states, state);
}

static void
test_reconnect (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-b");
  const char *filters[] = { "$aws/things/thing-b/jobs/notify", NULL };
  g_autoptr(GBytes) payload = g_bytes_new_static ("hi", 2);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (JdMqttState));
  g_autoptr(GError) error = NULL;
  AsyncResult r = { 0 }, pub = { 0 };
  Inbox inbox;

  inbox_init (&inbox);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), &inbox);
  g_signal_connect (conn, "notify::state", G_CALLBACK (state_log_cb), states);

  jd_mqtt_connection_subscribe_async (conn, filters, 1, NULL, bool_done_cb, &r);
  connect_and_wait (conn, &pub);
  g_assert_no_error (pub.error);
  g_assert_true (jd_test_wait_flag (&r.done, 5000));
  g_assert_no_error (r.error);

  /* The broker dies with a publish in flight: it fails with DISCONNECTED. */
  jd_test_broker_kill (f->broker);
  memset (&pub, 0, sizeof pub);
  jd_mqtt_connection_publish_async (conn, filters[0], payload, 1, NULL, bool_done_cb, &pub);
  g_assert_true (jd_test_wait_flag (&pub.done, 5000));
  g_assert_error (pub.error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED);
  g_clear_error (&pub.error);
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_RECONNECTING, 5000);
  g_assert_nonnull (jd_mqtt_connection_get_last_error_message (conn));
  g_test_message ("lost: %s", jd_mqtt_connection_get_last_error_message (conn));

  /* Let a few attempts fail, then bring it back: it reconnects and
   * re-subscribes by itself. */
  jd_test_spin (600);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_RECONNECTING);
  g_assert_true (jd_test_broker_start (f->broker, &error));
  g_assert_no_error (error);
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_CONNECTED, 10000);
  g_assert_null (jd_mqtt_connection_get_last_error (conn));

  memset (&pub, 0, sizeof pub);
  jd_mqtt_connection_publish_async (conn, filters[0], payload, 1, NULL, bool_done_cb, &pub);
  g_assert_true (jd_test_wait_flag (&pub.done, 5000));
  g_assert_no_error (pub.error);
  JD_TEST_WAIT_UNTIL (inbox.topics->len == 1, 5000);

  /* connecting → connected → reconnecting → connected */
  g_assert_cmpuint (states->len, ==, 4);
  g_assert_cmpint (g_array_index (states, JdMqttState, 0), ==, JD_MQTT_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (states, JdMqttState, 1), ==, JD_MQTT_STATE_CONNECTED);
  g_assert_cmpint (g_array_index (states, JdMqttState, 2), ==, JD_MQTT_STATE_RECONNECTING);
  g_assert_cmpint (g_array_index (states, JdMqttState, 3), ==, JD_MQTT_STATE_CONNECTED);

  jd_mqtt_connection_disconnect (conn);
  g_signal_handlers_disconnect_by_data (conn, &inbox);
  g_signal_handlers_disconnect_by_data (conn, states);
  inbox_clear (&inbox);
}

static void
delay_log_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  GArray *delays = data;
  guint delay = jd_mqtt_connection_get_reconnect_delay (JD_MQTT_CONNECTION (object));

  if (delay > 0)
    g_array_append_val (delays, delay);
}

static void
test_backoff (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-d");
  g_autoptr(GArray) delays = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  AsyncResult r = { 0 };
  guint step = 40;

  jd_mqtt_connection_set_backoff (conn, 40, 320, 300);
  g_signal_connect (conn, "notify::reconnect-delay", G_CALLBACK (delay_log_cb), delays);

  /* Broker down from the start: delays double from 40 ms up to 320 ms, each
   * somewhere in the upper half of its step. */
  jd_test_broker_stop (f->broker);
  connect_and_wait (conn, &r);
  g_assert_error (r.error, JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED);
  g_clear_error (&r.error);
  JD_TEST_WAIT_UNTIL (delays->len >= 6, 5000);
  for (guint i = 0; i < 6; i++)
    {
      guint delay = g_array_index (delays, guint, i);

      g_test_message ("delay %u: %u ms (step %u)", i, delay, step);
      g_assert_cmpuint (delay, >=, step / 2);
      g_assert_cmpuint (delay, <=, step);
      step = MIN (step * 2, 320);
    }
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_RECONNECTING);

  /* Back up and stable for longer than 300 ms: the next loss starts at 40 ms again. */
  g_assert_true (jd_test_broker_start (f->broker, &error));
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_CONNECTED, 5000);
  g_assert_cmpuint (jd_mqtt_connection_get_reconnect_delay (conn), ==, 0);
  jd_test_spin (400);
  g_array_set_size (delays, 0);
  jd_test_broker_kill (f->broker);
  JD_TEST_WAIT_UNTIL (delays->len >= 1, 5000);
  g_assert_cmpuint (g_array_index (delays, guint, 0), <=, 40);

  jd_mqtt_connection_disconnect (conn);
  g_assert_cmpuint (jd_mqtt_connection_get_reconnect_delay (conn), ==, 0);
  g_signal_handlers_disconnect_by_data (conn, delays);
}

static void
test_keepalive (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-k");
  AsyncResult r = { 0 };
  GPid pid;

  /* A broker that stops answering but keeps the TCP connection (a frozen
   * process, a half-open link): keepalive notices within two periods. */
  jd_mqtt_connection_set_keepalive (conn, 5);
  connect_and_wait (conn, &r);
  g_assert_no_error (r.error);

  pid = jd_test_broker_get_pid (f->broker);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_RECONNECTING, 15000);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_cmpstr (jd_mqtt_connection_get_last_error_message (conn), ==,
                   "the broker stopped answering (keepalive timeout)");

  /* Thawed, it takes us back. */
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_CONNECTED, 10000);
  jd_mqtt_connection_disconnect (conn);
}

static void
test_persistent_session (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JdMqttConnection) device = new_connection (f, "thing-s");
  g_autoptr(JdMqttConnection) service = new_connection (f, JD_TEST_BROKER_SERVICE_IDENTITY);
  const char *filters[] = { "$aws/things/thing-s/jobs/notify", NULL };
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"jobs\":{}}", 11);
  AsyncResult r = { 0 };
  Inbox inbox;

  inbox_init (&inbox);
  g_signal_connect (device, "message", G_CALLBACK (message_cb), &inbox);
  jd_mqtt_connection_set_clean_session (device, FALSE);
  jd_mqtt_connection_subscribe_async (device, filters, 1, NULL, bool_done_cb, &r);
  connect_and_wait (device, &r);
  g_assert_no_error (r.error);
  connect_and_wait (service, &r);
  g_assert_no_error (r.error);

  /* Offline, a QoS 1 message waits in the broker for the session. */
  jd_mqtt_connection_disconnect (device);
  memset (&r, 0, sizeof r);
  jd_mqtt_connection_publish_async (service, filters[0], payload, 1, NULL, bool_done_cb, &r);
  g_assert_true (jd_test_wait_flag (&r.done, 5000));
  g_assert_no_error (r.error);
  jd_test_spin (100);
  g_assert_cmpuint (inbox.topics->len, ==, 0);

  connect_and_wait (device, &r);
  g_assert_no_error (r.error);
  JD_TEST_WAIT_UNTIL (inbox.topics->len == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (inbox.payloads, 0), ==, "{\"jobs\":{}}");

  jd_mqtt_connection_disconnect (device);
  jd_mqtt_connection_disconnect (service);
  g_signal_handlers_disconnect_by_data (device, &inbox);
  inbox_clear (&inbox);
}

static void
give_up_cb (GObject    *object,
            GParamSpec *pspec,
            gpointer    data)
{
  JdMqttConnection *conn = JD_MQTT_CONNECTION (object);

  if (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_RECONNECTING)
    jd_mqtt_connection_disconnect (conn);
}

static void
test_disconnect_from_handler (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-h");
  g_autoptr(GError) error = NULL;
  AsyncResult r = { 0 };

  connect_and_wait (conn, &r);
  g_assert_no_error (r.error);

  /* Giving up from inside the state notification sticks. */
  g_signal_connect (conn, "notify::state", G_CALLBACK (give_up_cb), NULL);
  jd_test_broker_kill (f->broker);
  JD_TEST_WAIT_UNTIL (jd_mqtt_connection_get_state (conn) == JD_MQTT_STATE_DISCONNECTED, 5000);
  g_assert_true (jd_test_broker_start (f->broker, &error));
  jd_test_spin (600);
  g_assert_cmpint (jd_mqtt_connection_get_state (conn), ==, JD_MQTT_STATE_DISCONNECTED);
  g_assert_cmpuint (jd_mqtt_connection_get_reconnect_delay (conn), ==, 0);
  g_signal_handlers_disconnect_by_func (conn, give_up_cb, NULL);
  g_assert_finalize_object (g_steal_pointer (&conn));
}

static void
test_cancel_publish (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JdMqttConnection) conn = new_connection (f, "thing-c");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  AsyncResult r = { 0 };

  connect_and_wait (conn, &r);
  g_assert_no_error (r.error);

  /* Cancelled before the call: fails with CANCELLED and nothing else. */
  g_cancellable_cancel (cancellable);
  memset (&r, 0, sizeof r);
  jd_mqtt_connection_publish_async (conn, "$aws/things/thing-c/jobs/get", payload, 1,
                                    cancellable, bool_done_cb, &r);
  g_assert_false (r.done);
  g_assert_true (jd_test_wait_flag (&r.done, 2000));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* Cancelled right after: CANCELLED, and a late PUBACK is harmless. */
  g_cancellable_reset (cancellable);
  memset (&r, 0, sizeof r);
  jd_mqtt_connection_publish_async (conn, "$aws/things/thing-c/jobs/get", payload, 1,
                                    cancellable, bool_done_cb, &r);
  g_cancellable_cancel (cancellable);
  g_assert_true (jd_test_wait_flag (&r.done, 2000));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  jd_test_spin (200);

  jd_mqtt_connection_disconnect (conn);
}

typedef struct {
  GSocket  *listener;
  gboolean  got_hello;
  gboolean  has_alpn;
} HelloCatcher;

static gboolean
hello_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      data)
{
  HelloCatcher *c = data;
  g_autoptr(GSocket) peer = g_socket_accept (c->listener, NULL, NULL);
  char buf[4096];
  gssize n;

  if (peer == NULL)
    return G_SOURCE_CONTINUE;

  /* The ClientHello, ALPN extension included, is sent in clear. */
  g_socket_set_timeout (peer, 2);
  n = g_socket_receive (peer, buf, sizeof buf, NULL, NULL);
  c->got_hello = n > 0;
  for (gssize i = 0; n > 0 && i + 14 <= n && !c->has_alpn; i++)
    c->has_alpn = memcmp (buf + i, "x-amzn-mqtt-ca", 14) == 0;
  return G_SOURCE_REMOVE;
}

static void
test_alpn_on_443 (void)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 443);
  g_autoptr(JdMqttConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) source = NULL;
  HelloCatcher c = { 0 };

  c.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (!g_socket_bind (c.listener, addr, TRUE, &error) || !g_socket_listen (c.listener, &error))
    {
      g_test_skip ("cannot listen on 127.0.0.1:443 (not root, or in use)");
      g_object_unref (c.listener);
      return;
    }

  source = g_socket_create_source (c.listener, G_IO_IN, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (hello_cb), &c, NULL);
  g_source_attach (source, NULL);

  conn = jd_mqtt_connection_new ("127.0.0.1", 443, "T");
  jd_mqtt_connection_set_tls_files (conn, "/etc/ssl/certs/ca-certificates.crt", NULL, NULL, NULL);
  jd_mqtt_connection_set_backoff (conn, 60000, 60000, 60000);
  jd_mqtt_connection_connect (conn);
  JD_TEST_WAIT_UNTIL (c.got_hello, 15000);
  g_assert_true (c.has_alpn);

  jd_mqtt_connection_disconnect (conn);
  g_source_destroy (source);
  g_object_unref (c.listener);
}

static void
test_alpn (void)
{
  g_autoptr(JdMqttConnection) conn = jd_mqtt_connection_new ("example-ats.iot.eu-west-1.amazonaws.com", 443, "T");

  g_assert_null (jd_mqtt_connection_get_alpn (conn));
  jd_mqtt_connection_set_tls_files (conn, "ca.pem", "c.pem", "k.pem", NULL);
  g_assert_cmpstr (jd_mqtt_connection_get_alpn (conn), ==, "x-amzn-mqtt-ca");
  g_assert_cmpstr (jd_mqtt_connection_get_host (conn), ==, "example-ats.iot.eu-west-1.amazonaws.com");
  g_assert_cmpuint (jd_mqtt_connection_get_port (conn), ==, 443);
  g_assert_cmpstr (jd_mqtt_connection_get_client_id (conn), ==, "T");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/mqtt/connect-publish-subscribe", test_connect_publish_subscribe);
  ADD ("/mqtt/rogue-certificate", test_rogue_certificate);
  ADD ("/mqtt/untrusted-broker", test_untrusted_broker);
  ADD ("/mqtt/key-passphrase", test_key_passphrase);
  ADD ("/mqtt/reconnect", test_reconnect);
  ADD ("/mqtt/cancel-publish", test_cancel_publish);
  ADD ("/mqtt/backoff", test_backoff);
  ADD ("/mqtt/keepalive", test_keepalive);
  ADD ("/mqtt/persistent-session", test_persistent_session);
  ADD ("/mqtt/disconnect-from-handler", test_disconnect_from_handler);
  ADD ("/mqtt/tls-connection-refused", test_tls_connection_refused);
#undef ADD
  g_test_add_func ("/mqtt/never-answers", test_never_answers);
  g_test_add_func ("/mqtt/connection-refused", test_connection_refused);
  g_test_add_func ("/mqtt/unresolvable", test_unresolvable);
  g_test_add_func ("/mqtt/alpn", test_alpn);
  g_test_add_func ("/mqtt/alpn-on-443", test_alpn_on_443);

  return g_test_run ();
}
