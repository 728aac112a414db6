/* jd-service-soup.c — SoupServer helpers of the service's HTTPS listeners.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service"

#include <string.h>

#include "jd-service-soup.h"

void
jd_service_soup_sigv4_request (SoupServerMessage  *msg,
                               GArray            **headers,
                               GBytes            **body,
                               JdSigv4Request     *request)
{
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize body_len = 0;

  g_return_if_fail (headers != NULL && body != NULL && request != NULL);

  *headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      JdSigv4Header h = { name, value };

      g_array_append_val (*headers, h);
    }
  *body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  memset (request, 0, sizeof *request);
  request->method = soup_server_message_get_method (msg);
  request->path = g_uri_get_path (uri);
  request->query = g_uri_get_query (uri);
  request->headers = (const JdSigv4Header *) (gpointer) (*headers)->data;
  request->n_headers = (*headers)->len;
  request->body = g_bytes_get_data (*body, &body_len);
  request->body_len = body_len;
}

void
jd_service_soup_respond (SoupServerMessage *msg,
                         guint              status,
                         const char        *request_id,
                         const char        *error_type,
                         const char        *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "x-amzn-RequestId", request_id);
  if (error_type != NULL)
    soup_message_headers_replace (headers, "x-amzn-ErrorType", error_type);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body, body != NULL ? strlen (body) : 0);
}
