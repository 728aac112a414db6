/* test-sandbox-certs.c — the sandbox CA made in-process with GnuTLS: files and
 * modes, reloading instead of regenerating, refusing a half CA, and what the
 * server and client certificates carry (chain, names, purposes, PKCS#8 keys).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "jd-sandbox.h"
#include "jd-sandbox-certs.h"

typedef struct
{
  char *dir;
  char *ca_path;
  char *ca_key_path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("jobdeck-certs-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->ca_path = g_build_filename (f->dir, "ca.pem", NULL);
  f->ca_key_path = g_build_filename (f->dir, "ca.key", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->ca_path);
  g_free (f->ca_key_path);
}

static char *
slurp (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static guint
mode_of (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static gnutls_x509_crt_t
load_crt (const char *path)
{
  g_autofree char *pem = slurp (path);
  gnutls_datum_t datum = { (unsigned char *) pem, strlen (pem) };
  gnutls_x509_crt_t crt;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  return crt;
}

static gboolean
has_purpose (gnutls_x509_crt_t  crt,
             const char        *oid)
{
  for (guint i = 0;; i++)
    {
      char buf[128];
      size_t len = sizeof buf;

      if (gnutls_x509_crt_get_key_purpose_oid (crt, i, buf, &len, NULL) < 0)
        return FALSE;
      if (g_str_equal (buf, oid))
        return TRUE;
    }
}

static void
test_create_and_reload (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_autoptr(JdSandboxCa) again = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *key = NULL;
  gnutls_x509_crt_t crt;
  unsigned int critical = 0, is_ca;

  g_assert_no_error (error);
  g_assert_nonnull (ca);
  g_assert_cmphex (mode_of (f->ca_key_path), ==, 0600);
  key = slurp (f->ca_key_path);
  g_assert_true (g_str_has_prefix (key, "-----BEGIN PRIVATE KEY-----"));

  crt = load_crt (f->ca_path);
  is_ca = gnutls_x509_crt_get_basic_constraints (crt, &critical, NULL, NULL);
  g_assert_cmpint (is_ca, ==, 1);
  gnutls_x509_crt_deinit (crt);

  /* A second load reads the same CA instead of making a new one. */
  first = slurp (f->ca_path);
  again = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_assert_no_error (error);
  second = slurp (f->ca_path);
  g_assert_cmpstr (first, ==, second);
}

static void
test_half_ca_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_autoptr(JdSandboxCa) broken = NULL;

  g_assert_no_error (error);
  g_clear_pointer (&ca, jd_sandbox_ca_free);
  g_assert_cmpint (g_unlink (f->ca_key_path), ==, 0);

  broken = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_assert_null (broken);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "incomplete"));
  g_clear_error (&error);

  /* A garbage key is an error too, not a silent new CA. */
  g_assert_true (g_file_set_contents (f->ca_key_path, "not a key", -1, NULL));
  broken = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_assert_null (broken);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE);
}

static void
test_issue (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_autofree char *server_path = g_build_filename (f->dir, "server.pem", NULL);
  g_autofree char *server_key = g_build_filename (f->dir, "server.key", NULL);
  g_autofree char *client_path = g_build_filename (f->dir, "client.pem", NULL);
  g_autofree char *client_key = g_build_filename (f->dir, "client.key", NULL);
  gnutls_x509_crt_t ca_crt, server, client;
  unsigned int verify = 1;
  char cn[256];
  size_t cn_len = sizeof cn;
  gboolean has_ip = FALSE, has_dns = FALSE;

  g_assert_no_error (error);
  g_assert_true (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_SERVER, "localhost", server_path, server_key, &error));
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, "Robot:7", client_path, client_key, &error));
  g_assert_no_error (error);
  g_assert_cmphex (mode_of (server_key), ==, 0600);
  g_assert_cmphex (mode_of (client_key), ==, 0600);

  ca_crt = load_crt (f->ca_path);
  server = load_crt (server_path);
  client = load_crt (client_path);

  g_assert_cmpint (gnutls_x509_crt_verify (server, &ca_crt, 1, 0, &verify), ==, 0);
  g_assert_cmpuint (verify, ==, 0);
  verify = 1;
  g_assert_cmpint (gnutls_x509_crt_verify (client, &ca_crt, 1, 0, &verify), ==, 0);
  g_assert_cmpuint (verify, ==, 0);

  /* The server answers for 127.0.0.1 and localhost, as a server. */
  g_assert_true (gnutls_x509_crt_check_ip (server, (const unsigned char *) "\x7f\x00\x00\x01", 4, 0));
  g_assert_true (gnutls_x509_crt_check_hostname (server, "localhost"));
  for (guint i = 0;; i++)
    {
      char san[64];
      size_t san_len = sizeof san;
      int type = gnutls_x509_crt_get_subject_alt_name (server, i, san, &san_len, NULL);

      if (type < 0)
        break;
      has_ip |= type == GNUTLS_SAN_IPADDRESS;
      has_dns |= type == GNUTLS_SAN_DNSNAME;
    }
  g_assert_true (has_ip && has_dns);
  g_assert_true (has_purpose (server, GNUTLS_KP_TLS_WWW_SERVER));
  g_assert_false (has_purpose (server, GNUTLS_KP_TLS_WWW_CLIENT));

  /* The client's CN is the MQTT identity; it is a client certificate. */
  g_assert_cmpint (gnutls_x509_crt_get_dn_by_oid (client, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len), ==, 0);
  g_assert_cmpstr (cn, ==, "Robot:7");
  g_assert_true (has_purpose (client, GNUTLS_KP_TLS_WWW_CLIENT));
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (client, NULL, NULL, NULL), ==, 0);

  /* Two issues never share a serial. */
  {
    guint8 s1[32], s2[32];
    size_t l1 = sizeof s1, l2 = sizeof s2;

    g_assert_cmpint (gnutls_x509_crt_get_serial (server, s1, &l1), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_get_serial (client, s2, &l2), ==, 0);
    g_assert_false (l1 == l2 && memcmp (s1, s2, l1) == 0);
  }

  gnutls_x509_crt_deinit (ca_crt);
  gnutls_x509_crt_deinit (server);
  gnutls_x509_crt_deinit (client);

  /* An unwritable destination is an error. */
  g_assert_false (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, "x", "/nonexistent/dir/x.pem",
                                       "/nonexistent/dir/x.key", &error));
  g_assert_nonnull (error);
}

/* Ten years less @days, in seconds: "made so long ago that @days are left". */
static gint64
aged (gint64 days)
{
  return g_get_real_time () / G_USEC_PER_SEC - ((gint64) 10 * 365 - days) * 24 * 3600;
}

static void
test_clock_before_start (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) ca = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_autoptr(JdSandboxCa) early = NULL;
  g_autofree char *leaf = g_build_filename (f->dir, "leaf.pem", NULL);
  g_autofree char *leaf_key = g_build_filename (f->dir, "leaf.key", NULL);
  g_autofree char *before = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean reissue = TRUE;

  g_assert_no_error (error);
  before = slurp (f->ca_path);

  /* The clock set back two days: a clear error, and nothing is replaced. */
  early = jd_sandbox_ca_load_or_create_at (f->ca_path, f->ca_key_path, now - 2 * 24 * 3600, &error);
  g_assert_null (early);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CLOCK);
  g_assert_nonnull (strstr (error->message, "system clock"));
  g_assert_nonnull (strstr (error->message, "Set the clock right"));
  g_clear_error (&error);
  {
    g_autofree char *after = slurp (f->ca_path);

    g_assert_cmpstr (before, ==, after);
  }

  /* The same for a certificate the CA issued. */
  g_assert_true (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, "Robot", leaf, leaf_key, &error));
  g_assert_no_error (error);
  g_assert_false (jd_sandbox_ca_needs_reissue (ca, leaf, now - 2 * 24 * 3600, &reissue, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CLOCK);
  g_clear_error (&error);
  /* And a fresh one at the right time is fine. */
  g_assert_true (jd_sandbox_ca_needs_reissue (ca, leaf, now, &reissue, &error));
  g_assert_no_error (error);
  g_assert_false (reissue);
}

static void
test_renewal (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdSandboxCa) old_ca = NULL;
  g_autoptr(JdSandboxCa) ca = NULL;
  g_autofree char *leaf = g_build_filename (f->dir, "leaf.pem", NULL);
  g_autofree char *leaf_key = g_build_filename (f->dir, "leaf.key", NULL);
  g_autofree char *young = g_build_filename (f->dir, "young.pem", NULL);
  g_autofree char *young_key = g_build_filename (f->dir, "young.key", NULL);
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean reissue = FALSE;
  gnutls_x509_crt_t ca_crt, leaf_crt;
  unsigned int status = 1;

  /* A CA with 10 days left, and a certificate it issued then. */
  old_ca = jd_sandbox_ca_load_or_create_at (f->ca_path, f->ca_key_path, aged (10), &error);
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_ca_issue_at (old_ca, JD_SANDBOX_CERT_CLIENT, "Robot", leaf, leaf_key,
                                         aged (10), &error));
  g_assert_no_error (error);
  /* A young certificate of the old CA also needs issuing again once the CA is new. */
  g_assert_true (jd_sandbox_ca_issue (old_ca, JD_SANDBOX_CERT_CLIENT, "Young", young, young_key, &error));
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_ca_needs_reissue (old_ca, young, now, &reissue, &error));
  g_assert_false (reissue);
  g_assert_true (jd_sandbox_ca_needs_reissue (old_ca, leaf, now, &reissue, &error));
  g_assert_true (reissue);
  old_text = slurp (f->ca_path);

  /* Loaded now, the CA is made anew... */
  ca = jd_sandbox_ca_load_or_create (f->ca_path, f->ca_key_path, &error);
  g_assert_no_error (error);
  new_text = slurp (f->ca_path);
  g_assert_cmpstr (old_text, !=, new_text);
  ca_crt = load_crt (f->ca_path);
  g_assert_cmpint (gnutls_x509_crt_get_expiration_time (ca_crt) - now, >, (gint64) 9 * 365 * 24 * 3600);

  /* ...and everything the old one issued must be issued again. */
  g_assert_true (jd_sandbox_ca_needs_reissue (ca, young, now, &reissue, &error));
  g_assert_true (reissue);
  g_assert_true (jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, "Robot", leaf, leaf_key, &error));
  g_assert_true (jd_sandbox_ca_needs_reissue (ca, leaf, now, &reissue, &error));
  g_assert_no_error (error);
  g_assert_false (reissue);
  leaf_crt = load_crt (leaf);
  g_assert_cmpint (gnutls_x509_crt_verify (leaf_crt, &ca_crt, 1, 0, &status), ==, 0);
  g_assert_cmpuint (status, ==, 0);
  gnutls_x509_crt_deinit (leaf_crt);
  gnutls_x509_crt_deinit (ca_crt);
}

static void
test_code_signing_pair (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *crt_path = g_build_filename (f->dir, "cs.pem", NULL);
  g_autofree char *key_path = g_build_filename (f->dir, "cs.key", NULL);
  g_autofree char *key = NULL;
  gnutls_x509_crt_t crt;
  unsigned int critical = 0;
  unsigned int status = 1;

  g_assert_true (jd_sandbox_make_code_signing_pair ("Signer", crt_path, key_path, &error));
  g_assert_no_error (error);
  g_assert_cmphex (mode_of (key_path), ==, 0600);
  key = slurp (key_path);
  g_assert_true (g_str_has_prefix (key, "-----BEGIN PRIVATE KEY-----"));
  crt = load_crt (crt_path);
  g_assert_true (has_purpose (crt, GNUTLS_KP_CODE_SIGNING));
  g_assert_false (has_purpose (crt, GNUTLS_KP_TLS_WWW_CLIENT));
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (crt, &critical, NULL, NULL), ==, 0);
  /* Self-signed: it verifies against itself. */
  g_assert_cmpint (gnutls_x509_crt_verify (crt, &crt, 1, GNUTLS_VERIFY_ALLOW_UNSORTED_CHAIN, &status), ==, 0);
  g_assert_cmpuint (status, ==, 0);
  gnutls_x509_crt_deinit (crt);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sandbox-certs/create-and-reload", test_create_and_reload);
  ADD ("/sandbox-certs/half-ca-refused", test_half_ca_refused);
  ADD ("/sandbox-certs/issue", test_issue);
  ADD ("/sandbox-certs/clock-before-start", test_clock_before_start);
  ADD ("/sandbox-certs/renewal", test_renewal);
  ADD ("/sandbox-certs/code-signing-pair", test_code_signing_pair);
#undef ADD

  return g_test_run ();
}
