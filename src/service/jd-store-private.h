/* jd-store-private.h — JdStore internals for tests of libjobdeck-service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-store.h"

G_BEGIN_DECLS

/* Runs raw SQL on the store's connection (e.g. PRAGMA query_only to simulate
 * a read-only database, PRAGMA max_page_count to simulate a full disk). */
gboolean jd_store_exec_for_test  (JdStore     *self,
                                  const char  *sql,
                                  GError     **error);
double   jd_store_get_time_scale (JdStore     *self);

G_END_DECLS
