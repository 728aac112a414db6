/* jd-service-http-listener.h — JdServiceHttpListener: accepts the control
 * plane's TCP connections on loopback, does the TLS handshake itself (only
 * once a whole ClientHello has arrived, within a deadline) and hands each
 * connection to a SoupServer for exactly one request. It keeps a table of
 * live connections so that none outlives its deadlines, the number of them is
 * capped, and request bodies over the size limit are refused before they are
 * read (src/service/README.md, "Control-plane connections").
 *
 * Private to libjobdeck-service: JdServiceHttp uses it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "jd-service-http.h"

G_BEGIN_DECLS

#define JD_TYPE_SERVICE_HTTP_LISTENER (jd_service_http_listener_get_type ())

G_DECLARE_FINAL_TYPE (JdServiceHttpListener, jd_service_http_listener, JD, SERVICE_HTTP_LISTENER, GObject)

/* @server must not listen itself: a SoupServer without listeners closes each
 * connection after its response, which is what keeps libsoup 3.2 from
 * leaking idle connections. */
JdServiceHttpListener *jd_service_http_listener_new       (SoupServer                *server,
                                                           GTlsCertificate           *certificate,
                                                           const JdServiceHttpLimits *limits);
/* Listens on @address:@port (0 = any free port) on the thread-default main
 * context. */
gboolean               jd_service_http_listener_listen    (JdServiceHttpListener     *self,
                                                           GInetAddress              *address,
                                                           guint16                    port,
                                                           GError                   **error);
guint16                jd_service_http_listener_get_port  (JdServiceHttpListener     *self);
/* Connections accepted and not closed yet. */
guint                  jd_service_http_listener_get_n_connections (JdServiceHttpListener *self);
/* Stops listening and closes every connection. */
void                   jd_service_http_listener_close     (JdServiceHttpListener     *self);

G_END_DECLS
