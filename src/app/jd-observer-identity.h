/* jd-observer-identity.h — the sandbox's read-only operator identity
 * (JD_SANDBOX_OBSERVER_IDENTITY, which the broker's ACL lets read
 * `$aws/events/#` and every thing's jobs topics, never write) for the
 * fleet view's events connection. The sandbox issues no certificate for it
 * and sandbox.json does not name one; whoever holds the sandbox folder's CA
 * key may issue it, as the app (which runs or shares the sandbox) does here,
 * once, into the folder.
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

/* Reads @sandbox_dir/sandbox.json (broker and CA) and issues the observer's
 * key and certificate with the folder's CA unless a valid pair is there.
 * In a worker thread. */
void                jd_observer_identity_ensure_async  (const char          *sandbox_dir,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JdObserverIdentity *jd_observer_identity_ensure_finish (GAsyncResult        *result,
                                                        GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdObserverIdentity, jd_observer_identity_free)

G_END_DECLS
