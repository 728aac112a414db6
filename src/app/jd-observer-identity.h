/* jd-observer-identity.h — the sandbox's read-only operator identity
 * (JD_SANDBOX_OBSERVER_IDENTITY, which the broker's ACL lets read
 * `$aws/events/#` and nothing else) for the fleet view's events connection.
 * The sandbox issues its key and certificate at start and names them in
 * sandbox.json ("observer"); the app only reads that entry, never the
 * folder's CA key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char    *host;
  guint16  port;
  char    *ca_path;
  char    *cert_path;
  char    *key_path;
} JdObserverIdentity;

void                jd_observer_identity_free          (JdObserverIdentity *identity);

/* Reads @sandbox_dir/sandbox.json: the broker, the CA and the observer's
 * certificate and key. In a worker thread. JD_JOBS_ERROR_SANDBOX_INFO_INVALID
 * when the file names no observer (a sandbox of an older version). */
void                jd_observer_identity_ensure_async  (const char          *sandbox_dir,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JdObserverIdentity *jd_observer_identity_ensure_finish (GAsyncResult        *result,
                                                        GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdObserverIdentity, jd_observer_identity_free)

G_END_DECLS
