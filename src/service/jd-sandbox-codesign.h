/* jd-sandbox-codesign.h — the sandbox's code-signing identity: an ECDSA P-256
 * key and a self-signed certificate with extendedKeyUsage=codeSigning, made
 * once with GnuTLS, for signing files of sandbox jobs (jd_codesign_sign_file)
 * and as the sandbox profile's trusted code-signing certificate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The file names in the sandbox folder. */
#define JD_SANDBOX_CODESIGN_CERT "codesign.pem"
#define JD_SANDBOX_CODESIGN_KEY  "codesign.key"

/* Creates @cert_path and @key_path (both mode 0600; the key unencrypted
 * PKCS#8 PEM) unless both exist; an existing pair is kept as it is, and one
 * file without the other is an error. Blocking: call it from a worker thread. */
gboolean jd_sandbox_codesign_ensure (const char  *cert_path,
                                     const char  *key_path,
                                     GError     **error);

G_END_DECLS
