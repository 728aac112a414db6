/* op-test-util.h — helpers shared by the operator-side tests: key pairs and
 * certificates made in-process with GnuTLS, and waiting for async results.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _OpTestCa OpTestCa;

/* A throwaway CA (ECDSA P-256) whose PEM certificate is written to
 * @dir/@name-ca.pem. */
OpTestCa   *op_test_ca_new              (const char *dir,
                                         const char *name);
void        op_test_ca_free             (OpTestCa   *ca);
const char *op_test_ca_get_path         (OpTestCa   *ca);

/* Issues a leaf certificate signed by @ca with CN = @cn, SANs 127.0.0.1 and
 * localhost, valid from now + @not_before_s to now + @not_after_s, and
 * writes @dir/@cn.crt and @dir/@cn.key (PKCS#8; encrypted when @passphrase
 * is not NULL). Paths are returned newly allocated. */
void        op_test_ca_issue            (OpTestCa   *ca,
                                         const char *dir,
                                         const char *cn,
                                         gint64      not_before_s,
                                         gint64      not_after_s,
                                         const char *passphrase,
                                         char      **cert_path,
                                         char      **key_path);

/* Runs the default main context until *result is set (by op_test_store_result). */
void        op_test_wait                (GAsyncResult **result);
/* A GAsyncReadyCallback storing a reference to the result in *user_data. */
void        op_test_store_result        (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpTestCa, op_test_ca_free)

G_END_DECLS
