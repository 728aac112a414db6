/* jd-test-ca.h — the tests' one certificate authority: key pairs and
 * certificates made in-process with GnuTLS (the library the service's own
 * sandbox CA uses), for the TLS broker fixture, the HTTPS service fixtures and
 * the operator-side tests. No openssl command, no spawns.
 *
 * Every certificate is ECDSA P-256, signed with SHA-256, with subject and
 * authority key identifiers. Leaf certificates name 127.0.0.1 and localhost
 * and are good for both TLS servers and TLS clients, so one issue call serves
 * a broker, an HTTPS server or an MQTT client (whose CN is its identity).
 * Failures abort the test: tests only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JdTestCa JdTestCa;

/* A throwaway CA with CN = @name, valid from an hour ago for a day, whose PEM
 * certificate is written to @dir/@name-ca.pem. */
JdTestCa   *jd_test_ca_new      (const char *dir,
                                 const char *name);
void        jd_test_ca_free     (JdTestCa   *ca);
const char *jd_test_ca_get_path (JdTestCa   *ca);

/* Issues a leaf certificate signed by @ca with CN = @cn, valid from now +
 * @not_before_s to now + @not_after_s, and writes it to @cert_path and its
 * key (PKCS#8 PEM, mode 0600; encrypted when @passphrase is not NULL) to
 * @key_path. */
void        jd_test_ca_issue_at (JdTestCa   *ca,
                                 const char *cn,
                                 gint64      not_before_s,
                                 gint64      not_after_s,
                                 const char *passphrase,
                                 const char *cert_path,
                                 const char *key_path);

/* The same, written to @dir/@cn.crt and @dir/@cn.key; the paths are returned
 * newly allocated. */
void        jd_test_ca_issue    (JdTestCa   *ca,
                                 const char *dir,
                                 const char *cn,
                                 gint64      not_before_s,
                                 gint64      not_after_s,
                                 const char *passphrase,
                                 char      **cert_path,
                                 char      **key_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestCa, jd_test_ca_free)

G_END_DECLS
