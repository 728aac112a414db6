/* jd-fault-http.h — helpers for the control plane's fault tests: a blocking
 * HTTPS client that opens a fresh TCP + TLS connection per request (safe to
 * use from a thread other than the server's), SigV4-signed requests, and a
 * process's open fds, RSS and CLOSE-WAIT sockets read from /proc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  guint16     port;
  const char *ca_path;
  const char *access_key_id;
  const char *secret_access_key;
  const char *region;
} JdFaultEndpoint;

/* A TCP connection to 127.0.0.1:@port, with TLS (verified against the CA)
 * when @tls, the handshake done. */
GIOStream *jd_fault_connect          (const JdFaultEndpoint *endpoint,
                                      gboolean               tls,
                                      GError               **error);
/* The request's head (request line and headers, ending in an empty line),
 * signed with the endpoint's keys; @body (may be NULL) is signed but not
 * included. @content_length -1 = the body's length; JD_FAULT_CHUNKED =
 * Transfer-Encoding: chunked; otherwise sent as is. Except with -1 the
 * payload hash is left UNSIGNED-PAYLOAD. */
#define JD_FAULT_CHUNKED (-2)
char      *jd_fault_request_head     (const JdFaultEndpoint *endpoint,
                                      const char            *method,
                                      const char            *path,
                                      const char            *body,
                                      gint64                 content_length,
                                      const char            *extra_headers);
/* Writes @head and @body, reads the response (Content-Length bodies only):
 * returns the status, 0 on a failure (@error set). @out_body optional. */
guint      jd_fault_exchange         (GIOStream             *stream,
                                      const char            *head,
                                      const char            *body,
                                      char                 **out_body,
                                      GError               **error);
/* Reads a response on @stream: status, 0 on failure. */
guint      jd_fault_read_response    (GIOStream             *stream,
                                      char                 **out_body,
                                      GError               **error);
/* connect + exchange + close: a request on a fresh connection. */
guint      jd_fault_request          (const JdFaultEndpoint *endpoint,
                                      const char            *method,
                                      const char            *path,
                                      const char            *body,
                                      GError               **error);

/* Open file descriptors of @pid. */
guint      jd_fault_count_fds        (GPid                   pid);
/* Resident set size of @pid in KiB. */
guint64    jd_fault_rss_kib          (GPid                   pid);
/* TCP sockets in CLOSE-WAIT whose local port is @port (IPv4). */
guint      jd_fault_count_close_wait (guint16                port);
/* TCP sockets in @state (the kernel's number: 1 ESTABLISHED, 8 CLOSE-WAIT)
 * whose local port is @port (IPv4). */
guint      jd_fault_count_tcp        (guint16                port,
                                      guint                  state);

G_END_DECLS
