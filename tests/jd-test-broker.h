/* jd-test-broker.h — a real mosquitto with mutual TLS and per-thing ACLs for tests.
 *
 * jd_test_broker_new() makes a temporary folder, generates a CA, a server
 * certificate for 127.0.0.1/localhost, writes a mosquitto config with one TLS
 * listener on a free loopback port (require_certificate, use_identity_as_username,
 * allow_anonymous false, an ACL confining each thing to $aws/things/<CN>/jobs/#
 * and giving the "jobs-service" identity every thing), starts mosquitto and waits
 * until it accepts connections. Blocking calls: tests only; not thread-safe,
 * call it from the test's main thread (a broker started there dies with the
 * test process even if the test crashes).
 *
 * Connect to get_host() ("127.0.0.1"; the server certificate also names
 * "localhost") and get_port(), trusting get_ca_path(), with a certificate from
 * issue_client(): its CN is the MQTT username, so "T1" may use only
 * $aws/things/T1/jobs/#. Errors are in the G_IO_ERROR domain and carry the
 * tail of mosquitto's log. With JD_TEST_KEEP_TMP=1 in the environment the
 * folder (certificates, mosquitto.conf, acl, mosquitto.log) is kept and its
 * path printed to stderr.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-test-ca.h"

G_BEGIN_DECLS

typedef struct _JdTestBroker JdTestBroker;

#define JD_TEST_BROKER_SERVICE_IDENTITY "jobs-service"

JdTestBroker *jd_test_broker_new            (GError      **error);
void          jd_test_broker_free           (JdTestBroker *self);

const char   *jd_test_broker_get_host       (JdTestBroker *self);
guint16       jd_test_broker_get_port       (JdTestBroker *self);
const char   *jd_test_broker_get_dir        (JdTestBroker *self);
const char   *jd_test_broker_get_ca_path    (JdTestBroker *self);
/* mosquitto's log (log_type all: connections, denied publishes), appended
 * across restarts. */
const char   *jd_test_broker_get_log_path   (JdTestBroker *self);
/* The running mosquitto's process id, 0 when it is not running. */
GPid          jd_test_broker_get_pid        (JdTestBroker *self);

/* The CA the broker trusts (and that signed its server certificate), for
 * certificates issue_client() does not make (an encrypted key, an expired one). */
JdTestCa     *jd_test_broker_get_ca         (JdTestBroker *self);

/* Client certificate and key (PEM files in the broker's folder) with CN = @name;
 * made once per name, then returned from the cache. A certificate signed by
 * another CA is available through jd_test_broker_issue_rogue_client(). */
gboolean      jd_test_broker_issue_client   (JdTestBroker *self,
                                             const char   *name,
                                             const char  **cert_path,
                                             const char  **key_path,
                                             GError      **error);
gboolean      jd_test_broker_issue_rogue_client (JdTestBroker *self,
                                                 const char   *name,
                                                 const char  **cert_path,
                                                 const char  **key_path,
                                                 GError      **error);
/* The throwaway CA that signs rogue clients (made on first use); a client that
 * trusts only this CA must refuse the broker. */
gboolean      jd_test_broker_issue_rogue_ca (JdTestBroker *self,
                                             const char  **ca_path,
                                             GError      **error);

/* Lifecycle of the broker process; the port never changes. */
gboolean      jd_test_broker_start          (JdTestBroker *self,
                                             GError      **error);
void          jd_test_broker_stop           (JdTestBroker *self);   /* SIGTERM, wait */
void          jd_test_broker_kill           (JdTestBroker *self);   /* SIGKILL, wait */
gboolean      jd_test_broker_restart        (JdTestBroker *self,
                                             GError      **error);
gboolean      jd_test_broker_is_running     (JdTestBroker *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestBroker, jd_test_broker_free)

G_END_DECLS
