/* jd-session-private.h — what jd-session.c and jd-session-checks.c share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-session.h"

G_BEGIN_DECLS

/* Reads @ca_path and checks that @key_path is @cert_path's key (with
 * @key_passphrase when encrypted), in a worker thread. */
void     jd_session_check_files_async  (JdSession           *session,
                                        const char          *cert_path,
                                        const char          *key_path,
                                        const char          *ca_path,
                                        const char          *key_passphrase,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean jd_session_check_files_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
