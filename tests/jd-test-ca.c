/* jd-test-ca.c — the tests' certificate authority (GnuTLS, in-process).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test-ca"

#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "jd-test-ca.h"

struct _JdTestCa
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  char *path;
};

static guint serial_counter = 1;

static gnutls_x509_privkey_t
make_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, 0);
  return key;
}

static void
set_key_id (gnutls_x509_crt_t      crt,
            gnutls_x509_privkey_t  key,
            gboolean               authority)
{
  unsigned char id[64];
  size_t id_size = sizeof id;

  g_assert_cmpint (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id, &id_size), ==, 0);
  if (authority)
    g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_size), ==, 0);
  else
    g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, id, id_size), ==, 0);
}

static gnutls_x509_crt_t
make_crt (gnutls_x509_privkey_t key,
          const char           *cn,
          gint64                not_before_s,
          gint64                not_after_s,
          gboolean              is_ca)
{
  gnutls_x509_crt_t crt;
  unsigned char serial[4];
  time_t now = time (NULL);
  guint s = serial_counter++;

  /* Random high bytes: two CAs made in one test never share a serial. */
  serial[0] = 0x01 + g_random_int_range (0, 0x7e);
  serial[1] = (s >> 16) & 0xff;
  serial[2] = (s >> 8) & 0xff;
  serial[3] = s & 0xff;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now + not_before_s), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + not_after_s), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                  cn, strlen (cn)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, is_ca, -1), ==, 0);
  set_key_id (crt, key, FALSE);
  if (is_ca)
    {
      g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), ==, 0);
    }
  else
    {
      const unsigned char ip[4] = { 127, 0, 0, 1 };

      g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip,
                                                             GNUTLS_FSAN_APPEND), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                             GNUTLS_FSAN_APPEND), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), ==, 0);
    }
  return crt;
}

static void
write_datum (const char     *path,
             gnutls_datum_t *datum,
             int             mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, (const char *) datum->data, datum->size,
                            G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
  gnutls_free (datum->data);
}

JdTestCa *
jd_test_ca_new (const char *dir,
                const char *name)
{
  JdTestCa *ca = g_new0 (JdTestCa, 1);
  g_autofree char *file = g_strdup_printf ("%s-ca.pem", name);
  gnutls_datum_t out;

  ca->key = make_key ();
  ca->crt = make_crt (ca->key, name, -3600, 24 * 3600, TRUE);
  g_assert_cmpint (gnutls_x509_crt_sign2 (ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);
  ca->path = g_build_filename (dir, file, NULL);
  g_assert_cmpint (gnutls_x509_crt_export2 (ca->crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  write_datum (ca->path, &out, 0644);
  return ca;
}

void
jd_test_ca_free (JdTestCa *ca)
{
  if (ca == NULL)
    return;
  gnutls_x509_crt_deinit (ca->crt);
  gnutls_x509_privkey_deinit (ca->key);
  g_free (ca->path);
  g_free (ca);
}

const char *
jd_test_ca_get_path (JdTestCa *ca)
{
  return ca->path;
}

void
jd_test_ca_issue_at (JdTestCa   *ca,
                     const char *cn,
                     gint64      not_before_s,
                     gint64      not_after_s,
                     const char *passphrase,
                     const char *cert_path,
                     const char *key_path)
{
  gnutls_x509_privkey_t key = make_key ();
  gnutls_x509_crt_t crt = make_crt (key, cn, not_before_s, not_after_s, FALSE);
  gnutls_datum_t out;

  set_key_id (crt, ca->key, TRUE);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  write_datum (cert_path, &out, 0644);
  if (passphrase != NULL)
    g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, passphrase,
                                                        GNUTLS_PKCS_PBES2_AES_256, &out), ==, 0);
  else
    g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                        GNUTLS_PKCS_PLAIN, &out), ==, 0);
  write_datum (key_path, &out, 0600);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

void
jd_test_ca_issue (JdTestCa   *ca,
                  const char *dir,
                  const char *cn,
                  gint64      not_before_s,
                  gint64      not_after_s,
                  const char *passphrase,
                  char      **cert_path,
                  char      **key_path)
{
  g_autofree char *crt_file = g_strdup_printf ("%s.crt", cn);
  g_autofree char *key_file = g_strdup_printf ("%s.key", cn);

  *cert_path = g_build_filename (dir, crt_file, NULL);
  *key_path = g_build_filename (dir, key_file, NULL);
  jd_test_ca_issue_at (ca, cn, not_before_s, not_after_s, passphrase, *cert_path, *key_path);
}
