/* jd-sandbox-codesign.c — the sandbox's code-signing key and certificate on
 * GnuTLS (no openssl command in the Flatpak).
 *
 * The certificate is self-signed: a device checks a file's signature only
 * against the certificate's public key, with no chain or expiry check (as the
 * FreeRTOS PALs do), so a CA adds nothing. keyUsage digitalSignature and
 * extendedKeyUsage codeSigning say what it is for, as AWS Signer's and the
 * FreeRTOS guide's certificates do.
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
#include "jd-sandbox-codesign.h"

#define VALIDITY_SECONDS ((time_t) 10 * 365 * 24 * 3600)
#define COMMON_NAME "Jobdeck sandbox code signing"

static gboolean
check (int         ret,
       const char *what,
       GError    **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_CERTIFICATE,
               "Could not %s for the code-signing certificate: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
write_private_file (const char *path,
                    const void *data,
                    gsize       len,
                    GError    **error)
{
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
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
make_pair (const char *cert_path,
           const char *key_path,
           GError    **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_datum_t crt_pem = { NULL, 0 };
  unsigned char serial[16];
  unsigned char key_id[64];
  size_t key_id_len = sizeof key_id;
  time_t now = time (NULL);
  gboolean ok = FALSE;

  if (!check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "make a serial number", error))
    return FALSE;
  serial[0] &= 0x7f;  /* positive */
  serial[0] |= 0x01;  /* and no leading zero byte */

  if (!check (gnutls_x509_privkey_init (&key), "allocate a key", error) ||
      !check (gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                             GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0, NULL, 0),
              "generate a key", error) ||
      !check (gnutls_x509_crt_init (&crt), "allocate a certificate", error) ||
      !check (gnutls_x509_crt_set_version (crt, 3), "set the version", error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "set the serial", error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, now - 3600), "set the start", error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, now + VALIDITY_SECONDS), "set the end", error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                             COMMON_NAME, strlen (COMMON_NAME)), "set the name", error) ||
      !check (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                    COMMON_NAME, strlen (COMMON_NAME)), "set the issuer", error) ||
      !check (gnutls_x509_crt_set_key (crt, key), "set the key", error) ||
      !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "set basic constraints", error) ||
      !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "set key usage", error) ||
      !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_CODE_SIGNING, 1), "set codeSigning", error) ||
      !check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_len), "get the key id", error) ||
      !check (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len), "set the key id", error) ||
      !check (gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_len), "set the authority key id", error) ||
      !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign", error) ||
      !check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &key_pem),
              "export the key", error) ||
      !check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem), "export", error))
    goto out;

  /* The key first: a certificate without its key would be an error later. */
  ok = write_private_file (key_path, key_pem.data, key_pem.size, error) &&
       write_private_file (cert_path, crt_pem.data, crt_pem.size, error);

out:
  if (key_pem.data != NULL)
    {
      gnutls_memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (crt_pem.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

/**
 * jd_sandbox_codesign_ensure:
 * @cert_path: where the PEM certificate is (or goes)
 * @key_path: where the PEM private key is (or goes)
 * @error: return location for an error
 *
 * Makes the sandbox's code-signing identity once. Blocking.
 *
 * Returns: %TRUE when both files exist afterwards
 */
gboolean
jd_sandbox_codesign_ensure (const char  *cert_path,
                            const char  *key_path,
                            GError     **error)
{
  gboolean have_cert, have_key;

  g_return_val_if_fail (cert_path != NULL && key_path != NULL, FALSE);

  have_cert = g_file_test (cert_path, G_FILE_TEST_EXISTS);
  have_key = g_file_test (key_path, G_FILE_TEST_EXISTS);
  if (have_cert && have_key)
    return TRUE;
  if (have_cert != have_key)
    {
      g_set_error (error, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_CERTIFICATE,
                   "The code-signing %s exists without its %s; remove it to make a new pair",
                   have_cert ? cert_path : key_path, have_cert ? "key" : "certificate");
      return FALSE;
    }
  return make_pair (cert_path, key_path, error);
}
