/* test-broker.c — the TLS broker fixture: certificates, per-thing isolation,
 * refused clients and the broker's lifecycle.
 *
 * Clients are plain libmosquitto (MQTT 3.1.1) pumped with mosquitto_loop() from
 * this thread, so every wait is bounded and nothing races. Over 3.1.1 a denied
 * publish or subscription is silent, so isolation is checked by what arrives:
 * a message that must not arrive is looked for only after a control message,
 * published after it, has arrived, and after a further short wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-broker"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include <gio/gio.h>
#include <mosquitto.h>

#include "jd-test-broker.h"

#define WAIT_MS    5000
#define SETTLE_MS  300

typedef enum
{
  CLIENT_GOOD,        /* certificate from the broker's CA */
  CLIENT_ROGUE,       /* same CN, certificate from another CA */
  CLIENT_NO_CERT,     /* trusts the broker, shows no certificate */
  CLIENT_UNTRUSTING,  /* good certificate, but trusts only another CA */
} ClientKind;

typedef struct
{
  char  *topic;
  char  *payload;
} Message;

typedef struct
{
  char             *name;
  struct mosquitto *mosq;
  int               connack;       /* -1 until a CONNACK arrives */
  gboolean          disconnected;
  int               loop_error;    /* first failure mosquitto_loop() reported */
  GHashTable       *acked;         /* mids of SUBACKs and PUBACKs */
  GPtrArray        *messages;      /* of Message */
} Client;

typedef struct
{
  JdTestBroker *broker;
  GPtrArray    *clients;
} Fixture;

static guint client_serial;

static void
message_free (gpointer data)
{
  Message *msg = data;

  g_free (msg->topic);
  g_free (msg->payload);
  g_free (msg);
}

static void
client_free (gpointer data)
{
  Client *c = data;

  mosquitto_disconnect (c->mosq);
  mosquitto_destroy (c->mosq);
  g_hash_table_unref (c->acked);
  g_ptr_array_unref (c->messages);
  g_free (c->name);
  g_free (c);
}

static void
on_connect_cb (struct mosquitto *mosq,
               void             *user_data,
               int               rc)
{
  Client *c = user_data;

  c->connack = rc;
}

static void
on_disconnect_cb (struct mosquitto *mosq,
                  void             *user_data,
                  int               rc)
{
  Client *c = user_data;

  c->disconnected = TRUE;
}

static void
on_publish_cb (struct mosquitto *mosq,
               void             *user_data,
               int               mid)
{
  Client *c = user_data;

  g_hash_table_add (c->acked, GINT_TO_POINTER (mid));
}

static void
on_subscribe_cb (struct mosquitto *mosq,
                 void             *user_data,
                 int               mid,
                 int               qos_count,
                 const int        *granted_qos)
{
  Client *c = user_data;

  g_hash_table_add (c->acked, GINT_TO_POINTER (mid));
}

static void
on_message_cb (struct mosquitto                *mosq,
               void                            *user_data,
               const struct mosquitto_message  *message)
{
  Client *c = user_data;
  Message *msg = g_new0 (Message, 1);

  msg->topic = g_strdup (message->topic);
  msg->payload = g_strndup (message->payload, message->payloadlen);
  g_ptr_array_add (c->messages, msg);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->broker = jd_test_broker_new (&error);
  g_assert_no_error (error);
  g_assert_nonnull (f->broker);
  f->clients = g_ptr_array_new_with_free_func (client_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->clients, g_ptr_array_unref);
  g_clear_pointer (&f->broker, jd_test_broker_free);
}

/* Runs every client's network loop once per millisecond until @done says so
 * or @timeout_ms passes; with @done NULL it just runs them for @timeout_ms. */
static gboolean
pump (Fixture   *f,
      gboolean (*done) (gconstpointer data),
      gconstpointer data,
      guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      for (guint i = 0; i < f->clients->len; i++)
        {
          Client *c = g_ptr_array_index (f->clients, i);
          int rc = mosquitto_loop (c->mosq, 0, 1);

          /* A TLS handshake that fails after mosquitto_connect() returned
           * shows only here: no disconnect callback comes. */
          if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN && c->loop_error == 0)
            c->loop_error = rc;
        }

      if (done != NULL && done (data))
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;

      g_usleep (1000);
    }
}

static Client *
client_new (Fixture    *f,
            const char *name,
            ClientKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = g_strdup_printf ("%s-%u", name, ++client_serial);
  const char *ca = jd_test_broker_get_ca_path (f->broker);
  const char *cert = NULL;
  const char *key = NULL;
  Client *c;

  switch (kind)
    {
    case CLIENT_GOOD:
      jd_test_broker_issue_client (f->broker, name, &cert, &key, &error);
      break;
    case CLIENT_ROGUE:
      jd_test_broker_issue_rogue_client (f->broker, name, &cert, &key, &error);
      break;
    case CLIENT_NO_CERT:
      break;
    case CLIENT_UNTRUSTING:
      jd_test_broker_issue_client (f->broker, name, &cert, &key, &error);
      g_assert_no_error (error);
      jd_test_broker_issue_rogue_ca (f->broker, &ca, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_no_error (error);

  c = g_new0 (Client, 1);
  c->name = g_strdup (name);
  c->connack = -1;
  c->acked = g_hash_table_new (NULL, NULL);
  c->messages = g_ptr_array_new_with_free_func (message_free);
  c->mosq = mosquitto_new (client_id, true, c);
  g_assert_nonnull (c->mosq);
  g_ptr_array_add (f->clients, c);

  g_assert_cmpint (mosquitto_int_option (c->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311), ==, MOSQ_ERR_SUCCESS);
  mosquitto_connect_callback_set (c->mosq, on_connect_cb);
  mosquitto_disconnect_callback_set (c->mosq, on_disconnect_cb);
  mosquitto_publish_callback_set (c->mosq, on_publish_cb);
  mosquitto_subscribe_callback_set (c->mosq, on_subscribe_cb);
  mosquitto_message_callback_set (c->mosq, on_message_cb);
  g_assert_cmpint (mosquitto_tls_set (c->mosq, ca, NULL, cert, key, NULL), ==, MOSQ_ERR_SUCCESS);

  return c;
}

static gboolean
connect_settled (gconstpointer data)
{
  const Client *c = data;

  return c->connack >= 0 || c->disconnected || c->loop_error != 0;
}

/* Connects and waits for the outcome: the CONNACK code, or -1 when the
 * connection failed (refused, TLS handshake failed, closed). */
static int
client_try_connect (Fixture *f,
                    Client  *c)
{
  int rc;

  c->connack = -1;
  c->disconnected = FALSE;
  c->loop_error = 0;

  rc = mosquitto_connect (c->mosq, jd_test_broker_get_host (f->broker),
                          jd_test_broker_get_port (f->broker), 30);
  if (rc != MOSQ_ERR_SUCCESS)
    return -1;

  /* Either outcome must come quickly: a hang is a failure too. */
  g_assert_true (pump (f, connect_settled, c, WAIT_MS));

  return c->disconnected || c->loop_error != 0 ? -1 : c->connack;
}

static Client *
client_connect (Fixture    *f,
                const char *name)
{
  Client *c = client_new (f, name, CLIENT_GOOD);

  g_assert_cmpint (client_try_connect (f, c), ==, 0);

  return c;
}

typedef struct
{
  Client *c;
  int     mid;
} AckWait;

static gboolean
acked (gconstpointer data)
{
  const AckWait *w = data;

  return g_hash_table_contains (w->c->acked, GINT_TO_POINTER (w->mid));
}

static void
client_subscribe (Fixture    *f,
                  Client     *c,
                  const char *topic)
{
  AckWait w = { c, 0 };

  g_assert_cmpint (mosquitto_subscribe (c->mosq, &w.mid, topic, 1), ==, MOSQ_ERR_SUCCESS);
  g_assert_true (pump (f, acked, &w, WAIT_MS));
}

/* QoS 1 and waits for the PUBACK, so the broker has routed the message (or
 * dropped it) before this returns. */
static void
client_publish (Fixture    *f,
                Client     *c,
                const char *topic,
                const char *payload)
{
  AckWait w = { c, 0 };

  g_assert_cmpint (mosquitto_publish (c->mosq, &w.mid, topic, strlen (payload), payload, 1, false),
                   ==, MOSQ_ERR_SUCCESS);
  g_assert_true (pump (f, acked, &w, WAIT_MS));
}

static guint
count_messages (Client     *c,
                const char *topic,
                const char *payload)
{
  guint n = 0;

  for (guint i = 0; i < c->messages->len; i++)
    {
      Message *msg = g_ptr_array_index (c->messages, i);

      if ((topic == NULL || g_str_equal (msg->topic, topic)) &&
          (payload == NULL || g_str_equal (msg->payload, payload)))
        n++;
    }

  return n;
}

typedef struct
{
  Client     *c;
  const char *topic;
  const char *payload;
} MessageWait;

static gboolean
message_arrived (gconstpointer data)
{
  const MessageWait *w = data;

  return count_messages (w->c, w->topic, w->payload) > 0;
}

static gboolean
wait_message (Fixture    *f,
              Client     *c,
              const char *topic,
              const char *payload)
{
  MessageWait w = { c, topic, payload };

  return pump (f, message_arrived, &w, WAIT_MS);
}

/* Lets anything still in flight arrive, so a negative check means something. */
static void
settle (Fixture *f)
{
  pump (f, NULL, NULL, SETTLE_MS);
}

static char *
read_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (jd_test_broker_get_log_path (f->broker), &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* ---- the fixture itself ---- */

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autoptr(GTlsCertificate) server = NULL;
  g_autoptr(GTlsCertificate) client = NULL;
  g_autoptr(GTlsCertificate) rogue = NULL;
  g_autoptr(GPtrArray) dns_names = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autofree char *server_path = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *listener = NULL;
  const char *cert = NULL;
  const char *key = NULL;
  const char *cert2 = NULL;
  const char *key2 = NULL;
  const char *rogue_cert = NULL;
  const char *rogue_key = NULL;
  gboolean found = FALSE;

  g_assert_cmpstr (jd_test_broker_get_host (f->broker), ==, "127.0.0.1");
  g_assert_cmpuint (jd_test_broker_get_port (f->broker), >, 0);
  g_assert_true (jd_test_broker_is_running (f->broker));
  g_assert_cmpint (jd_test_broker_get_pid (f->broker), >, 0);
  g_assert_true (g_str_has_prefix (jd_test_broker_get_ca_path (f->broker),
                                   jd_test_broker_get_dir (f->broker)));

  /* The server certificate names 127.0.0.1 and localhost and chains to the CA. */
  ca = g_tls_certificate_new_from_file (jd_test_broker_get_ca_path (f->broker), &error);
  g_assert_no_error (error);
  server_path = g_build_filename (jd_test_broker_get_dir (f->broker), "server.pem", NULL);
  server = g_tls_certificate_new_from_file (server_path, &error);
  g_assert_no_error (error);

  dns_names = g_tls_certificate_get_dns_names (server);
  g_assert_nonnull (dns_names);
  for (guint i = 0; i < dns_names->len; i++)
    {
      GBytes *name = g_ptr_array_index (dns_names, i);
      gsize len;
      const char *bytes = g_bytes_get_data (name, &len);

      found |= len == strlen ("localhost") && memcmp (bytes, "localhost", len) == 0;
    }
  g_assert_true (found);

  ips = g_tls_certificate_get_ip_addresses (server);
  g_assert_nonnull (ips);
  g_assert_cmpuint (ips->len, ==, 1);
  g_assert_true (g_inet_address_get_is_loopback (g_ptr_array_index (ips, 0)));

  identity = g_network_address_new ("127.0.0.1", jd_test_broker_get_port (f->broker));
  g_assert_cmpint (g_tls_certificate_verify (server, identity, ca), ==, 0);

  /* A client certificate carries the name as its CN, and is made only once. */
  g_assert_true (jd_test_broker_issue_client (f->broker, "T1", &cert, &key, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (key, G_FILE_TEST_IS_REGULAR));
  client = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  subject = g_tls_certificate_get_subject_name (client);
  g_assert_cmpstr (subject, ==, "CN=T1");
  g_assert_cmpint (g_tls_certificate_verify (client, NULL, ca), ==, 0);

  g_assert_true (jd_test_broker_issue_client (f->broker, "T1", &cert2, &key2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cert, ==, cert2);
  g_assert_cmpstr (key, ==, key2);
  g_assert_true (jd_test_broker_issue_client (f->broker, "T2", &cert2, &key2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cert, !=, cert2);

  /* A rogue certificate has the same name but does not chain to the CA. */
  g_assert_true (jd_test_broker_issue_rogue_client (f->broker, "T1", &rogue_cert, &rogue_key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rogue_cert, !=, cert);
  g_clear_pointer (&subject, g_free);
  rogue = g_tls_certificate_new_from_file (rogue_cert, &error);
  g_assert_no_error (error);
  subject = g_tls_certificate_get_subject_name (rogue);
  g_assert_cmpstr (subject, ==, "CN=T1");
  g_assert_cmpint (g_tls_certificate_verify (rogue, NULL, ca) & G_TLS_CERTIFICATE_UNKNOWN_CA, !=, 0);

  /* The config has the isolation settings on the listener of our port. */
  conf_path = g_build_filename (jd_test_broker_get_dir (f->broker), "mosquitto.conf", NULL);
  g_file_get_contents (conf_path, &conf, NULL, &error);
  g_assert_no_error (error);
  listener = g_strdup_printf ("listener %u 127.0.0.1\n", jd_test_broker_get_port (f->broker));
  g_assert_nonnull (strstr (conf, listener));
  g_assert_nonnull (strstr (conf, "require_certificate true\n"));
  g_assert_nonnull (strstr (conf, "use_identity_as_username true\n"));
  g_assert_nonnull (strstr (conf, "allow_anonymous false\n"));
  g_assert_nonnull (strstr (conf, "per_listener_settings false\n"));
}

static void
test_names (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) client = NULL;
  g_autofree char *subject = NULL;
  const char *cert = NULL;
  const char *key = NULL;
  Client *c;
  const char *topic = "$aws/things/my:thing_1-x/jobs/get";

  /* Thing names may hold ':', '_' and '-'; the CN keeps them, the files stay plain. */
  g_assert_true (jd_test_broker_issue_client (f->broker, "my:thing_1-x", &cert, &key, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (cert, jd_test_broker_get_dir (f->broker)));
  g_assert_null (strchr (cert + strlen (jd_test_broker_get_dir (f->broker)), ':'));
  client = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  subject = g_tls_certificate_get_subject_name (client);
  g_assert_cmpstr (subject, ==, "CN=my:thing_1-x");

  c = client_connect (f, "my:thing_1-x");
  client_subscribe (f, c, "$aws/things/my:thing_1-x/jobs/#");
  client_publish (f, c, topic, "{}");
  g_assert_true (wait_message (f, c, topic, "{}"));
}

static void
test_free_removes_folder (void)
{
  g_autoptr(GError) error = NULL;
  JdTestBroker *a;
  JdTestBroker *b;
  g_autofree char *dir_a = NULL;
  GPid pid_a;

  if (g_strcmp0 (g_getenv ("JD_TEST_KEEP_TMP"), "1") == 0)
    {
      g_test_skip ("JD_TEST_KEEP_TMP=1 keeps the folder");
      return;
    }

  /* Two brokers side by side get their own folders and ports. */
  a = jd_test_broker_new (&error);
  g_assert_no_error (error);
  b = jd_test_broker_new (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (jd_test_broker_get_port (a), !=, jd_test_broker_get_port (b));
  g_assert_cmpstr (jd_test_broker_get_dir (a), !=, jd_test_broker_get_dir (b));

  dir_a = g_strdup (jd_test_broker_get_dir (a));
  pid_a = jd_test_broker_get_pid (a);
  g_assert_cmpint (pid_a, >, 0);
  g_assert_true (g_file_test (dir_a, G_FILE_TEST_IS_DIR));

  jd_test_broker_free (a);
  g_assert_false (g_file_test (dir_a, G_FILE_TEST_EXISTS));
  g_assert_cmpint (kill (pid_a, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);

  /* The other one is untouched. */
  g_assert_true (jd_test_broker_is_running (b));
  g_assert_true (g_file_test (jd_test_broker_get_ca_path (b), G_FILE_TEST_IS_REGULAR));
  jd_test_broker_free (b);
}

/* ---- isolation ---- */

static void
test_sanity (Fixture       *f,
             gconstpointer  data)
{
  Client *t1 = client_connect (f, "T1");

  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_publish (f, t1, "$aws/things/T1/jobs/get", "{\"clientToken\":\"t1\"}");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/get", "{\"clientToken\":\"t1\"}"));
}

static void
test_isolation_receive (Fixture       *f,
                        gconstpointer  data)
{
  Client *t1 = client_connect (f, "T1");
  Client *t2 = client_connect (f, "T2");

  /* T1 asks for everything it can name; the broker must still hide T2. */
  client_subscribe (f, t1, "$aws/things/+/jobs/#");
  client_subscribe (f, t1, "$aws/things/T2/jobs/#");
  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_subscribe (f, t2, "$aws/things/T2/jobs/#");

  client_publish (f, t2, "$aws/things/T2/jobs/notify", "secret-of-T2");
  /* Positive controls, published after: T2 sees its own, T1 sees its own. */
  g_assert_true (wait_message (f, t2, "$aws/things/T2/jobs/notify", "secret-of-T2"));
  client_publish (f, t1, "$aws/things/T1/jobs/notify", "control-T1");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/notify", "control-T1"));
  settle (f);

  g_assert_cmpuint (count_messages (t1, NULL, "secret-of-T2"), ==, 0);
  g_assert_cmpuint (count_messages (t1, "$aws/things/T2/jobs/notify", NULL), ==, 0);
}

static void
test_isolation_publish (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *log = NULL;
  Client *t1 = client_connect (f, "T1");
  Client *t2 = client_connect (f, "T2");
  Client *service = client_connect (f, JD_TEST_BROKER_SERVICE_IDENTITY);

  client_subscribe (f, t2, "$aws/things/T2/jobs/#");
  client_subscribe (f, service, "$aws/things/+/jobs/#");

  /* T1 pretends to be T2. */
  client_publish (f, t1, "$aws/things/T2/jobs/get", "forged-by-T1");

  /* Control: T2's own request reaches T2 and the service. */
  client_publish (f, t2, "$aws/things/T2/jobs/get", "real-T2");
  g_assert_true (wait_message (f, t2, "$aws/things/T2/jobs/get", "real-T2"));
  g_assert_true (wait_message (f, service, "$aws/things/T2/jobs/get", "real-T2"));
  settle (f);

  g_assert_cmpuint (count_messages (t2, NULL, "forged-by-T1"), ==, 0);
  g_assert_cmpuint (count_messages (service, NULL, "forged-by-T1"), ==, 0);

  /* And the broker says why. */
  log = read_log (f);
  g_assert_nonnull (strstr (log, "Denied PUBLISH from T1-"));
  g_assert_nonnull (strstr (log, "'$aws/things/T2/jobs/get'"));
}

static void
test_isolation_outside (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *log = NULL;
  Client *t1 = client_connect (f, "T1");
  Client *service = client_connect (f, JD_TEST_BROKER_SERVICE_IDENTITY);

  client_subscribe (f, t1, "foo/#");
  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_subscribe (f, service, "foo/#");
  client_subscribe (f, service, "#");
  client_subscribe (f, service, "$aws/things/+/jobs/#");

  client_publish (f, t1, "foo/bar", "outside");
  client_publish (f, t1, "$aws/things/T1/jobs/get", "control");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/get", "control"));
  g_assert_true (wait_message (f, service, "$aws/things/T1/jobs/get", "control"));
  settle (f);

  g_assert_cmpuint (count_messages (t1, "foo/bar", NULL), ==, 0);
  g_assert_cmpuint (count_messages (service, "foo/bar", NULL), ==, 0);

  log = read_log (f);
  g_assert_nonnull (strstr (log, "'foo/bar'"));
  g_assert_nonnull (strstr (log, "Denied PUBLISH from T1-"));
}

static void
test_service (Fixture       *f,
              gconstpointer  data)
{
  Client *t1 = client_connect (f, "T1");
  Client *t2 = client_connect (f, "T2");
  Client *service = client_connect (f, JD_TEST_BROKER_SERVICE_IDENTITY);

  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_subscribe (f, service, "$aws/things/+/jobs/#");
  client_subscribe (f, service, "$aws/events/#");

  /* The service hears every thing's requests... */
  client_publish (f, t1, "$aws/things/T1/jobs/get", "req-T1");
  client_publish (f, t2, "$aws/things/T2/jobs/start-next", "req-T2");
  g_assert_true (wait_message (f, service, "$aws/things/T1/jobs/get", "req-T1"));
  g_assert_true (wait_message (f, service, "$aws/things/T2/jobs/start-next", "req-T2"));

  /* ...answers into any thing's topics... */
  client_publish (f, service, "$aws/things/T1/jobs/notify", "{\"jobs\":{}}");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/notify", "{\"jobs\":{}}"));

  /* ...and has the events topics. */
  client_publish (f, service, "$aws/events/job/J1/completed", "event");
  g_assert_true (wait_message (f, service, "$aws/events/job/J1/completed", "event"));
}

/* ---- refused clients ---- */

static void
assert_refused (Fixture    *f,
                const char *name,
                ClientKind  kind)
{
  Client *c = client_new (f, name, kind);

  g_assert_cmpint (client_try_connect (f, c), !=, 0);
  g_assert_cmpint (c->connack, !=, 0);
}

static void
test_refuse_no_cert (Fixture       *f,
                     gconstpointer  data)
{
  assert_refused (f, "T1", CLIENT_NO_CERT);
  /* The broker itself is fine: a good client still gets in. */
  client_connect (f, "T1");
}

static void
test_refuse_rogue (Fixture       *f,
                   gconstpointer  data)
{
  assert_refused (f, "T1", CLIENT_ROGUE);
  assert_refused (f, JD_TEST_BROKER_SERVICE_IDENTITY, CLIENT_ROGUE);
  client_connect (f, "T1");
}

static void
test_refuse_untrusting (Fixture       *f,
                        gconstpointer  data)
{
  assert_refused (f, "T1", CLIENT_UNTRUSTING);
  client_connect (f, "T1");
}

/* ---- lifecycle ---- */

static gboolean
client_disconnected (gconstpointer data)
{
  const Client *c = data;

  return c->disconnected || c->loop_error != 0;
}

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint16 port = jd_test_broker_get_port (f->broker);
  Client *t1 = client_connect (f, "T1");
  Client *t2;
  GPid pid;

  /* stop: connected clients lose the connection, new ones cannot connect. */
  jd_test_broker_stop (f->broker);
  g_assert_false (jd_test_broker_is_running (f->broker));
  g_assert_cmpint (jd_test_broker_get_pid (f->broker), ==, 0);
  g_assert_true (pump (f, client_disconnected, t1, WAIT_MS));
  t2 = client_new (f, "T2", CLIENT_GOOD);
  g_assert_cmpint (client_try_connect (f, t2), ==, -1);
  jd_test_broker_stop (f->broker);  /* stopping twice is harmless */

  /* start: same port, connects again. */
  g_assert_true (jd_test_broker_start (f->broker, &error));
  g_assert_no_error (error);
  g_assert_true (jd_test_broker_is_running (f->broker));
  g_assert_cmpuint (jd_test_broker_get_port (f->broker), ==, port);
  g_assert_cmpint (client_try_connect (f, t2), ==, 0);
  client_subscribe (f, t2, "$aws/things/T2/jobs/#");
  client_publish (f, t2, "$aws/things/T2/jobs/get", "after-start");
  g_assert_true (wait_message (f, t2, "$aws/things/T2/jobs/get", "after-start"));
  /* starting a running broker changes nothing */
  pid = jd_test_broker_get_pid (f->broker);
  g_assert_true (jd_test_broker_start (f->broker, &error));
  g_assert_no_error (error);
  g_assert_cmpint (jd_test_broker_get_pid (f->broker), ==, pid);

  /* kill: the process is gone at once. */
  jd_test_broker_kill (f->broker);
  g_assert_false (jd_test_broker_is_running (f->broker));
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  g_assert_true (pump (f, client_disconnected, t2, WAIT_MS));
  g_assert_cmpint (client_try_connect (f, t1), ==, -1);

  /* restart from stopped, then from running: a new process, same port. */
  g_assert_true (jd_test_broker_restart (f->broker, &error));
  g_assert_no_error (error);
  g_assert_true (jd_test_broker_is_running (f->broker));
  g_assert_cmpint (jd_test_broker_get_pid (f->broker), !=, pid);
  pid = jd_test_broker_get_pid (f->broker);
  g_assert_true (jd_test_broker_restart (f->broker, &error));
  g_assert_no_error (error);
  g_assert_cmpint (jd_test_broker_get_pid (f->broker), !=, pid);
  g_assert_cmpuint (jd_test_broker_get_port (f->broker), ==, port);
  g_assert_cmpint (client_try_connect (f, t1), ==, 0);
  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_publish (f, t1, "$aws/things/T1/jobs/get", "after-restart");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/get", "after-restart"));
}

static void
test_port_taken (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) squatter = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  guint16 port = jd_test_broker_get_port (f->broker);
  Client *t1;

  /* While stopped, a stranger takes the port: start must fail, with
   * mosquitto's reason, rather than take the stranger for the broker. */
  jd_test_broker_stop (f->broker);
  squatter = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, port);
  g_assert_true (g_socket_bind (squatter, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (squatter, &error));
  g_assert_no_error (error);

  g_assert_false (jd_test_broker_start (f->broker, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Address already in use"));
  g_assert_false (jd_test_broker_is_running (f->broker));
  g_clear_error (&error);

  /* Once the port is free again, the broker comes back on it. */
  g_clear_object (&squatter);
  g_assert_true (jd_test_broker_start (f->broker, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jd_test_broker_get_port (f->broker), ==, port);
  t1 = client_connect (f, "T1");
  client_subscribe (f, t1, "$aws/things/T1/jobs/#");
  client_publish (f, t1, "$aws/things/T1/jobs/get", "back");
  g_assert_true (wait_message (f, t1, "$aws/things/T1/jobs/get", "back"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  mosquitto_lib_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/broker/fixture/files", test_files);
  ADD ("/broker/fixture/names", test_names);
  g_test_add_func ("/broker/fixture/free-removes-folder", test_free_removes_folder);
  ADD ("/broker/isolation/sanity", test_sanity);
  ADD ("/broker/isolation/receive", test_isolation_receive);
  ADD ("/broker/isolation/publish", test_isolation_publish);
  ADD ("/broker/isolation/outside", test_isolation_outside);
  ADD ("/broker/isolation/service", test_service);
  ADD ("/broker/refuse/no-certificate", test_refuse_no_cert);
  ADD ("/broker/refuse/rogue-certificate", test_refuse_rogue);
  ADD ("/broker/refuse/untrusted-broker", test_refuse_untrusting);
  ADD ("/broker/lifecycle/stop-start-kill-restart", test_lifecycle);
  ADD ("/broker/lifecycle/port-taken", test_port_taken);

#undef ADD

  ret = g_test_run ();
  mosquitto_lib_cleanup ();

  return ret;
}
