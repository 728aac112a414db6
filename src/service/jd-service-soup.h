/* jd-service-soup.h — what the service's HTTPS listeners (the control plane,
 * the jobs data plane) share on SoupServer: listening on loopback with a TLS
 * certificate and raw paths, a received message as a JdSigv4Request, and
 * AWS's response headers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "jd-sigv4.h"

G_BEGIN_DECLS

/* A SoupServer over HTTPS on 127.0.0.1:@port (0 = any free port) whose paths
 * stay percent-encoded as SigV4 signed them, with @callback for every path.
 * *@out_port gets the port listened on. */
SoupServer *jd_service_soup_listen       (GTlsCertificate    *certificate,
                                          guint16             port,
                                          SoupServerCallback  callback,
                                          gpointer            user_data,
                                          guint16            *out_port,
                                          GError            **error);

/* @msg as SigV4 sees it. @headers (of JdSigv4Header) and @body keep what
 * @request points into alive; free them after @request. */
void        jd_service_soup_sigv4_request (SoupServerMessage  *msg,
                                          GArray            **headers,
                                          GBytes            **body,
                                          JdSigv4Request     *request);

/* Status, `x-amzn-RequestId`, `x-amzn-ErrorType` (when @error_type is set)
 * and a JSON body. */
void        jd_service_soup_respond       (SoupServerMessage  *msg,
                                          guint               status,
                                          const char         *request_id,
                                          const char         *error_type,
                                          const char         *body);

G_END_DECLS
