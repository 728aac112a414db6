/* jd-fault-http.c — see jd-fault-http.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fault-http"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jd-fault-http.h"
#include "jd-sigv4.h"

GIOStream *
jd_fault_connect (const JdFaultEndpoint *endpoint,
                  gboolean               tls,
                  GError               **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) conn = NULL;

  g_socket_client_set_timeout (client, 20);
  tcp = g_socket_client_connect_to_host (client, "127.0.0.1", endpoint->port, NULL, error);
  if (tcp == NULL)
    return NULL;
  if (!tls)
    return G_IO_STREAM (g_steal_pointer (&tcp));

  database = g_tls_file_database_new (endpoint->ca_path, error);
  if (database == NULL)
    return NULL;
  identity = g_network_address_new ("127.0.0.1", endpoint->port);
  conn = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, error);
  if (conn == NULL)
    return NULL;
  g_tls_connection_set_database (G_TLS_CONNECTION (conn), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (conn), NULL, error))
    return NULL;
  return g_steal_pointer (&conn);
}

char *
jd_fault_request_head (const JdFaultEndpoint *endpoint,
                       const char            *method,
                       const char            *path,
                       const char            *body,
                       gint64                 content_length,
                       const char            *extra_headers)
{
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", endpoint->port);
  g_autofree char *raw_path = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *amz_date = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *question = strchr (path, '?');
  JdSigv4Credentials creds = { endpoint->access_key_id, endpoint->secret_access_key, NULL, endpoint->region };
  JdSigv4Header headers[2] = { { "Host", host }, { "x-amz-content-sha256", "UNSIGNED-PAYLOAD" } };
  JdSigv4Request request;
  gboolean unsigned_payload = content_length >= 0 || content_length == JD_FAULT_CHUNKED;
  g_autofree char *length = NULL;

  raw_path = question != NULL ? g_strndup (path, question - path) : g_strdup (path);
  request.method = method;
  request.path = raw_path;
  request.query = question != NULL ? question + 1 : NULL;
  request.headers = headers;
  request.n_headers = unsigned_payload ? 2 : 1;
  request.body = (const guint8 *) body;
  request.body_len = body != NULL ? strlen (body) : 0;
  jd_sigv4_sign (&request, &creds, "iot", now, &authorization, &amz_date);
  if (content_length == JD_FAULT_CHUNKED)
    length = g_strdup ("Transfer-Encoding: chunked\r\n");
  else
    length = g_strdup_printf ("Content-Length: %" G_GINT64_FORMAT "\r\n",
                              content_length >= 0 ? content_length : (gint64) request.body_len);

  return g_strdup_printf ("%s %s HTTP/1.1\r\n"
                          "Host: %s\r\n"
                          "Authorization: %s\r\n"
                          "X-Amz-Date: %s\r\n"
                          "%s"
                          "Content-Type: application/json\r\n"
                          "%s"
                          "%s"
                          "\r\n",
                          method, path, host, authorization, amz_date,
                          unsigned_payload ? "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\n" : "",
                          length, extra_headers != NULL ? extra_headers : "");
}

guint
jd_fault_read_response (GIOStream  *stream,
                        char      **out_body,
                        GError    **error)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *end = NULL;
  const char *length_header;
  gsize head_len, content_length = 0;
  guint status = 0;

  while ((end = strstr (text->str, "\r\n\r\n")) == NULL)
    {
      char buf[4096];
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, error);

      if (n < 0)
        return 0;
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "closed after %" G_GSIZE_FORMAT " bytes of response", text->len);
          return 0;
        }
      g_string_append_len (text, buf, n);
    }
  head_len = (end - text->str) + 4;
  if (sscanf (text->str, "HTTP/1.%*d %u", &status) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad status line");
      return 0;
    }
  length_header = strstr (text->str, "\r\nContent-Length: ");
  if (length_header != NULL && length_header < end)
    content_length = strtoul (length_header + strlen ("\r\nContent-Length: "), NULL, 10);
  while (text->len < head_len + content_length)
    {
      char buf[4096];
      gssize n = g_input_stream_read (in, buf, MIN (sizeof buf, head_len + content_length - text->len),
                                      NULL, error);

      if (n <= 0)
        {
          if (n == 0)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "body cut short");
          return 0;
        }
      g_string_append_len (text, buf, n);
    }
  if (out_body != NULL)
    *out_body = g_strndup (text->str + head_len, content_length);
  return status;
}

guint
jd_fault_exchange (GIOStream   *stream,
                   const char  *head,
                   const char  *body,
                   char       **out_body,
                   GError     **error)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, error))
    return 0;
  if (body != NULL && !g_output_stream_write_all (out, body, strlen (body), NULL, NULL, error))
    return 0;
  return jd_fault_read_response (stream, out_body, error);
}

guint
jd_fault_request (const JdFaultEndpoint *endpoint,
                  const char            *method,
                  const char            *path,
                  const char            *body,
                  GError               **error)
{
  g_autoptr(GIOStream) stream = jd_fault_connect (endpoint, TRUE, error);
  g_autofree char *head = NULL;
  guint status;

  if (stream == NULL)
    return 0;
  head = jd_fault_request_head (endpoint, method, path, body, -1, NULL);
  status = jd_fault_exchange (stream, head, body, NULL, error);
  g_io_stream_close (stream, NULL, NULL);
  return status;
}

guint
jd_fault_count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint64
jd_fault_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

guint
jd_fault_count_close_wait (guint16 port)
{
  return jd_fault_count_tcp (port, 0x08);
}

guint
jd_fault_count_tcp (guint16 port,
                    guint   wanted)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      unsigned int local_port = 0, state = 0;

      /* "  sl  local_address rem_address   st ..." with hex fields */
      if (sscanf (lines[i], " %*d: %*8X:%X %*8X:%*X %X", &local_port, &state) == 2
          && local_port == port && state == wanted)
        n++;
    }
  return n;
}
