/* jd-sandbox-certs.h — the sandbox's own certificate authority, made in-process
 * with GnuTLS (the Flatpak has no openssl command): a CA, the server certificate
 * for 127.0.0.1/localhost and client certificates whose CN is the MQTT identity.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JdSandboxCa JdSandboxCa;

typedef enum {
  JD_SANDBOX_CERT_SERVER,   /* SAN 127.0.0.1 and localhost, serverAuth */
  JD_SANDBOX_CERT_CLIENT,   /* clientAuth; the broker takes the CN as username */
} JdSandboxCertKind;

/* Every certificate is valid for ten years from an hour before it is made, and
 * is made again when less than this is left. */
#define JD_SANDBOX_CERT_RENEW_BEFORE ((gint64) 30 * 24 * 3600)

/* Loads the CA from @cert_path/@key_path, or creates both (key mode 0600) when
 * neither exists. Blocking: call it from a worker thread. */
JdSandboxCa *jd_sandbox_ca_load_or_create (const char        *cert_path,
                                           const char        *key_path,
                                           GError           **error);

/* Issues a fresh key and a certificate signed by @self and writes them as PEM,
 * both with mode 0600. Blocking. */
gboolean     jd_sandbox_ca_issue          (JdSandboxCa       *self,
                                           JdSandboxCertKind  kind,
                                           const char        *common_name,
                                           const char        *cert_path,
                                           const char        *key_path,
                                           GError           **error);

/* The same for one pair of a batch of new ones: neither file may exist, and
 * neither is synced; the caller syncs the folder once at the batch's end. */
gboolean     jd_sandbox_ca_issue_unsynced (JdSandboxCa       *self,
                                           JdSandboxCertKind  kind,
                                           const char        *common_name,
                                           const char        *cert_path,
                                           const char        *key_path,
                                           GError           **error);

/* The same, as if the time were @now (seconds since the epoch): what a
 * folder made long ago looks like, for tests. */
JdSandboxCa *jd_sandbox_ca_load_or_create_at (const char     *cert_path,
                                              const char     *key_path,
                                              gint64          now,
                                              GError        **error);
gboolean     jd_sandbox_ca_issue_at       (JdSandboxCa       *self,
                                           JdSandboxCertKind  kind,
                                           const char        *common_name,
                                           const char        *cert_path,
                                           const char        *key_path,
                                           gint64             now,
                                           GError           **error);

/* Whether the certificate at @cert_path must be issued again at @now: it ends
 * within JD_SANDBOX_CERT_RENEW_BEFORE, or another CA (a renewed one) issued
 * it. FALSE with @error when it cannot be read, or when @now is before its
 * start: the system clock is wrong, and the error says so in words. Blocking. */
gboolean     jd_sandbox_ca_needs_reissue  (JdSandboxCa       *self,
                                           const char        *cert_path,
                                           gint64             now,
                                           gboolean          *reissue,
                                           GError           **error);

/* Makes a fresh ECDSA P-256 key and a self-signed end-entity certificate
 * for @common_name with extendedKeyUsage=codeSigning (no CA: a code-signing
 * certificate is trusted as itself). Both files mode 0600. Blocking. */
gboolean     jd_sandbox_make_code_signing_pair (const char   *common_name,
                                                const char   *cert_path,
                                                const char   *key_path,
                                                GError      **error);

void         jd_sandbox_ca_free           (JdSandboxCa       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdSandboxCa, jd_sandbox_ca_free)

G_END_DECLS
