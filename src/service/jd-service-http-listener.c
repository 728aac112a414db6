/* jd-service-http-listener.c — the control plane's connections: accept, TLS,
 * one request through SoupServer, deadlines, a cap and the body limit.
 *
 * Why not soup_server_listen(): libsoup 3.2's server never closes a kept-alive
 * connection that the client closes while it is idle (fixed upstream in 3.3,
 * commit d20c6601: the next message on the connection has no completion
 * callback, so nothing disconnects it); every such connection stays in
 * CLOSE-WAIT with its fd and memory. A SoupServer that has no listener of its
 * own closes every connection after its response, and the first message of a
 * connection always has that callback, so handing each connection to
 * soup_server_accept_iostream() for one request cannot leak. We send
 * "Connection: close" so clients know. Also, libsoup runs the TLS handshake
 * of every accepted socket at once in a GTask thread that blocks until the
 * client speaks: a hundred silent connections fill the thread pool and a real
 * client waits behind them. Here a socket costs no thread until a whole
 * ClientHello record has arrived, and every stage has a deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-http"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "jd-service-http-listener.h"

/* Largest TLS record (2^14 plus the allowed expansion) and its header. */
#define TLS_RECORD_HEADER 5
#define TLS_RECORD_MAX    (16384 + 2048)
/* After a 413, how long (and how much of) the rest of the client's upload is
 * read and dropped, so that the client sees the answer rather than a reset. */
#define LINGER_MS         2000
#define LINGER_BYTES      (1024 * 1024)

typedef enum {
  CONN_HELLO,       /* waiting for the whole ClientHello; no thread used */
  CONN_HANDSHAKE,   /* TLS handshake running */
  CONN_WAITING,     /* handed to the SoupServer, no request headers yet */
  CONN_REQUEST,     /* headers read; body, handler, response */
  CONN_REJECTING,   /* writing a 413 ourselves, then draining */
  CONN_CLOSING,     /* shut down, waiting for its owner to let go */
} ConnState;

typedef struct {
  JdServiceHttpListener *listener;
  guint                  id;
  ConnState              state;
  GList                  link;        /* in listener->order, oldest first */
  GSocket               *socket;
  GSocketConnection     *tcp;
  GSocketAddress        *local;
  GSocketAddress        *remote;
  GTlsConnection        *tls;         /* ours: before hand-off, and while rejecting */
  GObject               *handed;      /* the TLS connection SoupServer holds (weak) */
  GCancellable          *cancellable;
  GSource               *watch;
  GSource               *timer;
  gsize                  body_seen;
  gsize                  drained;
  GBytes                *reply;       /* the 413 being written */
} Conn;

struct _JdServiceHttpListener
{
  GObject              parent_instance;

  SoupServer          *server;
  GTlsCertificate     *certificate;
  JdServiceHttpLimits  limits;
  GMainContext        *context;
  GSocket             *socket;
  GSource             *accept_source;
  guint16              port;
  GHashTable          *conns;     /* id → Conn (owned) */
  GQueue               order;     /* of Conn, by accept time */
  guint                next_id;
  Conn                *handing;   /* during soup_server_accept_iostream() */
  gulong               request_started_id;
};

G_DEFINE_FINAL_TYPE (JdServiceHttpListener, jd_service_http_listener, G_TYPE_OBJECT)

static GQuark conn_quark;

static void conn_set_timer (Conn *c,
                            guint ms);

/* ---- connection table ---- */

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
handed_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  Conn *c = data;

  c->handed = NULL;
  g_hash_table_remove (c->listener->conns, GUINT_TO_POINTER (c->id));
}

/* Frees @c (the table's value destructor): closes what is still ours. */
static void
conn_free (Conn *c)
{
  JdServiceHttpListener *self = c->listener;

  g_queue_unlink (&self->order, &c->link);
  destroy_source (&c->watch);
  destroy_source (&c->timer);
  if (c->cancellable != NULL)
    g_cancellable_cancel (c->cancellable);
  /* A handshake thread or the SoupServer may still use the socket: shutting
   * it down makes them fail and let go (the handshake callback finds no
   * connection; libsoup disconnects). */
  if (c->socket != NULL && !g_socket_is_closed (c->socket))
    {
      if (c->state == CONN_HANDSHAKE || c->handed != NULL)
        g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
      else
        g_socket_close (c->socket, NULL);
    }
  if (c->handed != NULL)
    g_object_weak_unref (c->handed, handed_finalized_cb, c);
  g_clear_object (&c->tls);
  g_clear_object (&c->tcp);
  g_clear_object (&c->socket);
  g_clear_object (&c->local);
  g_clear_object (&c->remote);
  g_clear_object (&c->cancellable);
  g_clear_pointer (&c->reply, g_bytes_unref);
  g_free (c);
}

static void
conn_remove (Conn *c)
{
  g_hash_table_remove (c->listener->conns, GUINT_TO_POINTER (c->id));
}

/* Makes the SoupServer let go of a connection it holds: the pending read or
 * write fails, libsoup disconnects, the TLS connection is finalized and
 * handed_finalized_cb() removes it. */
static void
conn_shutdown (Conn *c)
{
  c->state = CONN_CLOSING;
  destroy_source (&c->watch);
  if (g_socket_is_closed (c->socket))
    {
      conn_remove (c);
      return;
    }
  g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
  /* If nothing lets go within a while, it is closed anyway. */
  conn_set_timer (c, 5000);
}

static gboolean
conn_timeout_cb (gpointer user_data)
{
  Conn *c = user_data;

  g_clear_pointer (&c->timer, g_source_unref);
  switch (c->state)
    {
    case CONN_HELLO:
    case CONN_REJECTING:
      g_debug ("connection %u: closed after its deadline (state %d)", c->id, c->state);
      conn_remove (c);
      break;
    case CONN_HANDSHAKE:
      g_debug ("connection %u: TLS handshake timed out", c->id);
      c->state = CONN_CLOSING;
      g_cancellable_cancel (c->cancellable);
      g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
      break;
    case CONN_WAITING:
    case CONN_REQUEST:
      g_debug ("connection %u: %s timed out", c->id, c->state == CONN_WAITING ? "idle" : "request");
      conn_shutdown (c);
      break;
    case CONN_CLOSING:
    default:
      g_warning ("connection %u: not released after shutdown; dropping it", c->id);
      if (c->handed != NULL)
        {
          g_object_weak_unref (c->handed, handed_finalized_cb, c);
          c->handed = NULL;
        }
      conn_remove (c);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
conn_set_timer (Conn  *c,
                guint  ms)
{
  destroy_source (&c->timer);
  c->timer = g_timeout_source_new (ms);
  g_source_set_callback (c->timer, conn_timeout_cb, c, NULL);
  g_source_set_static_name (c->timer, "[jobdeck] http connection deadline");
  g_source_attach (c->timer, c->listener->context);
}

static Conn *
conn_lookup (JdServiceHttpListener *self,
             guint                  id)
{
  return g_hash_table_lookup (self->conns, GUINT_TO_POINTER (id));
}

/* ---- 413, written by us ---- */

static void conn_drain (Conn *c);

static gboolean
drain_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      user_data)
{
  Conn *c = user_data;
  char buf[16384];
  gssize n;

  n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
  if (n > 0 && (c->drained += n) < LINGER_BYTES)
    return G_SOURCE_CONTINUE;
  if (n < 0 && (condition & (G_IO_HUP | G_IO_ERR)) == 0)
    return G_SOURCE_CONTINUE;   /* would block */
  g_clear_pointer (&c->watch, g_source_unref);
  conn_remove (c);
  return G_SOURCE_REMOVE;
}

static void
conn_drain (Conn *c)
{
  g_socket_shutdown (c->socket, FALSE, TRUE, NULL);
  c->watch = g_socket_create_source (c->socket, G_IO_IN, NULL);
  g_source_set_callback (c->watch, G_SOURCE_FUNC (drain_cb), c, NULL);
  g_source_attach (c->watch, c->listener->context);
  conn_set_timer (c, LINGER_MS);
}

typedef struct {
  JdServiceHttpListener *listener;
  guint                  id;
} ConnRef;

static ConnRef *
conn_ref_new (Conn *c)
{
  ConnRef *ref = g_new (ConnRef, 1);

  ref->listener = g_object_ref (c->listener);
  ref->id = c->id;
  return ref;
}

static Conn *
conn_ref_free (ConnRef *ref)
{
  Conn *c = conn_lookup (ref->listener, ref->id);

  g_object_unref (ref->listener);
  g_free (ref);
  return c;
}

static void
reply_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Conn *c;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  c = conn_ref_free (user_data);
  if (c == NULL)
    return;
  if (error != NULL)
    {
      g_debug ("connection %u: 413 not written: %s", c->id, error->message);
      conn_remove (c);
      return;
    }
  conn_drain (c);
}

/* Takes the connection back from the SoupServer before the body is read and
 * answers 413 in AWS's error shape. */
static void
conn_reject_too_large (Conn              *c,
                       SoupServerMessage *msg)
{
  JdServiceHttpListener *self = c->listener;
  g_autoptr(GIOStream) stolen = NULL;
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *body = NULL;
  GString *text;

  g_debug ("connection %u: request body over %" G_GSIZE_FORMAT " bytes refused",
           c->id, self->limits.max_body_size);
  g_assert (c->handed != NULL);
  g_clear_object (&c->tls);
  c->tls = G_TLS_CONNECTION (g_object_ref (c->handed));
  c->state = CONN_REJECTING;
  conn_set_timer (c, self->limits.request_timeout_ms);

  /* libsoup lets go of the connection without closing it. */
  stolen = soup_server_message_steal_connection (msg);

  body = g_strdup_printf ("{\"message\":\"Request Too Long: the body must not exceed %" G_GSIZE_FORMAT " bytes\"}",
                          self->limits.max_body_size);
  text = g_string_new ("HTTP/1.1 413 Request Entity Too Large\r\n");
  g_string_append_printf (text,
                          "Server: Jobdeck\r\n"
                          "Connection: close\r\n"
                          "Content-Type: application/json\r\n"
                          "x-amzn-RequestId: %s\r\n"
                          "x-amzn-ErrorType: RequestEntityTooLargeException\r\n"
                          "Content-Length: %zu\r\n"
                          "\r\n%s",
                          request_id, strlen (body), body);
  c->reply = g_string_free_to_bytes (text);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c->tls)),
                                   g_bytes_get_data (c->reply, NULL), g_bytes_get_size (c->reply),
                                   G_PRIORITY_DEFAULT, c->cancellable,
                                   reply_written_cb, conn_ref_new (c));
}

/* ---- SoupServer messages ---- */

static Conn *
conn_of_message (JdServiceHttpListener *self,
                 SoupServerMessage     *msg)
{
  guint id = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (msg), conn_quark));

  return id != 0 ? conn_lookup (self, id) : NULL;
}

static void
got_headers_cb (SoupServerMessage     *msg,
                JdServiceHttpListener *self)
{
  Conn *c = conn_of_message (self, msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (c == NULL || c->state != CONN_WAITING)
    return;
  c->state = CONN_REQUEST;
  conn_set_timer (c, self->limits.request_timeout_ms);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && (guint64) soup_message_headers_get_content_length (headers) > self->limits.max_body_size)
    conn_reject_too_large (c, msg);
}

static void
got_chunk_cb (SoupServerMessage     *msg,
              GBytes                *chunk,
              JdServiceHttpListener *self)
{
  Conn *c = conn_of_message (self, msg);

  if (c == NULL || c->state != CONN_REQUEST)
    return;
  c->body_seen += g_bytes_get_size (chunk);
  if (c->body_seen > self->limits.max_body_size)
    conn_reject_too_large (c, msg);
}

static void
request_started_cb (SoupServer            *server,
                    SoupServerMessage     *msg,
                    JdServiceHttpListener *self)
{
  /* Emitted for a connection's first (and only) message while it is being
   * handed over. */
  if (self->handing == NULL)
    return;
  g_object_set_qdata (G_OBJECT (msg), conn_quark, GUINT_TO_POINTER (self->handing->id));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
}

/* ---- accept and TLS ---- */

static void
handshake_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JdServiceHttpListener *self;
  GTlsConnection *tls;
  gboolean ok;
  Conn *c;

  ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error);
  self = g_object_ref (((ConnRef *) user_data)->listener);
  c = conn_ref_free (user_data);
  if (c == NULL || c->state != CONN_HANDSHAKE)
    {
      if (c != NULL)
        conn_remove (c);
      g_object_unref (self);
      return;
    }
  if (!ok)
    {
      g_debug ("connection %u: TLS handshake failed: %s", c->id, error->message);
      conn_remove (c);
      g_object_unref (self);
      return;
    }

  c->state = CONN_WAITING;
  conn_set_timer (c, self->limits.idle_timeout_ms);
  g_clear_object (&c->cancellable);
  c->cancellable = g_cancellable_new ();

  /* From here the SoupServer owns the TLS connection; when it lets go the
   * connection is finalized and leaves the table. libsoup may read and answer
   * a request that is already there before accept returns. */
  tls = g_steal_pointer (&c->tls);
  c->handed = G_OBJECT (tls);
  g_object_weak_ref (c->handed, handed_finalized_cb, c);
  g_clear_object (&c->tcp);
  self->handing = c;
  soup_server_accept_iostream (self->server, G_IO_STREAM (tls), c->local, c->remote, NULL);
  self->handing = NULL;
  /* May free c. */
  g_object_unref (tls);
  g_object_unref (self);
}

static void
conn_start_handshake (Conn *c)
{
  JdServiceHttpListener *self = c->listener;
  static const char *const protocols[] = { "http/1.1", NULL };
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  /* No database: the control plane asks for no client certificate, and
   * without one set, glib-networking (2.74) reads the system's whole trust
   * store for every connection — about 9 ms of this loop per connection
   * (0.01 ms with it). */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()), NULL, &error,
                        "base-io-stream", G_IO_STREAM (c->tcp),
                        "certificate", self->certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_warning ("TLS unavailable: %s", error->message);
      conn_remove (c);
      return;
    }
  c->tls = G_TLS_CONNECTION (tls);
  g_tls_connection_set_require_close_notify (c->tls, FALSE);
  g_tls_connection_set_advertised_protocols (c->tls, protocols);
  c->state = CONN_HANDSHAKE;
  c->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (c->tls, G_PRIORITY_DEFAULT, c->cancellable,
                                    handshake_cb, conn_ref_new (c));
}

/* What has arrived of the first TLS record. */
typedef enum {
  HELLO_WAIT,       /* nothing or part of it yet */
  HELLO_COMPLETE,
  HELLO_BAD,        /* closed, failed, or not a TLS handshake */
} HelloState;

static HelloState
peek_hello (GSocket *socket)
{
  guint8 header[TLS_RECORD_HEADER];
  gssize n;
  int available = 0;
  gsize needed;

  n = recv (g_socket_get_fd (socket), header, sizeof header, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return HELLO_WAIT;
  if (n <= 0 || header[0] != 0x16)
    return HELLO_BAD;
  if ((gsize) n < sizeof header)
    return HELLO_WAIT;
  needed = TLS_RECORD_HEADER + MIN ((gsize) ((header[3] << 8) | header[4]), TLS_RECORD_MAX);
  if (ioctl (g_socket_get_fd (socket), FIONREAD, &available) != 0)
    return HELLO_BAD;
  return (gsize) available < needed ? HELLO_WAIT : HELLO_COMPLETE;
}

static gboolean hello_cb (GSocket      *socket,
                          GIOCondition  condition,
                          gpointer      user_data);

/* Part of the record is there: the socket stays readable, so instead of
 * watching it (which would wake the loop without pause) look again a little
 * later, until the handshake deadline. */
static gboolean
hello_poll_cb (gpointer user_data)
{
  Conn *c = user_data;

  return hello_cb (c->socket, 0, c);
}

/* Waits, without a thread, until the whole first TLS record is there. */
static gboolean
hello_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      user_data)
{
  Conn *c = user_data;

  switch (peek_hello (socket))
    {
    case HELLO_WAIT:
      if (condition != 0 && recv (g_socket_get_fd (socket), &(char) { 0 }, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
        {
          /* Readable but incomplete: poll from now on. */
          g_clear_pointer (&c->watch, g_source_unref);
          c->watch = g_timeout_source_new (25);
          g_source_set_callback (c->watch, hello_poll_cb, c, NULL);
          g_source_set_static_name (c->watch, "[jobdeck] http client hello (partial)");
          g_source_attach (c->watch, c->listener->context);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    case HELLO_BAD:
      g_clear_pointer (&c->watch, g_source_unref);
      conn_remove (c);
      return G_SOURCE_REMOVE;
    case HELLO_COMPLETE:
    default:
      g_clear_pointer (&c->watch, g_source_unref);
      conn_start_handshake (c);
      return G_SOURCE_REMOVE;
    }
}

/* Makes room for a new connection: closes the oldest one that has not sent
 * a request (still in its ClientHello or idle after the handshake). */
static gboolean
make_room (JdServiceHttpListener *self)
{
  for (GList *l = self->order.head; l != NULL; l = l->next)
    {
      Conn *c = l->data;

      if (c->state == CONN_HELLO)
        {
          conn_remove (c);
          return TRUE;
        }
      if (c->state == CONN_WAITING)
        {
          conn_shutdown (c);
          return TRUE;
        }
    }
  return FALSE;
}

static void
accept_one (JdServiceHttpListener *self,
            GSocket               *socket)
{
  g_autoptr(GError) error = NULL;
  Conn *c;

  if (g_hash_table_size (self->conns) >= self->limits.max_connections && !make_room (self))
    {
      g_debug ("connection refused: %u open", g_hash_table_size (self->conns));
      g_socket_close (socket, NULL);
      return;
    }

  c = g_new0 (Conn, 1);
  c->listener = self;
  c->id = ++self->next_id != 0 ? self->next_id : ++self->next_id;
  c->state = CONN_HELLO;
  c->link.data = c;
  c->socket = g_object_ref (socket);
  c->local = g_socket_get_local_address (socket, NULL);
  c->remote = g_socket_get_remote_address (socket, NULL);
  if (c->local == NULL || c->remote == NULL)
    {
      g_socket_close (socket, NULL);
      g_clear_object (&c->socket);
      g_clear_object (&c->local);
      g_clear_object (&c->remote);
      g_free (c);
      return;
    }
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  c->tcp = g_socket_connection_factory_create_connection (socket);
  g_queue_push_tail_link (&self->order, &c->link);
  g_hash_table_insert (self->conns, GUINT_TO_POINTER (c->id), c);

  c->watch = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (c->watch, G_SOURCE_FUNC (hello_cb), c, NULL);
  g_source_set_static_name (c->watch, "[jobdeck] http client hello");
  g_source_attach (c->watch, self->context);
  conn_set_timer (c, self->limits.handshake_timeout_ms);
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  JdServiceHttpListener *self = user_data;

  /* Several may be queued; take them all. */
  for (guint i = 0; i < 64; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("accept: %s", error->message);
          break;
        }
      accept_one (self, client);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ---- */

static void
jd_service_http_listener_dispose (GObject *object)
{
  JdServiceHttpListener *self = (JdServiceHttpListener *) object;

  jd_service_http_listener_close (self);
  g_clear_signal_handler (&self->request_started_id, self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (jd_service_http_listener_parent_class)->dispose (object);
}

static void
jd_service_http_listener_finalize (GObject *object)
{
  JdServiceHttpListener *self = (JdServiceHttpListener *) object;

  g_hash_table_unref (self->conns);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (jd_service_http_listener_parent_class)->finalize (object);
}

static void
jd_service_http_listener_class_init (JdServiceHttpListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_http_listener_dispose;
  object_class->finalize = jd_service_http_listener_finalize;

  conn_quark = g_quark_from_static_string ("jd-service-http-connection");
}

static void
jd_service_http_listener_init (JdServiceHttpListener *self)
{
  self->conns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) conn_free);
  g_queue_init (&self->order);
}

/* ---- public API ---- */

JdServiceHttpListener *
jd_service_http_listener_new (SoupServer                *server,
                              GTlsCertificate           *certificate,
                              const JdServiceHttpLimits *limits)
{
  JdServiceHttpListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  self = g_object_new (JD_TYPE_SERVICE_HTTP_LISTENER, NULL);
  self->server = g_object_ref (server);
  self->certificate = g_object_ref (certificate);
  self->limits = *limits;
  self->limits.max_connections = MAX (self->limits.max_connections, 1);
  self->request_started_id = g_signal_connect (server, "request-started",
                                               G_CALLBACK (request_started_cb), self);
  return self;
}

gboolean
jd_service_http_listener_listen (JdServiceHttpListener  *self,
                                 GInetAddress           *address,
                                 guint16                 port,
                                 GError                **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (JD_IS_SERVICE_HTTP_LISTENER (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);
  g_return_val_if_fail (self->socket == NULL, FALSE);

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  bind_address = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, bind_address, TRUE, error))
    return FALSE;
  g_socket_set_listen_backlog (socket, 128);
  if (!g_socket_listen (socket, error))
    return FALSE;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->context = g_main_context_ref_thread_default ();
  self->socket = g_steal_pointer (&socket);
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_set_static_name (self->accept_source, "[jobdeck] http accept");
  g_source_attach (self->accept_source, self->context);
  return TRUE;
}

guint16
jd_service_http_listener_get_port (JdServiceHttpListener *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_HTTP_LISTENER (self), 0);

  return self->port;
}

guint
jd_service_http_listener_get_n_connections (JdServiceHttpListener *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_HTTP_LISTENER (self), 0);

  return g_hash_table_size (self->conns);
}

void
jd_service_http_listener_close (JdServiceHttpListener *self)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP_LISTENER (self));

  destroy_source (&self->accept_source);
  if (self->socket != NULL)
    {
      g_socket_close (self->socket, NULL);
      g_clear_object (&self->socket);
    }
  self->port = 0;
  /* Connections SoupServer holds are closed by soup_server_disconnect(); the
   * rest here. */
  g_hash_table_remove_all (self->conns);
}
