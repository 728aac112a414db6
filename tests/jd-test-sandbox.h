/* jd-test-sandbox.h — a whole local sandbox (mosquitto + the jobs service) in a
 * temporary folder for tests, plus a minimal MQTT test device that connects
 * with a thing's certificate and collects what it receives.
 *
 * Everything here blocks while iterating the default main context (where the
 * sandbox and the service run), so a test reads top to bottom. Tests only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-sandbox.h"
#include "jd-test-slowdown.h"

G_BEGIN_DECLS

/* The identity tests and benchmarks give jd_sandbox_set_jobs_reader_for_test()
 * to count every thing's jobs topics (the observer reads only the events). */
#define JD_TEST_JOBS_READER "test-jobs-reader"

typedef struct _JdTestSandbox JdTestSandbox;
typedef struct _JdTestDevice  JdTestDevice;

/* Starts a sandbox in a fresh temporary folder with @things (NULL: MyThing). */
JdTestSandbox *jd_test_sandbox_new            (const char * const *things,
                                               GError            **error);
/* Stops it (if running) and removes the folder. */
void           jd_test_sandbox_free           (JdTestSandbox      *self);

JdSandbox     *jd_test_sandbox_get_sandbox    (JdTestSandbox      *self);
const char    *jd_test_sandbox_get_dir        (JdTestSandbox      *self);

gboolean       jd_test_sandbox_stop           (JdTestSandbox      *self,
                                               GError            **error);
/* Stops, then starts a new JdSandbox on the same folder and ports. */
gboolean       jd_test_sandbox_restart        (JdTestSandbox      *self,
                                               GError            **error);

/* Starts the jobdeck-service daemon at @service_path on @dir for @things, its
 * stdout silenced. It dies with the test (PR_SET_PDEATHSIG), even when an
 * assertion aborts the test, so the runner never waits on its pipes. */
GSubprocess   *jd_test_spawn_service          (const char         *service_path,
                                               const char         *dir,
                                               const char * const *things,
                                               GError            **error);

/* Iterates the default main context until @done is TRUE or @timeout_ms pass. */
gboolean       jd_test_wait_until             (gboolean           *done,
                                               guint               timeout_ms);
/* jd_sandbox_add_things_async() for one thing, waited for on the default
 * main context (30 s at most, times the slowdown). */
gboolean       jd_test_sandbox_add_thing      (JdSandbox          *sandbox,
                                               const char         *thing,
                                               GError            **error);
/* Iterates the default main context for @ms. */
void           jd_test_spin                   (guint               ms);

/* A thing's MQTT client over mTLS with the sandbox's certificate for @thing
 * (issued if needed), subscribed to $aws/things/<thing>/jobs/# at QoS 1. */
JdTestDevice  *jd_test_device_new             (JdTestSandbox      *sandbox,
                                               const char         *thing,
                                               GError            **error);
/* Same, with explicit files and subscription (NULL filter: none). */
JdTestDevice  *jd_test_device_new_full        (const char         *host,
                                               guint16             port,
                                               const char         *ca_path,
                                               const char         *cert_path,
                                               const char         *key_path,
                                               const char         *client_id,
                                               const char         *filter,
                                               GError            **error);
void           jd_test_device_free            (JdTestDevice       *self);

/* Issues a client certificate for @common_name from the sandbox's CA into
 * the sandbox folder (not a registered thing: what someone holding the CA
 * could make). */
gboolean       jd_test_sandbox_issue_identity (JdTestSandbox      *self,
                                               const char         *common_name,
                                               char              **cert_path,
                                               char              **key_path,
                                               GError            **error);

/* Publishes at QoS 1 and waits for the PUBACK. @payload may be NULL (empty). */
gboolean       jd_test_device_publish         (JdTestDevice       *self,
                                               const char         *topic,
                                               const char         *payload,
                                               gssize              len);
/* Same, retained or not, waiting at most @timeout_ms for the PUBACK (a
 * packet the broker refuses closes the connection and is never acked). */
gboolean       jd_test_device_publish_full    (JdTestDevice       *self,
                                               const char         *topic,
                                               const char         *payload,
                                               gssize              len,
                                               gboolean            retain,
                                               guint               timeout_ms);
/* The thing a device made by jd_test_device_new_full() speaks for (its
 * requests' and replies' topics). */
void           jd_test_device_set_thing       (JdTestDevice       *self,
                                               const char         *thing);
/* Publishes to $aws/things/<thing>/jobs/<suffix>. */
gboolean       jd_test_device_request         (JdTestDevice       *self,
                                               const char         *suffix,
                                               const char         *payload);

/* Waits up to @timeout_ms for the next message on exactly @topic (earlier
 * messages on other topics stay queued). Returns its payload parsed as JSON
 * (NULL on timeout); @raw receives the payload text when not NULL. */
JsonNode      *jd_test_device_expect          (JdTestDevice       *self,
                                               const char         *topic,
                                               guint               timeout_ms,
                                               char              **raw);
/* Like expect, on $aws/things/<thing>/jobs/<suffix>. */
JsonNode      *jd_test_device_expect_reply    (JdTestDevice       *self,
                                               const char         *suffix,
                                               guint               timeout_ms);
/* Spins @ms and returns how many messages on @topic arrived (and drops them). */
guint          jd_test_device_count           (JdTestDevice       *self,
                                               const char         *topic,
                                               guint               ms);
/* Takes every queued message's topic, in arrival order (the payloads go). */
GPtrArray     *jd_test_device_take_topics     (JdTestDevice       *self);
/* How many messages are queued. */
guint          jd_test_device_get_n_messages  (JdTestDevice       *self);
/* Drops every queued message. */
void           jd_test_device_flush           (JdTestDevice       *self);
const char    *jd_test_device_get_thing       (JdTestDevice       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestSandbox, jd_test_sandbox_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestDevice, jd_test_device_free)

G_END_DECLS
