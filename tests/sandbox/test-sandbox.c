/* test-sandbox.c — JdSandbox against a real mosquitto: the folder (files, modes,
 * certificates, sandbox.json), mTLS connections and per-thing isolation, issuing
 * a thing later, refusing bad names, stop and restart on the same folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

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
    const char *files[] = { "ca.key", "server.key", "service.key", "credentials.json",
                            "mosquitto.conf", "mosquitto.acl", "sandbox.json",
                            "ca.pem", "server.pem", "service.pem" };
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

  /* Alpha, as itself, also tries to listen to Beta's jobs topics. */
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Alpha", &alpha_cert, &alpha_key));
  spy = jd_test_device_new_full (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                 jd_sandbox_get_ca_path (sandbox), alpha_cert, alpha_key,
                                 "Alpha-spy", "$aws/things/Beta/jobs/#", &error);
  g_assert_no_error (error);

  /* Its own topic round-trips (the beacon), Beta's never reaches Alpha. */
  g_assert_true (jd_test_device_publish (beta, "$aws/things/Beta/jobs/beacon", "{\"n\":1}", -1));
  got = jd_test_device_expect (beta, "$aws/things/Beta/jobs/beacon", 5000, NULL);
  g_assert_nonnull (got);
  g_assert_cmpuint (jd_test_device_count (spy, "$aws/things/Beta/jobs/beacon", 300), ==, 0);

  /* Alpha cannot publish into Beta's namespace either. */
  g_assert_true (jd_test_device_publish (alpha, "$aws/things/Beta/jobs/beacon", "{\"n\":2}", -1));
  g_assert_cmpuint (jd_test_device_count (beta, "$aws/things/Beta/jobs/beacon", 300), ==, 0);
}

static void
test_invalid_names (void)
{
  g_autoptr(JdSandbox) sandbox = jd_sandbox_new ("/nonexistent-never-started");
  g_autoptr(GError) error = NULL;

  g_assert_false (jd_sandbox_add_thing (sandbox, "has space", &error));
  g_assert_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (jd_sandbox_add_thing (sandbox, "jobs-service", &error));
  g_assert_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (jd_sandbox_add_thing (sandbox, "", &error));
  g_assert_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (jd_sandbox_ensure_thing (sandbox, "Good", &error));
  g_assert_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (jd_sandbox_add_thing (sandbox, "a:b_c-1", &error));
  g_assert_no_error (error);
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
  g_autofree char *info_path = NULL;
  guint16 port;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);

  g_assert_true (jd_sandbox_ensure_thing (sandbox, "Latecomer", &error));
  g_assert_no_error (error);
  info = load_info (sandbox, &keep);
  g_assert_true (json_object_has_member (json_object_get_object_member (info, "things"), "Latecomer"));
  late = jd_test_device_new (fixture, "Latecomer", &error);
  g_assert_no_error (error);
  g_clear_pointer (&late, jd_test_device_free);

  ca_before = read_file (jd_sandbox_get_ca_path (sandbox));
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Latecomer", &late_cert, NULL));
  late_cert_before = read_file (late_cert);
  id_before = g_strdup (jd_sandbox_get_access_key_id (sandbox));
  port = jd_sandbox_get_mqtt_port (sandbox);
  info_path = g_strdup (jd_sandbox_get_info_path (sandbox));

  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);
  g_assert_false (jd_sandbox_get_running (sandbox));
  g_assert_false (g_file_test (info_path, G_FILE_TEST_EXISTS));

  g_assert_true (jd_test_sandbox_restart (fixture, &error));
  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  g_assert_cmpuint (jd_sandbox_get_mqtt_port (sandbox), ==, port);
  ca_after = read_file (jd_sandbox_get_ca_path (sandbox));
  g_assert_cmpstr (ca_after, ==, ca_before);
  late_cert_after = read_file (late_cert);
  g_assert_cmpstr (late_cert_after, ==, late_cert_before);
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
  g_test_add_func ("/sandbox/broker-missing", test_broker_missing);

  return g_test_run ();
}
