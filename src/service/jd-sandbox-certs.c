/* jd-sandbox-certs.c — the sandbox certificate authority on GnuTLS.
 *
 * Keys are ECDSA P-256 (fast to generate, understood by mosquitto/OpenSSL,
 * GnuTLS and aws-crt's s2n), written as unencrypted PKCS#8 PEM, which every one
 * of those readers accepts. Certificates are X.509 v3 with subject and authority
 * key identifiers, so strict verifiers (OpenSSL 3, Python's X509_STRICT) are happy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "jd-sandbox.h"
#include "jd-sandbox-certs.h"

struct _JdSandboxCa
{
  gnutls_x509_crt_t      crt;
  gnutls_x509_privkey_t  key;
};

/* Ten years: the sandbox folder is long-lived on a laptop. */
#define VALIDITY_SECONDS ((time_t) 10 * 365 * 24 * 3600)

static gboolean
check (int         ret,
       const char *what,
       GError    **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
               "Could not %s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

/* @sync FALSE: no fsync per file, for a batch that syncs once at its end
 * (jd_sandbox_ca_issue_unsynced()); the file must then be new. */
static gboolean
write_private_file (const char  *path,
                    const void  *data,
                    gsize        len,
                    gboolean     sync,
                    GError     **error)
{
  /* g_file_set_contents_full creates the file with @mode before writing, so the
   * key is never readable by others, not even briefly. */
  if (!g_file_set_contents_full (path, data, len,
                                 sync ? G_FILE_SET_CONTENTS_CONSISTENT : G_FILE_SET_CONTENTS_NONE,
                                 0600, error))
    return FALSE;
  /* An existing file keeps its mode through the rename's replacement, so force it. */
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not restrict %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_datum (const char      *path,
            gnutls_datum_t  *datum,
            char           **storage,
            GError         **error)
{
  gsize len = 0;

  if (!g_file_get_contents (path, storage, &len, error))
    return FALSE;
  datum->data = (unsigned char *) *storage;
  datum->size = (unsigned int) len;
  return TRUE;
}

static gboolean
new_key (gnutls_x509_privkey_t *out,
         GError               **error)
{
  gnutls_x509_privkey_t key = NULL;

  if (!check (gnutls_x509_privkey_init (&key), "allocate a key", error))
    return FALSE;
  if (!check (gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                             GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                             0, NULL, 0),
              "generate a key", error))
    {
      gnutls_x509_privkey_deinit (key);
      return FALSE;
    }
  *out = key;
  return TRUE;
}

/* ---- canonical key encoding ----
 *
 * GnuTLS writes the private value of an EC key as a minimal integer, so
 * about half the keys carry 33 bytes (a leading zero) and some 31; strict
 * parsers (Python's cryptography, rustls) refuse those. OpenSSL, and RFC
 * 5915, write exactly the curve size: 32 bytes for P-256. So the PKCS#8 DER
 * is built here from the raw values:
 *   PrivateKeyInfo ::= SEQUENCE { 0, AlgorithmIdentifier { ecPublicKey,
 *     prime256v1 }, OCTET STRING (ECPrivateKey ::= SEQUENCE { 1,
 *     OCTET STRING (32 bytes), [1] BIT STRING (04 || X || Y) }) } */

#define P256_BYTES 32

static void
der_append (GByteArray   *out,
            guint8        tag,
            const guint8 *data,
            gsize         len)
{
  guint8 header[4] = { tag, 0, 0, 0 };
  guint n = 2;

  /* Every length here is under 64 KiB. */
  if (len < 0x80)
    header[1] = (guint8) len;
  else if (len < 0x100)
    {
      header[1] = 0x81;
      header[2] = (guint8) len;
      n = 3;
    }
  else
    {
      header[1] = 0x82;
      header[2] = (guint8) (len >> 8);
      header[3] = (guint8) len;
      n = 4;
    }
  g_byte_array_append (out, header, n);
  g_byte_array_append (out, data, len);
}

/* @value as exactly @size big-endian bytes (dropping leading zeros, or
 * padding with them). */
static gboolean
fixed_size (const gnutls_datum_t *value,
            guint8               *out,
            gsize                 size)
{
  gsize len = value->size;
  const guint8 *data = value->data;

  while (len > size && *data == 0)
    {
      data++;
      len--;
    }
  if (len > size)
    return FALSE;
  memset (out, 0, size - len);
  memcpy (out + size - len, data, len);
  return TRUE;
}

static gboolean
encode_p256_pkcs8 (gnutls_x509_privkey_t   key,
                   GByteArray            **der_out,
                   GError                **error)
{
  static const guint8 version_0[] = { 0x00 };
  static const guint8 version_1[] = { 0x01 };
  static const guint8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
  static const guint8 oid_prime256v1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 }, k = { NULL, 0 };
  guint8 secret[P256_BYTES];
  guint8 point[2 + 2 * P256_BYTES];
  g_autoptr(GByteArray) ec = g_byte_array_new ();
  g_autoptr(GByteArray) ec_seq = g_byte_array_new ();
  g_autoptr(GByteArray) public_key = g_byte_array_new ();
  g_autoptr(GByteArray) algorithm = g_byte_array_new ();
  g_autoptr(GByteArray) algorithm_seq = g_byte_array_new ();
  g_autoptr(GByteArray) info = g_byte_array_new ();
  GByteArray *der = g_byte_array_new ();
  gboolean ok;

  if (!check (gnutls_x509_privkey_export_ecc_raw (key, &curve, &x, &y, &k), "read a key", error))
    {
      g_byte_array_unref (der);
      return FALSE;
    }
  point[0] = 0x00;   /* no unused bits */
  point[1] = 0x04;   /* uncompressed */
  ok = curve == GNUTLS_ECC_CURVE_SECP256R1 &&
       fixed_size (&k, secret, P256_BYTES) &&
       fixed_size (&x, point + 2, P256_BYTES) &&
       fixed_size (&y, point + 2 + P256_BYTES, P256_BYTES);
  gnutls_memset (k.data, 0, k.size);
  gnutls_free (k.data);
  gnutls_free (x.data);
  gnutls_free (y.data);
  if (!ok)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
                   "Could not encode a key: not a P-256 key");
      g_byte_array_unref (der);
      return FALSE;
    }

  /* ECPrivateKey */
  der_append (ec, 0x02, version_1, sizeof version_1);
  der_append (ec, 0x04, secret, sizeof secret);
  der_append (public_key, 0x03, point, sizeof point);
  der_append (ec, 0xa1, public_key->data, public_key->len);
  der_append (ec_seq, 0x30, ec->data, ec->len);
  /* PrivateKeyInfo */
  der_append (algorithm, 0x06, oid_ec_public_key, sizeof oid_ec_public_key);
  der_append (algorithm, 0x06, oid_prime256v1, sizeof oid_prime256v1);
  der_append (algorithm_seq, 0x30, algorithm->data, algorithm->len);
  der_append (info, 0x02, version_0, sizeof version_0);
  g_byte_array_append (info, algorithm_seq->data, algorithm_seq->len);
  der_append (info, 0x04, ec_seq->data, ec_seq->len);
  der_append (der, 0x30, info->data, info->len);

  gnutls_memset (secret, 0, sizeof secret);
  gnutls_memset (ec->data, 0, ec->len);
  gnutls_memset (ec_seq->data, 0, ec_seq->len);
  gnutls_memset (info->data, 0, info->len);
  *der_out = der;
  return TRUE;
}

static gboolean
write_key (gnutls_x509_privkey_t  key,
           const char            *path,
           gboolean               sync,
           GError               **error)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *base64 = NULL;
  GString *pem;
  gsize len;
  gboolean ok;

  if (!encode_p256_pkcs8 (key, &der, error))
    return FALSE;
  base64 = g_base64_encode (der->data, der->len);
  gnutls_memset (der->data, 0, der->len);
  len = strlen (base64);
  pem = g_string_new ("-----BEGIN PRIVATE KEY-----\n");
  for (gsize i = 0; i < len; i += 64)
    {
      g_string_append_len (pem, base64 + i, MIN (64, len - i));
      g_string_append_c (pem, '\n');
    }
  g_string_append (pem, "-----END PRIVATE KEY-----\n");
  gnutls_memset (base64, 0, len);
  ok = write_private_file (path, (const guint8 *) pem->str, pem->len, sync, error);
  gnutls_memset (pem->str, 0, pem->len);
  g_string_free (pem, TRUE);
  return ok;
}

static gboolean
write_crt (gnutls_x509_crt_t  crt,
           const char        *path,
           gboolean           sync,
           GError           **error)
{
  gnutls_datum_t out = { NULL, 0 };
  gboolean ok;

  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out),
              "export a certificate", error))
    return FALSE;
  ok = write_private_file (path, out.data, out.size, sync, error);
  gnutls_free (out.data);
  return ok;
}

/* Fills what every certificate has: version, serial, validity, subject, key
 * and subject key identifier. */
static gboolean
fill_common (gnutls_x509_crt_t      crt,
             gnutls_x509_privkey_t  key,
             const char            *common_name,
             gint64                 now,
             GError               **error)
{
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_len = sizeof key_id;

  if (!check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "make a serial", error))
    return FALSE;
  serial[0] &= 0x7f;   /* a positive INTEGER */
  serial[0] |= 0x01;   /* and never a leading zero byte */

  return check (gnutls_x509_crt_set_version (crt, 3), "set the version", error) &&
         check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "set the serial", error) &&
         check (gnutls_x509_crt_set_activation_time (crt, (time_t) now - 3600), "set the start time", error) &&
         check (gnutls_x509_crt_set_expiration_time (crt, (time_t) now + VALIDITY_SECONDS), "set the end time", error) &&
         check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                               "Jobdeck sandbox", strlen ("Jobdeck sandbox")),
                "set the organization", error) &&
         check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                               common_name, strlen (common_name)),
                "set the common name", error) &&
         check (gnutls_x509_crt_set_key (crt, key), "set the key", error) &&
         check (gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_len), "compute the key id", error) &&
         check (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len), "set the key id", error);
}

static JdSandboxCa *
ca_create (const char  *cert_path,
           const char  *key_path,
           gint64       now,
           GError     **error)
{
  g_autoptr(JdSandboxCa) self = g_new0 (JdSandboxCa, 1);

  if (!new_key (&self->key, error))
    return NULL;
  if (!check (gnutls_x509_crt_init (&self->crt), "allocate a certificate", error))
    return NULL;
  if (!fill_common (self->crt, self->key, "Jobdeck sandbox CA", now, error) ||
      !check (gnutls_x509_crt_set_basic_constraints (self->crt, 1, 0), "mark the CA", error) ||
      !check (gnutls_x509_crt_set_key_usage (self->crt,
                                             GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                                             GNUTLS_KEY_DIGITAL_SIGNATURE),
              "set the CA's key usage", error) ||
      !check (gnutls_x509_crt_sign2 (self->crt, self->crt, self->key, GNUTLS_DIG_SHA256, 0),
              "self-sign the CA", error))
    return NULL;

  if (!write_key (self->key, key_path, TRUE, error) ||
      !write_crt (self->crt, cert_path, TRUE, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JdSandboxCa *
ca_load (const char  *cert_path,
         const char  *key_path,
         GError     **error)
{
  g_autoptr(JdSandboxCa) self = g_new0 (JdSandboxCa, 1);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gnutls_datum_t cert_datum, key_datum;
  gboolean ok;

  if (!read_datum (cert_path, &cert_datum, &cert_pem, error) ||
      !read_datum (key_path, &key_datum, &key_pem, error))
    return NULL;
  if (!check (gnutls_x509_crt_init (&self->crt), "allocate a certificate", error) ||
      !check (gnutls_x509_privkey_init (&self->key), "allocate a key", error))
    return NULL;
  ok = check (gnutls_x509_crt_import (self->crt, &cert_datum, GNUTLS_X509_FMT_PEM),
              "read the sandbox CA certificate", error) &&
       check (gnutls_x509_privkey_import_pkcs8 (self->key, &key_datum, GNUTLS_X509_FMT_PEM,
                                                NULL, GNUTLS_PKCS_PLAIN),
              "read the sandbox CA key", error);
  memset (key_pem, 0, key_datum.size);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

static char *
format_utc (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* FALSE with a plain-word error when @now is before @crt's start: a clock
 * set back (a dead RTC battery, a VM restored from a snapshot) would
 * otherwise surface later as a TLS "certificate not yet valid" from every
 * client. Else whether it must be made again. */
static gboolean
check_times (gnutls_x509_crt_t   crt,
             const char         *what,
             gint64              now,
             gboolean           *renew,
             GError            **error)
{
  gint64 start = gnutls_x509_crt_get_activation_time (crt);
  gint64 end = gnutls_x509_crt_get_expiration_time (crt);

  if (start == -1 || end == -1)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
                   "Could not read the validity of %s", what);
      return FALSE;
    }
  if (now < start)
    {
      g_autofree char *now_text = format_utc (now);
      g_autofree char *start_text = format_utc (start);

      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CLOCK,
                   "The system clock says %s, which is before %s was made (%s). "
                   "Set the clock right and start the sandbox again.",
                   now_text, what, start_text);
      return FALSE;
    }
  *renew = end - now < JD_SANDBOX_CERT_RENEW_BEFORE;
  return TRUE;
}

/**
 * jd_sandbox_ca_load_or_create:
 * @cert_path: the CA certificate (PEM)
 * @key_path: the CA key (PEM, PKCS#8)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the CA, or %NULL when a file is unreadable, only one
 *   of the two exists, or writing fails.
 */
JdSandboxCa *
jd_sandbox_ca_load_or_create (const char  *cert_path,
                              const char  *key_path,
                              GError     **error)
{
  return jd_sandbox_ca_load_or_create_at (cert_path, key_path, g_get_real_time () / G_USEC_PER_SEC, error);
}

/**
 * jd_sandbox_ca_load_or_create_at:
 * @cert_path: the CA certificate (PEM)
 * @key_path: the CA key (PEM, PKCS#8)
 * @now: the time, in seconds since the epoch
 * @error: return location for a #GError
 *
 * A CA that ends within %JD_SANDBOX_CERT_RENEW_BEFORE of @now is made anew
 * (its files replaced); every certificate it issued then needs issuing again
 * (jd_sandbox_ca_needs_reissue() says so).
 *
 * Returns: (transfer full): the CA, or %NULL
 */
JdSandboxCa *
jd_sandbox_ca_load_or_create_at (const char  *cert_path,
                                 const char  *key_path,
                                 gint64       now,
                                 GError     **error)
{
  gboolean have_cert, have_key;

  g_return_val_if_fail (cert_path != NULL, NULL);
  g_return_val_if_fail (key_path != NULL, NULL);

  have_cert = g_file_test (cert_path, G_FILE_TEST_EXISTS);
  have_key = g_file_test (key_path, G_FILE_TEST_EXISTS);
  if (have_cert && have_key)
    {
      g_autoptr(JdSandboxCa) ca = ca_load (cert_path, key_path, error);
      gboolean renew = FALSE;

      if (ca == NULL || !check_times (ca->crt, "the sandbox's certificate authority", now, &renew, error))
        return NULL;
      if (!renew)
        return g_steal_pointer (&ca);
      g_message ("The sandbox's certificate authority ends within %d days: making a new one "
                 "and issuing every certificate again", (int) (JD_SANDBOX_CERT_RENEW_BEFORE / 86400));
      return ca_create (cert_path, key_path, now, error);
    }
  if (have_cert || have_key)
    {
      /* Making a new CA here would silently orphan every issued certificate. */
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
                   "The sandbox CA is incomplete: %s exists but %s does not",
                   have_cert ? cert_path : key_path, have_cert ? key_path : cert_path);
      return NULL;
    }
  return ca_create (cert_path, key_path, now, error);
}

/**
 * jd_sandbox_ca_issue:
 * @self: the CA
 * @kind: server or client certificate
 * @common_name: the subject CN (for a client: the MQTT identity)
 * @cert_path: where to write the certificate
 * @key_path: where to write the new key
 * @error: return location for a #GError
 *
 * Returns: %TRUE when both files are written.
 */
gboolean
jd_sandbox_ca_issue (JdSandboxCa        *self,
                     JdSandboxCertKind   kind,
                     const char         *common_name,
                     const char         *cert_path,
                     const char         *key_path,
                     GError            **error)
{
  return jd_sandbox_ca_issue_at (self, kind, common_name, cert_path, key_path,
                                 g_get_real_time () / G_USEC_PER_SEC, error);
}

static gboolean
issue (JdSandboxCa        *self,
       JdSandboxCertKind   kind,
       const char         *common_name,
       const char         *cert_path,
       const char         *key_path,
       gint64              now,
       gboolean            sync,
       GError            **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  guint8 ca_key_id[64];
  size_t ca_key_id_len = sizeof ca_key_id;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (common_name != NULL && *common_name != '\0', FALSE);
  g_return_val_if_fail (cert_path != NULL, FALSE);
  g_return_val_if_fail (key_path != NULL, FALSE);

  if (!new_key (&key, error))
    return FALSE;
  if (!check (gnutls_x509_crt_init (&crt), "allocate a certificate", error))
    {
      gnutls_x509_privkey_deinit (key);
      return FALSE;
    }

  ok = fill_common (crt, key, common_name, now, error) &&
       check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "mark the end entity", error) &&
       check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE),
              "set the key usage", error) &&
       check (gnutls_x509_crt_get_subject_key_id (self->crt, ca_key_id, &ca_key_id_len, NULL),
              "read the CA key id", error) &&
       check (gnutls_x509_crt_set_authority_key_id (crt, ca_key_id, ca_key_id_len),
              "set the authority key id", error);

  if (ok && kind == JD_SANDBOX_CERT_SERVER)
    {
      static const guint8 loopback[4] = { 127, 0, 0, 1 };

      ok = check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                        loopback, sizeof loopback,
                                                        GNUTLS_FSAN_APPEND),
                  "add the address", error) &&
           check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME,
                                                        "localhost", strlen ("localhost"),
                                                        GNUTLS_FSAN_APPEND),
                  "add the host name", error) &&
           check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                  "set the purpose", error);
    }
  else if (ok)
    {
      ok = check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0),
                  "set the purpose", error);
    }

  ok = ok &&
       check (gnutls_x509_crt_sign2 (crt, self->crt, self->key, GNUTLS_DIG_SHA256, 0),
              "sign the certificate", error) &&
       write_key (key, key_path, sync, error) &&
       write_crt (crt, cert_path, sync, error);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return ok;
}

gboolean
jd_sandbox_ca_issue_at (JdSandboxCa        *self,
                        JdSandboxCertKind   kind,
                        const char         *common_name,
                        const char         *cert_path,
                        const char         *key_path,
                        gint64              now,
                        GError            **error)
{
  return issue (self, kind, common_name, cert_path, key_path, now, TRUE, error);
}

/**
 * jd_sandbox_ca_issue_unsynced:
 *
 * jd_sandbox_ca_issue() for one of many new pairs: neither file is synced
 * nor replaced atomically, so neither may exist yet, and the caller syncs
 * the folder once when the batch is written (an fsync per file made issuing
 * 1,000 things take 5–12 s here).
 */
gboolean
jd_sandbox_ca_issue_unsynced (JdSandboxCa        *self,
                              JdSandboxCertKind   kind,
                              const char         *common_name,
                              const char         *cert_path,
                              const char         *key_path,
                              GError            **error)
{
  return issue (self, kind, common_name, cert_path, key_path,
                g_get_real_time () / G_USEC_PER_SEC, FALSE, error);
}

gboolean
jd_sandbox_ca_needs_reissue (JdSandboxCa  *self,
                             const char   *cert_path,
                             gint64        now,
                             gboolean     *reissue,
                             GError      **error)
{
  g_autofree char *pem = NULL;
  g_autofree char *what = NULL;
  gnutls_datum_t datum;
  gnutls_x509_crt_t crt = NULL;
  guint8 ca_id[64], issuer_id[64];
  size_t ca_id_len = sizeof ca_id, issuer_id_len = sizeof issuer_id;
  gboolean renew = FALSE;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cert_path != NULL && reissue != NULL, FALSE);

  if (!read_datum (cert_path, &datum, &pem, error) ||
      !check (gnutls_x509_crt_init (&crt), "allocate a certificate", error))
    return FALSE;
  what = g_strdup_printf ("the certificate %s", cert_path);
  ok = check (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), "read a certificate", error) &&
       check_times (crt, what, now, &renew, error);
  /* Another CA's key id: the CA was made anew since this was issued. */
  if (ok && !renew)
    renew = gnutls_x509_crt_get_subject_key_id (self->crt, ca_id, &ca_id_len, NULL) < 0 ||
            gnutls_x509_crt_get_authority_key_id (crt, issuer_id, &issuer_id_len, NULL) < 0 ||
            ca_id_len != issuer_id_len || memcmp (ca_id, issuer_id, ca_id_len) != 0;
  gnutls_x509_crt_deinit (crt);
  *reissue = renew;
  return ok;
}

gboolean
jd_sandbox_make_code_signing_pair (const char  *common_name,
                                   const char  *cert_path,
                                   const char  *key_path,
                                   GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  guint8 key_id[64];
  size_t key_id_len = sizeof key_id;
  gboolean ok;

  g_return_val_if_fail (common_name != NULL && cert_path != NULL && key_path != NULL, FALSE);

  if (!new_key (&key, error))
    return FALSE;
  if (!check (gnutls_x509_crt_init (&crt), "allocate a certificate", error))
    {
      gnutls_x509_privkey_deinit (key);
      return FALSE;
    }
  ok = fill_common (crt, key, common_name, g_get_real_time () / G_USEC_PER_SEC, error) &&
       check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "mark the end entity", error) &&
       check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "set the key usage", error) &&
       check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_CODE_SIGNING, 1), "set codeSigning", error) &&
       check (gnutls_x509_crt_get_subject_key_id (crt, key_id, &key_id_len, NULL), "read the key id", error) &&
       check (gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_len), "set the authority key id", error) &&
       check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign the certificate", error) &&
       /* The key first: a certificate without its key would be an error later. */
       write_key (key, key_path, TRUE, error) &&
       write_crt (crt, cert_path, TRUE, error);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return ok;
}

void
jd_sandbox_ca_free (JdSandboxCa *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&self->key, gnutls_x509_privkey_deinit);
  g_free (self);
}
