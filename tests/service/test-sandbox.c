/* test-sandbox.c — JdSandbox against a real mosquitto: the folder (files, modes,
 * certificates, sandbox.json), mTLS connections and per-thing isolation, issuing
 * a thing later, refusing bad names, stop and restart on the same folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <glib/gstdio.h>

#include "jd-sandbox-certs.h"
#include "jd-test-sandbox.h"

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static JsonObject *
load_info (JdSandbox  *sandbox,
           JsonNode  **keep)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = read_file (jd_sandbox_get_info_path (sandbox));

  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

/* Parses a PEM certificate and returns its CN; checks it chains to @ca_path. */
static char *
cert_common_name (const char *path,
                  const char *ca_path,
                  gboolean   *has_loopback_ip)
{
  g_autofree char *pem = read_file (path);
  g_autofree char *ca_pem = read_file (ca_path);
  gnutls_datum_t datum = { (unsigned char *) pem, strlen (pem) };
  gnutls_datum_t ca_datum = { (unsigned char *) ca_pem, strlen (ca_pem) };
  gnutls_x509_crt_t crt, ca;
  char cn[256];
  size_t cn_len = sizeof cn;
  unsigned int verify = 0;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&ca), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (ca, &ca_datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                                  cn, &cn_len), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_verify (crt, &ca, 1, 0, &verify), ==, 0);
  g_assert_cmpuint (verify, ==, 0);

  if (has_loopback_ip != NULL)
    {
      static const guint8 loopback[4] = { 127, 0, 0, 1 };

      *has_loopback_ip = FALSE;
      for (guint i = 0;; i++)
        {
          guint8 san[64];
          size_t san_len = sizeof san;
          int type = gnutls_x509_crt_get_subject_alt_name (crt, i, san, &san_len, NULL);

          if (type < 0)
            break;
          if (type == GNUTLS_SAN_IPADDRESS && san_len == 4 && memcmp (san, loopback, 4) == 0)
            *has_loopback_ip = TRUE;
        }
    }
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_crt_deinit (ca);
  return g_strdup (cn);
}

static void
assert_private (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmphex (file_mode (path), ==, 0600);
}

static void
test_folder (void)
{
  const char *things[] = { "MyThing", "Robot:7", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JsonNode) keep = NULL;
  JdSandbox *sandbox;
  const char *dir;
  JsonObject *info, *mqtt, *cp, *tobj;
  const char *key_id, *secret;
  g_autofree char *cn = NULL;
  gboolean has_ip = FALSE;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  dir = jd_test_sandbox_get_dir (fixture);
  g_assert_true (jd_sandbox_get_running (sandbox));
  g_assert_cmpfloat (jd_sandbox_get_progress (sandbox), ==, 1.0);

  g_assert_cmphex (file_mode (dir), ==, 0700);
  {
    const char *files[] = { "ca.key", "server.key", "service.key", "observer.key", "credentials.json",
                            "mosquitto.conf", "mosquitto.acl", "sandbox.json",
                            "ca.pem", "server.pem", "service.pem", "observer.pem" };
    for (guint j = 0; j < G_N_ELEMENTS (files); j++)
      assert_private (dir, files[j]);
  }
  assert_private (dir, "things/MyThing.crt");
  assert_private (dir, "things/MyThing.key");
  assert_private (dir, "things/Robot:7.crt");
  assert_private (dir, "things/Robot:7.key");

  /* Certificates: names, chain, the server's loopback address. */
  cn = cert_common_name (jd_sandbox_get_server_cert_path (sandbox), jd_sandbox_get_ca_path (sandbox), &has_ip);
  g_assert_true (has_ip);
  g_clear_pointer (&cn, g_free);
  cn = cert_common_name (jd_sandbox_get_service_cert_path (sandbox), jd_sandbox_get_ca_path (sandbox), NULL);
  g_assert_cmpstr (cn, ==, "jobs-service");
  g_clear_pointer (&cn, g_free);
  cn = cert_common_name (jd_sandbox_get_observer_cert_path (sandbox), jd_sandbox_get_ca_path (sandbox), NULL);
  g_assert_cmpstr (cn, ==, JD_SANDBOX_OBSERVER_IDENTITY);
  {
    g_autofree char *cert = NULL;
    g_autofree char *thing_cn = NULL;

    g_assert_true (jd_sandbox_get_thing_files (sandbox, "Robot:7", &cert, NULL));
    thing_cn = cert_common_name (cert, jd_sandbox_get_ca_path (sandbox), NULL);
    g_assert_cmpstr (thing_cn, ==, "Robot:7");
  }

  /* sandbox.json */
  info = load_info (sandbox, &keep);
  mqtt = json_object_get_object_member (info, "mqtt");
  g_assert_cmpstr (json_object_get_string_member (mqtt, "host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (mqtt, "port"), ==, jd_sandbox_get_mqtt_port (sandbox));
  g_assert_cmpint (json_object_get_int_member (mqtt, "port"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (mqtt, "caPath"), ==, jd_sandbox_get_ca_path (sandbox));
  tobj = json_object_get_object_member (info, "things");
  g_assert_cmpuint (json_object_get_size (tobj), ==, 2);
  {
    JsonObject *robot = json_object_get_object_member (tobj, "Robot:7");
    g_autofree char *expect = g_build_filename (dir, "things", "Robot:7.key", NULL);

    g_assert_nonnull (robot);
    g_assert_cmpstr (json_object_get_string_member (robot, "keyPath"), ==, expect);
    g_assert_true (g_file_test (json_object_get_string_member (robot, "certificatePath"),
                                G_FILE_TEST_IS_REGULAR));
  }
  cp = json_object_get_object_member (info, "controlPlane");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (cp, "endpoint"), "https://127.0.0.1:"));
  g_assert_cmpstr (json_object_get_string_member (cp, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (info, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (cp, "accountId"), ==, "123456789012");
  g_assert_cmpstr (json_object_get_string_member (info, "accountId"), ==, "123456789012");
  key_id = json_object_get_string_member (cp, "accessKeyId");
  secret = json_object_get_string_member (cp, "secretAccessKey");
  g_assert_cmpuint (strlen (key_id), ==, 20);
  g_assert_true (g_str_has_prefix (key_id, "AKIA"));
  for (const char *p = key_id; *p; p++)
    g_assert_true (g_ascii_isupper (*p) || (*p >= '2' && *p <= '7'));
  g_assert_cmpuint (strlen (secret), ==, 40);
  g_assert_cmpstr (key_id, ==, jd_sandbox_get_access_key_id (sandbox));
  g_assert_cmpstr (secret, ==, jd_sandbox_get_secret_access_key (sandbox));

  /* The operator's observer identity: the broker lets it read the events
   * and nothing else (test-service-mqtt's observer-acl tries), and the core
   * reads it back from sandbox.json. */
  {
    g_autofree char *acl_path = g_build_filename (dir, "mosquitto.acl", NULL);
    g_autofree char *acl = read_file (acl_path);
    g_auto(GStrv) blocks = g_strsplit (acl, "\n\n", -1);
    guint found = 0;

    for (guint j = 0; blocks[j] != NULL; j++)
      if (strstr (blocks[j], JD_SANDBOX_OBSERVER_IDENTITY) != NULL)
        {
          g_assert_cmpstr (g_strchomp (blocks[j]), ==,
                           "user " JD_SANDBOX_OBSERVER_IDENTITY "\ntopic read $aws/events/#");
          found++;
        }
    g_assert_cmpuint (found, ==, 1);
  }
  {
    JsonObject *observer = json_object_get_object_member (info, "observer");
    g_autoptr(JdSandboxInfo) parsed = jd_sandbox_info_load (dir, &error);

    g_assert_nonnull (observer);
    g_assert_cmpstr (json_object_get_string_member (observer, "name"), ==, JD_SANDBOX_OBSERVER_IDENTITY);
    g_assert_cmpstr (json_object_get_string_member (observer, "certificatePath"), ==,
                     jd_sandbox_get_observer_cert_path (sandbox));
    g_assert_cmpstr (json_object_get_string_member (observer, "keyPath"), ==,
                     jd_sandbox_get_observer_key_path (sandbox));
    g_assert_no_error (error);
    g_assert_cmpstr (parsed->observer_name, ==, JD_SANDBOX_OBSERVER_IDENTITY);
    g_assert_cmpstr (parsed->observer_certificate_path, ==, jd_sandbox_get_observer_cert_path (sandbox));
    g_assert_cmpstr (parsed->observer_key_path, ==, jd_sandbox_get_observer_key_path (sandbox));
  }
}

static void
test_default_thing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (NULL, &error);
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  names = jd_sandbox_dup_thing_names (jd_test_sandbox_get_sandbox (fixture));
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "MyThing");
}

static void
test_isolation (void)
{
  const char *things[] = { "Alpha", "Beta", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JdTestDevice) alpha = NULL;
  g_autoptr(JdTestDevice) beta = NULL;
  g_autoptr(JdTestDevice) spy = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autofree char *alpha_cert = NULL;
  g_autofree char *alpha_key = NULL;
  JdSandbox *sandbox;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  alpha = jd_test_device_new (fixture, "Alpha", &error);
  g_assert_no_error (error);
  beta = jd_test_device_new (fixture, "Beta", &error);
  g_assert_no_error (error);

  /* Beta's own request round-trips (its echo and the service's reply). */
  g_assert_true (jd_test_device_publish (beta, "$aws/things/Beta/jobs/get", "{\"clientToken\":\"b1\"}", -1));
  got = jd_test_device_expect (beta, "$aws/things/Beta/jobs/get/accepted", 5000, NULL);
  g_assert_nonnull (got);
  jd_test_device_flush (beta);

  /* Alpha cannot publish into Beta's namespace. */
  g_assert_true (jd_test_device_publish (alpha, "$aws/things/Beta/jobs/get", "{\"clientToken\":\"a1\"}", -1));
  g_assert_cmpuint (jd_test_device_count (beta, "$aws/things/Beta/jobs/get", 300), ==, 0);
  g_assert_cmpuint (jd_test_device_count (beta, "$aws/things/Beta/jobs/get/accepted", 0), ==, 0);

  /* Alpha, as itself, also tries to listen to Beta's jobs topics (its own
   * client id is its certificate's name, so this connection replaces the
   * first one). */
  g_clear_pointer (&alpha, jd_test_device_free);
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Alpha", &alpha_cert, &alpha_key));
  spy = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                 jd_sandbox_get_ca_path (sandbox), alpha_cert, alpha_key,
                                 "Alpha-spy", "$aws/things/Beta/jobs/#", &error);
  g_assert_no_error (error);
  g_clear_pointer (&got, json_node_unref);
  g_assert_true (jd_test_device_publish (beta, "$aws/things/Beta/jobs/get", "{\"clientToken\":\"b2\"}", -1));
  got = jd_test_device_expect (beta, "$aws/things/Beta/jobs/get/accepted", 5000, NULL);
  g_assert_nonnull (got);
  g_assert_cmpuint (jd_test_device_count (spy, "$aws/things/Beta/jobs/get/accepted", 300), ==, 0);
  g_assert_cmpuint (jd_test_device_count (spy, "$aws/things/Beta/jobs/get", 0), ==, 0);
}

static void
test_invalid_names (void)
{
  g_autoptr(JdSandbox) sandbox = jd_sandbox_new ("/nonexistent-never-started");
  g_autoptr(GError) error = NULL;

  g_assert_false (jd_sandbox_add_thing (sandbox, "has space", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (jd_sandbox_add_thing (sandbox, "jobs-service", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (jd_sandbox_add_thing (sandbox, "", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (jd_test_sandbox_add_thing (sandbox, "Good", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (jd_sandbox_add_thing (sandbox, "a:b_c-1", &error));
  g_assert_no_error (error);
}

/* A folder made almost ten years ago: at the next start its CA and every
 * certificate are made again, and things still connect (issue 16). */
static void
test_certificates_renewed (void)
{
  g_autoptr(GError) error = NULL;
  const char *things[] = { "Veteran", NULL };
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (things, &error);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JdSandboxCa) old_ca = NULL;
  JdSandbox *sandbox;
  const char *dir;
  g_autofree char *ca_key = NULL;
  g_autofree char *server_crt = NULL;
  g_autofree char *server_key = NULL;
  g_autofree char *thing_crt = NULL;
  g_autofree char *thing_key = NULL;
  g_autofree char *old_ca_text = NULL;
  g_autofree char *new_ca_text = NULL;
  gint64 long_ago = g_get_real_time () / G_USEC_PER_SEC - ((gint64) 10 * 365 - 5) * 24 * 3600;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  dir = jd_test_sandbox_get_dir (fixture);
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Veteran", &thing_crt, &thing_key));
  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);

  /* Replace the CA, the broker's certificate and the thing's with ones that
   * end in five days. */
  ca_key = g_build_filename (dir, "ca.key", NULL);
  server_crt = g_build_filename (dir, "server.pem", NULL);
  server_key = g_build_filename (dir, "server.key", NULL);
  g_assert_cmpint (g_unlink (jd_sandbox_get_ca_path (sandbox)), ==, 0);
  g_assert_cmpint (g_unlink (ca_key), ==, 0);
  old_ca = jd_sandbox_ca_load_or_create_at (jd_sandbox_get_ca_path (sandbox), ca_key, long_ago, &error);
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_ca_issue_at (old_ca, JD_SANDBOX_CERT_SERVER, "localhost", server_crt, server_key,
                                         long_ago, &error));
  g_assert_true (jd_sandbox_ca_issue_at (old_ca, JD_SANDBOX_CERT_CLIENT, "Veteran", thing_crt, thing_key,
                                         long_ago, &error));
  g_assert_true (jd_sandbox_ca_issue_at (old_ca, JD_SANDBOX_CERT_CLIENT, JD_SANDBOX_OBSERVER_IDENTITY,
                                         jd_sandbox_get_observer_cert_path (sandbox),
                                         jd_sandbox_get_observer_key_path (sandbox), long_ago, &error));
  g_assert_no_error (error);
  old_ca_text = read_file (jd_sandbox_get_ca_path (sandbox));

  g_assert_true (jd_test_sandbox_restart (fixture, &error));
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  new_ca_text = read_file (jd_sandbox_get_ca_path (sandbox));
  g_assert_cmpstr (old_ca_text, !=, new_ca_text);

  /* The thing connects over TLS with its renewed certificate to the broker's
   * renewed one: both chain to the new CA. */
  device = jd_test_device_new (fixture, "Veteran", &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
  /* The observer's too (cert_common_name checks the chain). */
  {
    g_autofree char *cn = cert_common_name (jd_sandbox_get_observer_cert_path (sandbox),
                                            jd_sandbox_get_ca_path (sandbox), NULL);

    g_assert_cmpstr (cn, ==, JD_SANDBOX_OBSERVER_IDENTITY);
  }
}

static void
test_new_thing_and_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (NULL, &error);
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JdTestDevice) late = NULL;
  JdSandbox *sandbox;
  JsonObject *info;
  g_autofree char *ca_before = NULL;
  g_autofree char *late_cert_before = NULL;
  g_autofree char *late_cert = NULL;
  g_autofree char *id_before = NULL;
  g_autofree char *ca_after = NULL;
  g_autofree char *late_cert_after = NULL;
  g_autofree char *observer_before = NULL;
  g_autofree char *observer_after = NULL;
  g_autofree char *info_path = NULL;
  guint16 port;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);

  g_assert_true (jd_test_sandbox_add_thing (sandbox, "Latecomer", &error));
  g_assert_no_error (error);
  info = load_info (sandbox, &keep);
  g_assert_true (json_object_has_member (json_object_get_object_member (info, "things"), "Latecomer"));
  late = jd_test_device_new (fixture, "Latecomer", &error);
  g_assert_no_error (error);
  g_clear_pointer (&late, jd_test_device_free);

  ca_before = read_file (jd_sandbox_get_ca_path (sandbox));
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Latecomer", &late_cert, NULL));
  late_cert_before = read_file (late_cert);
  observer_before = read_file (jd_sandbox_get_observer_cert_path (sandbox));
  id_before = g_strdup (jd_sandbox_get_access_key_id (sandbox));
  port = jd_sandbox_get_mqtt_port (sandbox);
  info_path = g_strdup (jd_sandbox_get_info_path (sandbox));

  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);
  g_assert_false (jd_sandbox_get_running (sandbox));
  g_assert_false (g_file_test (info_path, G_FILE_TEST_EXISTS));

  /* What an earlier version's app issued for the observer goes at start. */
  {
    g_autofree char *old_crt = g_build_filename (jd_test_sandbox_get_dir (fixture), "jobs-observer.crt", NULL);
    g_autofree char *old_key = g_build_filename (jd_test_sandbox_get_dir (fixture), "jobs-observer.key", NULL);

    g_assert_true (g_file_set_contents (old_crt, "old", -1, NULL));
    g_assert_true (g_file_set_contents (old_key, "old", -1, NULL));
    g_assert_true (jd_test_sandbox_restart (fixture, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (old_crt, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (old_key, G_FILE_TEST_EXISTS));
  }
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  g_assert_cmpuint (jd_sandbox_get_mqtt_port (sandbox), ==, port);
  ca_after = read_file (jd_sandbox_get_ca_path (sandbox));
  g_assert_cmpstr (ca_after, ==, ca_before);
  late_cert_after = read_file (late_cert);
  g_assert_cmpstr (late_cert_after, ==, late_cert_before);
  /* The observer's pair is reused too, not issued at every start. */
  observer_after = read_file (jd_sandbox_get_observer_cert_path (sandbox));
  g_assert_cmpstr (observer_after, ==, observer_before);
  g_assert_cmpstr (jd_sandbox_get_access_key_id (sandbox), ==, id_before);
  {
    g_auto(GStrv) names = jd_sandbox_dup_thing_names (sandbox);

    g_assert_cmpuint (g_strv_length (names), ==, 2);
    g_assert_cmpstr (names[0], ==, "Latecomer");
    g_assert_cmpstr (names[1], ==, "MyThing");
  }
  late = jd_test_device_new (fixture, "Latecomer", &error);
  g_assert_no_error (error);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *out;
  char     *err;
} Run;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, NULL);
  run->ok = g_subprocess_get_successful (G_SUBPROCESS (source));
  run->done = TRUE;
}

/* boto3 (Debian's, signing as execute-api) creates a thing through the HTTPS
 * control plane; the sandbox issues its certificate and lists it. */
static void
test_create_thing_over_https (void)
{
  static const char script[] =
    "import boto3, json, sys\n"
    "info = json.load(open(sys.argv[1]))\n"
    "cp = info['controlPlane']\n"
    "iot = boto3.client('iot', endpoint_url=cp['endpoint'], region_name=cp['region'],\n"
    "                   aws_access_key_id=cp['accessKeyId'], aws_secret_access_key=cp['secretAccessKey'],\n"
    "                   verify=info['mqtt']['caPath'])\n"
    "thing = iot.create_thing(thingName='Created1')\n"
    "iot.create_thing(thingName='Doomed')\n"
    "iot.delete_thing(thingName='Doomed')\n"
    "print(json.dumps({'thingName': thing['thingName']}))\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = NULL;
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JdTestDevice) created = NULL;
  JdSandbox *sandbox;
  Run run = { 0 };

  {
    int status = 1;

    if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ||
        !g_spawn_command_line_sync ("/usr/bin/python3 -c 'import boto3'", NULL, NULL, &status, NULL) ||
        !g_spawn_check_wait_status (status, NULL))
      {
        g_test_skip ("Debian's python3-boto3 is not installed");
        return;
      }
  }

  fixture = jd_test_sandbox_new (NULL, &error);
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  g_assert_cmpuint (jd_sandbox_get_https_port (sandbox), >, 0);

  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             "/usr/bin/python3", "-c", script, jd_sandbox_get_info_path (sandbox), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (python, NULL, NULL, communicated_cb, &run);
  g_assert_true (jd_test_wait_until (&run.done, 30000));
  if (!run.ok)
    g_printerr ("%s\n", run.err);
  g_assert_true (run.ok);
  g_assert_nonnull (strstr (run.out, "Created1"));

  /* DeleteThing's identity goes in the batch after its answer (off the
   * main loop): wait for its key to go, then sandbox.json is rewritten. */
  {
    g_autofree char *doomed_key = g_build_filename (jd_test_sandbox_get_dir (fixture), "things", "Doomed.key", NULL);
    gint64 end = g_get_monotonic_time () + (gint64) 10000 * jd_test_slowdown () * 1000;

    while (g_get_monotonic_time () < end)
      {
        g_autoptr(JsonNode) now = NULL;

        if (!g_file_test (doomed_key, G_FILE_TEST_EXISTS) &&
            !json_object_has_member (json_object_get_object_member (load_info (sandbox, &now), "things"), "Doomed"))
          break;
        jd_test_spin (20);
      }
  }

  /* Listed in sandbox.json, with files, usable as an MQTT identity. */
  {
    JsonObject *info = load_info (sandbox, &keep);
    JsonObject *thing = json_object_get_object_member (json_object_get_object_member (info, "things"), "Created1");

    g_assert_nonnull (thing);
    g_assert_cmphex (file_mode (json_object_get_string_member (thing, "keyPath")), ==, 0600);
    /* DeleteThing took the deleted thing's identity along. */
    g_assert_false (json_object_has_member (json_object_get_object_member (info, "things"), "Doomed"));
    g_assert_false (jd_sandbox_get_thing_files (sandbox, "Doomed", NULL, NULL));
    {
      g_autofree char *doomed = g_build_filename (jd_test_sandbox_get_dir (fixture), "things", "Doomed.key", NULL);

      g_assert_false (g_file_test (doomed, G_FILE_TEST_EXISTS));
    }
  }
  created = jd_test_device_new (fixture, "Created1", &error);
  g_assert_no_error (error);
  g_free (run.out);
  g_free (run.err);
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (jd_sandbox_start_finish (JD_SANDBOX (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (jd_sandbox_stop_finish (JD_SANDBOX (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
busy_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (jd_sandbox_start_finish (JD_SANDBOX (source), result, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY);
  *done = TRUE;
}

/* The app may stop its sandbox and start the same object again. */
static void
test_same_object_twice (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-sandbox-XXXXXX", NULL);
  g_autoptr(JdSandbox) sandbox = jd_sandbox_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *rm = NULL;
  gboolean done = FALSE;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(JsonNode) keep = NULL;
      g_autoptr(JdTestDevice) device = NULL;
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;

      done = FALSE;
      jd_sandbox_start_async (sandbox, NULL, started_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 20000));
      g_assert_true (jd_sandbox_get_running (sandbox));
      g_assert_nonnull (jd_sandbox_get_service (sandbox));
      load_info (sandbox, &keep);

      /* Starting twice is refused while running. */
      done = FALSE;
      jd_sandbox_start_async (sandbox, NULL, busy_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 1000));
      g_assert_true (jd_sandbox_get_running (sandbox));

      g_assert_true (jd_sandbox_get_thing_files (sandbox, "MyThing", &cert, &key));
      device = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                        jd_sandbox_get_ca_path (sandbox), cert, key,
                                        "MyThing", "$aws/things/MyThing/jobs/#", &error);
      g_assert_no_error (error);
      g_clear_pointer (&device, jd_test_device_free);

      done = FALSE;
      jd_sandbox_stop_async (sandbox, NULL, stopped_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 10000));
      g_assert_false (jd_sandbox_get_running (sandbox));
      g_assert_null (jd_sandbox_get_service (sandbox));
    }

  /* Stopping a stopped sandbox completes at once. */
  done = FALSE;
  jd_sandbox_stop_async (sandbox, NULL, stopped_cb, &done);
  g_assert_true (jd_test_wait_until (&done, 1000));

  rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

static void
count_cb (JdSandbox *sandbox,
          guint     *count)
{
  (*count)++;
}

/* mosquitto dies under us: the sandbox says so, starts it again on the same
 * port within seconds, and the service, still the same, answers again;
 * sandbox.json stays. */
static void
test_broker_crash (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new (NULL, &error);
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  JdSandbox *sandbox;
  JdService *service;
  guint exited = 0, restarted = 0;
  guint16 port;
  guint64 pid = 0;
  gint64 start, end;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  service = jd_sandbox_get_service (sandbox);
  port = jd_sandbox_get_mqtt_port (sandbox);
  pid_path = g_build_filename (jd_test_sandbox_get_dir (fixture), "mosquitto.pid", NULL);
  g_file_get_contents (pid_path, &pid_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (pid_text), 10, 2, G_MAXINT, &pid, NULL));

  g_signal_connect (sandbox, "broker-exited", G_CALLBACK (count_cb), &exited);
  g_signal_connect (sandbox, "broker-restarted", G_CALLBACK (count_cb), &restarted);
  start = g_get_monotonic_time ();
  g_assert_cmpint (kill ((pid_t) pid, SIGKILL), ==, 0);
  while (restarted == 0 && g_get_monotonic_time () < start + 5 * G_USEC_PER_SEC)
    jd_test_spin (10);
  g_assert_cmpuint (exited, ==, 1);
  g_assert_cmpuint (restarted, ==, 1);
  g_test_message ("the broker listened again after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (jd_sandbox_get_mqtt_port (sandbox), ==, port);
  g_assert_true (jd_sandbox_get_running (sandbox));
  g_assert_true (jd_sandbox_get_service (sandbox) == service);
  {
    guint restarts = 0;

    g_object_get (sandbox, "broker-restarts", &restarts, NULL);
    g_assert_cmpuint (restarts, ==, 1);
  }
  g_assert_true (g_file_test (jd_sandbox_get_info_path (sandbox), G_FILE_TEST_EXISTS));

  /* The service reconnects by itself: a device gets answers again. */
  device = jd_test_device_new (fixture, "MyThing", &error);
  g_assert_no_error (error);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (reply == NULL && g_get_monotonic_time () < end)
    {
      g_assert_true (jd_test_device_request (device, "get", "{\"clientToken\":\"back\"}"));
      reply = jd_test_device_expect_reply (device, "get/accepted", 500);
    }
  g_assert_nonnull (reply);
  g_signal_handlers_disconnect_by_data (sandbox, &exited);
  g_signal_handlers_disconnect_by_data (sandbox, &restarted);
}

static void
start_failed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (jd_sandbox_start_finish (JD_SANDBOX (source), result, error));
  g_assert_nonnull (*error);
}

/* --mqtt-port names a port someone else holds: the start fails and says why. */
static void
test_port_taken (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-sandbox-XXXXXX", NULL);
  g_autoptr(JdSandbox) sandbox = jd_sandbox_new (dir);
  g_autoptr(GSocket) holder = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rm = NULL;

  holder = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (holder, address, FALSE, &error));
  g_assert_true (g_socket_listen (holder, &error));
  bound = g_socket_get_local_address (holder, &error);
  g_assert_no_error (error);

  jd_sandbox_set_mqtt_port (sandbox, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  jd_sandbox_start_async (sandbox, NULL, start_failed_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BROKER);
  /* The broker's own words are in the message. */
  g_assert_nonnull (strstr (error->message, "in use"));
  g_assert_false (jd_sandbox_get_running (sandbox));
  g_assert_false (g_file_test (jd_sandbox_get_info_path (sandbox), G_FILE_TEST_EXISTS));

  rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

typedef struct
{
  GCancellable *cancellable;
  const char   *cancel_at;     /* status text that triggers the cancel */
  gboolean      done;
  GError       *error;
} CancelRun;

static void
status_cb (JdSandbox  *sandbox,
           GParamSpec *pspec,
           CancelRun  *run)
{
  if (g_strcmp0 (jd_sandbox_get_status (sandbox), run->cancel_at) == 0)
    g_cancellable_cancel (run->cancellable);
}

static void
cancelled_start_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CancelRun *run = user_data;

  g_assert_false (jd_sandbox_start_finish (JD_SANDBOX (source), result, &run->error));
  run->done = TRUE;
}

/* What the app does when the window closes during a start: cancel, then stop
 * once the start has ended; nothing is left running, and it can start again. */
static void
test_cancel_start (void)
{
  const char *stages[] = { "Preparing the sandbox folder", "Starting the broker",
                           "Starting the jobs service" };
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-sandbox-XXXXXX", NULL);
  g_autofree char *rm = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      g_autoptr(JdSandbox) sandbox = jd_sandbox_new (dir);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      CancelRun run = { cancellable, stages[i], FALSE, NULL };
      gboolean done = FALSE;
      guint16 port;

      g_signal_connect (sandbox, "notify::status", G_CALLBACK (status_cb), &run);
      jd_sandbox_start_async (sandbox, cancellable, cancelled_start_cb, &run);
      g_assert_true (jd_test_wait_until (&run.done, 20000));
      g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&run.error);
      g_assert_false (jd_sandbox_get_running (sandbox));
      g_signal_handlers_disconnect_by_data (sandbox, &run);
      port = jd_sandbox_get_mqtt_port (sandbox);

      jd_sandbox_stop_async (sandbox, NULL, stopped_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 10000));
      g_assert_null (jd_sandbox_get_service (sandbox));
      g_assert_false (g_file_test (jd_sandbox_get_info_path (sandbox), G_FILE_TEST_EXISTS));
      if (port != 0)
        {
          g_autoptr(GSocketClient) client = g_socket_client_new ();
          g_autoptr(GSocketConnection) connection =
            g_socket_client_connect_to_host (client, JD_SANDBOX_HOST, port, NULL, NULL);

          g_assert_null (connection);
        }

      /* And the same object starts normally afterwards. */
      done = FALSE;
      jd_sandbox_start_async (sandbox, NULL, started_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 20000));
      g_assert_true (jd_sandbox_get_running (sandbox));
      done = FALSE;
      jd_sandbox_stop_async (sandbox, NULL, stopped_cb, &done);
      g_assert_true (jd_test_wait_until (&done, 10000));
    }

  rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

static void
test_broker_missing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-sandbox-XXXXXX", NULL);
  g_autoptr(JdSandbox) sandbox = jd_sandbox_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *old = g_strdup (g_getenv ("JOBDECK_MOSQUITTO"));
  g_autofree char *rm = NULL;
  gboolean done = FALSE, ok = TRUE;

  g_setenv ("JOBDECK_MOSQUITTO", "/nonexistent/mosquitto", TRUE);
  jd_sandbox_start_async (sandbox, NULL, (GAsyncReadyCallback) NULL, NULL);
  /* A callback-less start still runs; wait on the status instead. */
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      done = !g_str_equal (jd_sandbox_get_status (sandbox), "Preparing the sandbox folder") &&
             !g_str_equal (jd_sandbox_get_status (sandbox), "Starting the broker");
    }
  ok = jd_sandbox_get_running (sandbox);
  g_assert_false (ok);
  g_assert_cmpfloat (jd_sandbox_get_progress (sandbox), ==, 0.0);
  g_assert_nonnull (strstr (jd_sandbox_get_status (sandbox), "broker"));
  if (old != NULL)
    g_setenv ("JOBDECK_MOSQUITTO", old, TRUE);
  else
    g_unsetenv ("JOBDECK_MOSQUITTO");
  rm = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/folder", test_folder);
  g_test_add_func ("/sandbox/default-thing", test_default_thing);
  g_test_add_func ("/sandbox/isolation", test_isolation);
  g_test_add_func ("/sandbox/invalid-names", test_invalid_names);
  g_test_add_func ("/sandbox/new-thing-and-restart", test_new_thing_and_restart);
  g_test_add_func ("/sandbox/certificates-renewed", test_certificates_renewed);
  g_test_add_func ("/sandbox/broker-missing", test_broker_missing);
  g_test_add_func ("/sandbox/create-thing-over-https", test_create_thing_over_https);
  g_test_add_func ("/sandbox/same-object-twice", test_same_object_twice);
  g_test_add_func ("/sandbox/broker-crash", test_broker_crash);
  g_test_add_func ("/sandbox/port-taken", test_port_taken);
  g_test_add_func ("/sandbox/cancel-start", test_cancel_start);

  return g_test_run ();
}
