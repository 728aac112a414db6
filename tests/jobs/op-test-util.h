/* op-test-util.h — helpers shared by the operator-side tests: waiting for async
 * results (certificates come from jd-test-ca.h, included here).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-test-ca.h"

G_BEGIN_DECLS

/* Runs the default main context until *result is set (by op_test_store_result). */
void        op_test_wait                (GAsyncResult **result);
/* A GAsyncReadyCallback storing a reference to the result in *user_data. */
void        op_test_store_result        (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      user_data);

G_END_DECLS
