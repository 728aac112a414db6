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

#include <glib.h>

#include "jd-sandbox.h"
#include "jd-sandbox-certs.h"
#include "jd-sandbox-codesign.h"

#define COMMON_NAME "Jobdeck sandbox code signing"

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
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_CERTIFICATE,
                   "The code-signing %s exists without its %s; remove it to make a new pair",
                   have_cert ? cert_path : key_path, have_cert ? "key" : "certificate");
      return FALSE;
    }
  return jd_sandbox_make_code_signing_pair (COMMON_NAME, cert_path, key_path, error);
}
