/* jd-service-soup.h — what the service's HTTPS listeners (the control plane,
 * the jobs data plane) share on SoupServer: a received message as a
 * JdSigv4Request, and AWS's response headers. Both listen through
 * JdServiceHttpListener.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "jd-sigv4.h"

G_BEGIN_DECLS

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
