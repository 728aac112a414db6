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

void         jd_sandbox_ca_free           (JdSandboxCa       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdSandboxCa, jd_sandbox_ca_free)

G_END_DECLS
