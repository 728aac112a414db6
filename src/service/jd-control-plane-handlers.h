/* jd-control-plane-handlers.h — the AWS IoT control-plane operations (jobs,
 * job executions, things, DescribeEndpoint) as pure handlers: a request
 * (method, raw path, raw query, body) in, a status, AWS's error type and a
 * JSON body out, with the state in a JdStore. No HTTP server, no signature
 * check: JdServiceHttp does those and calls this, as JdServiceMqtt calls
 * jd-device-api.h on the device side. Paths, query parameters, bodies,
 * pagination, status codes and error shapes follow reference
 * control-plane-api.md; choices are in src/service/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-file-store.h"
#include "jd-store.h"

G_BEGIN_DECLS

/* What the handlers need besides the request. */
typedef struct {
  JdStore    *store;
  const char *region;
  const char *account_id;
  const char *endpoint_address;   /* what DescribeEndpoint answers */
  JdFileStore *file_store;        /* nullable: presigned URLs in documents */
  const char *jobs_endpoint_address;  /* iot:Jobs ("HOST:PORT"); NULL: endpoint_address */
} JdCpContext;

typedef struct {
  const char   *method;     /* "GET", "PUT", ... */
  const char   *path;       /* raw path as sent, still percent-encoded */
  const char   *query;      /* raw query without '?', or NULL */
  const guint8 *body;       /* may be NULL when body_len is 0 */
  gsize         body_len;
} JdCpRequest;

typedef struct {
  guint  status;            /* HTTP status */
  char  *error_type;        /* x-amzn-ErrorType, or NULL on success */
  char  *body;              /* JSON text ("" for an empty 200) */
  char  *thing_created;     /* CreateThing made this thing, or NULL */
  char  *thing_deleted;     /* DeleteThing removed this thing, or NULL */
} JdCpResponse;

/* Answers @request; @response must be zeroed (or cleared) before. */
void  jd_control_plane_handlers_handle (const JdCpContext *context,
                                        const JdCpRequest *request,
                                        JdCpResponse      *response);
/* Fills @response with AWS's error shape: @status, @type and
 * {"message": @message}. */
void  jd_control_plane_handlers_error  (JdCpResponse      *response,
                                        guint              status,
                                        const char        *type,
                                        const char        *message);
void  jd_cp_response_clear             (JdCpResponse      *response);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JdCpResponse, jd_cp_response_clear)

G_END_DECLS
