/* jd-test-https.h — helpers for tests of JdServiceHttp: a throw-away CA and
 * server certificate for 127.0.0.1 (from jd-test-ca.h), and a
 * SigV4-signing HTTPS client that runs the main loop until the reply comes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  char            *dir;
  char            *ca_path;
  GTlsCertificate *certificate;
} JdTestCerts;

JdTestCerts *jd_test_certs_new  (void);
void         jd_test_certs_free (JdTestCerts *certs);

typedef struct {
  guint    status;
  char    *error_type;    /* x-amzn-ErrorType, or NULL */
  char    *request_id;    /* x-amzn-RequestId */
  char    *body;
  JsonNode *json;         /* parsed body, or NULL when empty */
} JdTestReply;

void         jd_test_reply_free (JdTestReply *reply);

typedef struct {
  SoupSession *session;
  guint16      port;
  const char  *access_key_id;
  const char  *secret_access_key;
  const char  *region;
  const char  *service;       /* "iot" */
  GTimeSpan    clock_offset;  /* added to the signing time */
  gboolean     sign;
} JdTestClient;

void         jd_test_client_init  (JdTestClient *client,
                                   const char   *ca_path,
                                   guint16       port);
void         jd_test_client_clear (JdTestClient *client);

/* @path_and_query is sent as is (already percent-encoded). */
JdTestReply *jd_test_call         (JdTestClient *client,
                                   const char   *method,
                                   const char   *path_and_query,
                                   const char   *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestCerts, jd_test_certs_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdTestReply, jd_test_reply_free)

G_END_DECLS
