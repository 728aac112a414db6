/* jd-service-http.h — JdServiceHttp: the AWS IoT control-plane REST API (jobs,
 * job executions, things, DescribeEndpoint) on a SoupServer over HTTPS, every
 * request verified with SigV4 against the configured key pair (credential
 * scope service `iot` or `execute-api`). AWS's paths, query parameters,
 * bodies, pagination, status codes and error shapes (reference
 * control-plane-api.md). State lives in the JdStore it is given.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-file-store.h"
#include "jd-store.h"

G_BEGIN_DECLS

#define JD_TYPE_SERVICE_HTTP (jd_service_http_get_type ())

G_DECLARE_FINAL_TYPE (JdServiceHttp, jd_service_http, JD, SERVICE_HTTP, GObject)

/* Bounds on what one client can hold (src/service/README.md, "Control-plane
 * connections"). */
typedef struct {
  guint handshake_timeout_ms;   /* accept → TLS handshake done */
  guint idle_timeout_ms;        /* handshake done → request headers read */
  guint request_timeout_ms;     /* request headers read → response written */
  guint max_connections;        /* open at once; the oldest silent one makes room */
  gsize max_body_size;          /* larger bodies: 413 before they are read */
} JdServiceHttpLimits;

/* Fills @limits with the defaults. */
void           jd_service_http_limits_init          (JdServiceHttpLimits *limits);

JdServiceHttp *jd_service_http_new                  (JdStore         *store,
                                                     const char      *region,
                                                     const char      *account_id,
                                                     const char      *access_key_id,
                                                     const char      *secret_access_key);

/* The host name DescribeEndpoint answers with (the MQTT broker's host);
 * default "127.0.0.1". */
void           jd_service_http_set_endpoint_address (JdServiceHttp   *self,
                                                     const char      *address);

/* Starts serving HTTPS with @certificate on 127.0.0.1:@port (0 = any free port).
 * The server runs on the thread-default main context. */
gboolean       jd_service_http_listen               (JdServiceHttp   *self,
                                                     GTlsCertificate *certificate,
                                                     guint16          port,
                                                     GError         **error);
/* What DescribeEndpoint answers for endpointType=iot:Jobs ("HOST:PORT" of
 * the HTTPS jobs data plane); NULL: the same as iot:Data. */
void           jd_service_http_set_jobs_endpoint_address (JdServiceHttp *self,
                                                          const char    *address);
/* Replaces the limits (before jd_service_http_listen(); tests shorten them). */
void           jd_service_http_set_limits           (JdServiceHttp             *self,
                                                     const JdServiceHttpLimits *limits);
/* Connections open now (accepted and not closed yet). */
guint          jd_service_http_get_n_connections    (JdServiceHttp   *self);
/* The port listened on, or 0. */
guint16        jd_service_http_get_port             (JdServiceHttp   *self);
/* Stops listening (also done on finalize). */
void           jd_service_http_disconnect           (JdServiceHttp   *self);

JdStore       *jd_service_http_get_store            (JdServiceHttp   *self);

/* Serves JD_FILE_STORE_PATH_PREFIX from @file_store (presigned GET/HEAD
 * without SigV4, signed PUT) and substitutes its URLs in GetJobDocument
 * unless beforeSubstitution=true. Nullable: no files. */
void           jd_service_http_set_file_store       (JdServiceHttp   *self,
                                                     JdFileStore     *file_store);

/* Signals:
 *   thing-created (JdServiceHttp *, const char *thing_name): CreateThing made a new thing
 *   thing-deleted (JdServiceHttp *, const char *thing_name): DeleteThing removed one */

/* Called on the main loop for each thing CreateThing just made, before the
 * reply goes out; the reply waits until the hook returns on @task (a
 * boolean; an error is logged, and the reply still says the thing exists).
 * The sandbox makes the thing's certificate and key here, so they exist
 * when the client hears of the thing, as on AWS. */
typedef void (*JdServiceHttpThingHook) (const char *thing_name,
                                        GTask      *task,
                                        gpointer    user_data);

/* One hook at a time; NULL removes it (replies already waiting still wait
 * for their task). */
void           jd_service_http_set_thing_hook       (JdServiceHttp          *self,
                                                     JdServiceHttpThingHook  hook,
                                                     gpointer                user_data);

G_END_DECLS
