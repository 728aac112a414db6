/* jd-mqtt-connection.c — libmosquitto driven from the GLib main loop.
 *
 * Each connection attempt gets a fresh `struct mosquitto` (a "session"), so
 * nothing queued for a dead connection is ever re-sent on a new one.
 * mosquitto_connect_bind_async() resolves the host and starts the TCP
 * connect, which can block on DNS, so it runs in a GTask worker thread; the
 * socket is non-blocking from then on and the TLS handshake continues inside
 * mosquitto_loop_read() from a socket GSource in the main context, with a
 * one-second timer for mosquitto_loop_misc() (keepalive).
 *
 * libmosquitto's callbacks only record what happened; the events are handled
 * after the loop call returns, because a handler may tear the session down
 * and libmosquitto must not be destroyed from inside its own callbacks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-mqtt"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "jd-jobs-error.h"
#include "jd-mqtt-connection.h"

#define DEFAULT_KEEPALIVE        60
#define DEFAULT_CONNECT_TIMEOUT  30000
#define DEFAULT_BACKOFF_MIN      1000
#define DEFAULT_BACKOFF_MAX      60000
#define DEFAULT_STABLE           30000
#define MAX_FILTERS_PER_SUBSCRIBE 8    /* AWS IoT's limit */

typedef struct _Session Session;

typedef enum {
  OP_PUBLISH,
  OP_SUBSCRIBE,
  OP_CONNECT,
} OpKind;

/* A pending async call. Ref-counted (g_rc_box): held by its table and by a
 * pending cancellation idle. */
typedef struct {
  JdMqttConnection *self;
  OpKind            kind;
  GTask            *task;
  GCancellable     *cancellable;
  gulong            cancel_id;
  int               mid;
  char            **filters;  /* OP_SUBSCRIBE */
  gboolean          done;
} Op;

typedef enum {
  EVENT_CONNACK,
  EVENT_PUBACK,
  EVENT_SUBACK,
  EVENT_MESSAGE,
  EVENT_DISCONNECT,
} EventKind;

typedef struct {
  EventKind  kind;
  int        rc;
  int        mid;
  GArray    *granted;
  char      *topic;
  GBytes    *payload;
} Event;

/* One SUBSCRIBE in flight. */
typedef struct {
  GPtrArray *filters;
  gboolean   round;   /* part of the (re)connect subscription round */
} SubRequest;

struct _Session
{
  JdMqttConnection *self;       /* NULL once abandoned */
  struct mosquitto *mosq;
  char             *passphrase;
  gboolean          in_worker;
  gboolean          got_connack;
  gboolean          tcp_connected; /* seen with a peer: the TCP connect completed */
  int               connect_rc;
  int               connect_errno;
  char             *tls_error;  /* first OpenSSL error libmosquitto logged */
  GQueue            events;
  GSource          *io_source;
  guint             misc_id;
};

typedef struct {
  GSource      source;
  gpointer     tag;
  GIOCondition events;   /* what the fd is watched for now */
  Session     *session;
} MosqSource;

struct _JdMqttConnection
{
  GObject      parent_instance;

  char        *host;
  guint16      port;
  char        *client_id;
  char        *ca_path;
  char        *cert_path;
  char        *key_path;
  char        *key_passphrase;
  guint        keepalive;
  gboolean     clean_session;
  gboolean     no_local;         /* MQTT 5, subscriptions with No Local */
  guint        connect_timeout;
  guint        backoff_min;
  guint        backoff_max;
  guint        stable;

  JdMqttState  state;
  GError      *last_error;
  gboolean     wanted;
  Session     *session;
  guint        connect_timeout_id;
  guint        reconnect_id;
  guint        reconnect_delay;  /* ms of the scheduled attempt, 0 if none */
  guint        flush_id;
  guint        attempt;
  gint64       connected_since;

  GPtrArray   *filters;        /* remembered subscriptions */
  int          filters_qos;
  GHashTable  *pubs;           /* mid → Op */
  GHashTable  *subs;           /* mid → SubRequest */
  GHashTable  *sub_ops;        /* mid → Op, direct subscribes while connected */
  GPtrArray   *sub_waiters;    /* Op, waiting for the next subscription round */
  GPtrArray   *connect_waiters;/* Op */
  guint        round_outstanding;
};

G_DEFINE_FINAL_TYPE (JdMqttConnection, jd_mqtt_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_CLIENT_ID,
  PROP_STATE,
  PROP_LAST_ERROR,
  PROP_RECONNECT_DELAY,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_attempt (JdMqttConnection *self);
static void session_lost  (JdMqttConnection *self,
                           GError           *error);

G_DEFINE_ENUM_TYPE (JdMqttState, jd_mqtt_state,
  G_DEFINE_ENUM_VALUE (JD_MQTT_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (JD_MQTT_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (JD_MQTT_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (JD_MQTT_STATE_RECONNECTING, "reconnecting"))

/* ---- ops ---- */

static void
op_clear (Op *op)
{
  g_clear_object (&op->task);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->filters, g_strfreev);
}

static void
op_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) op_clear);
}

/* Completes the op once; @error (taken) NULL means success. */
static void
op_finish (Op     *op,
           GError *error)
{
  if (op->done)
    {
      g_clear_error (&error);
      return;
    }

  op->done = TRUE;
  if (op->cancel_id != 0)
    g_cancellable_disconnect (op->cancellable, op->cancel_id);
  op->cancel_id = 0;

  if (error != NULL)
    g_task_return_error (op->task, error);
  else
    g_task_return_boolean (op->task, TRUE);
}

static gboolean
op_cancelled_idle (gpointer data)
{
  Op *op = data;
  JdMqttConnection *self = op->self;

  if (!op->done)
    {
      GError *error = NULL;

      /* Forget it; a late ack finds nothing. */
      if (op->kind == OP_PUBLISH)
        g_hash_table_remove (self->pubs, GINT_TO_POINTER (op->mid));
      else if (op->kind == OP_SUBSCRIBE && op->mid != 0)
        g_hash_table_remove (self->sub_ops, GINT_TO_POINTER (op->mid));
      else if (op->kind == OP_SUBSCRIBE)
        g_ptr_array_remove (self->sub_waiters, op);
      else
        g_ptr_array_remove (self->connect_waiters, op);

      g_cancellable_set_error_if_cancelled (op->cancellable, &error);
      op_finish (op, error);
    }

  return G_SOURCE_REMOVE;
}

static void
op_cancelled_cb (GCancellable *cancellable,
                 gpointer      data)
{
  Op *op = data;
  GSource *source = g_idle_source_new ();

  /* Never complete from inside the cancelled handler (the cancellable's
   * lock is held); finish from an idle in the task's context. */
  g_source_set_callback (source, op_cancelled_idle, g_rc_box_acquire (op), op_unref);
  g_source_set_static_name (source, "[jd-mqtt] cancel");
  g_source_attach (source, g_task_get_context (op->task));
  g_source_unref (source);
}

static Op *
op_new (JdMqttConnection    *self,
        OpKind               kind,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        gpointer             source_tag)
{
  Op *op = g_rc_box_new0 (Op);

  op->self = self;
  op->kind = kind;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, source_tag);
  if (cancellable != NULL)
    {
      op->cancellable = g_object_ref (cancellable);
      op->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (op_cancelled_cb), op, NULL);
    }

  return op;
}

/* Fails every op in @ops (an array of Op, unref'd) with a copy of @error. */
static void
fail_ops (GPtrArray    *ops,
          const GError *error)
{
  for (guint i = 0; i < ops->len; i++)
    op_finish (g_ptr_array_index (ops, i), g_error_copy (error));
}

static GPtrArray *
steal_table_ops (GHashTable *table)
{
  GPtrArray *ops = g_ptr_array_new_with_free_func (op_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (ops, g_rc_box_acquire (value));
      g_hash_table_iter_remove (&iter);
    }

  return ops;
}

/* ---- errors in words a person understands ---- */

static GError *
error_from_errno (JdMqttConnection *self,
                  int               errsv)
{
  switch (errsv)
    {
    case ECONNREFUSED:
      return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                          "the broker refused the connection (nothing is listening on %s port %u)",
                          self->host, self->port);
    case EHOSTUNREACH:
    case EHOSTDOWN:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "no route to host");
    case ENETUNREACH:
    case ENETDOWN:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the network is unreachable");
    case ETIMEDOUT:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the connection timed out");
    case ECONNRESET:
    case EPIPE:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker closed the connection");
    default:
      return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                          "the connection failed: %s", g_strerror (errsv));
    }
}

static GError *
error_from_tls (const char *tls_error)
{
  static const struct {
    const char *needle;
    int         code;
    const char *message;
  } table[] = {
    { "certificate verify failed", JD_JOBS_ERROR_TLS_FAILED,
      "the broker's certificate is not signed by the configured CA" },
    { "alert unknown ca", JD_JOBS_ERROR_NOT_AUTHORIZED,
      "the broker refused the client certificate" },
    { "alert bad certificate", JD_JOBS_ERROR_NOT_AUTHORIZED,
      "the broker refused the client certificate" },
    { "certificate required", JD_JOBS_ERROR_NOT_AUTHORIZED,
      "the broker refused the client certificate" },
    { "alert certificate unknown", JD_JOBS_ERROR_NOT_AUTHORIZED,
      "the broker refused the client certificate" },
    { "alert decrypt error", JD_JOBS_ERROR_NOT_AUTHORIZED,
      "the broker refused the client certificate" },
    { "Unable to load client key", JD_JOBS_ERROR_TLS_FAILED,
      "the private key cannot be read (is the passphrase right?)" },
    { "inconsistent", JD_JOBS_ERROR_TLS_FAILED,
      "the private key does not belong to the client certificate" },
    { "Unable to load client certificate", JD_JOBS_ERROR_TLS_FAILED,
      "the client certificate cannot be read" },
    { "Unable to load CA", JD_JOBS_ERROR_TLS_FAILED,
      "the CA certificate cannot be read" },
    { "no application protocol", JD_JOBS_ERROR_TLS_FAILED,
      "the broker does not accept the ALPN protocol" },
    { "wrong version number", JD_JOBS_ERROR_TLS_FAILED,
      "the server at this port does not speak TLS" },
    { "unexpected eof", JD_JOBS_ERROR_CONNECTION_FAILED,
      "the broker closed the connection" },
  };

  if (tls_error != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (table); i++)
      if (strstr (tls_error, table[i].needle) != NULL)
        return g_error_new_literal (JD_JOBS_ERROR, table[i].code, table[i].message);

  return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED,
                      "the TLS handshake failed%s%s",
                      tls_error ? ": " : "", tls_error ? tls_error : "");
}

static GError *
error_from_connack (int rc)
{
  switch (rc)
    {
    case 1:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker does not speak MQTT 3.1.1");
    case 2:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                  "the broker rejected the client id");
    case 3:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker is unavailable");
    case 4:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                  "the broker rejected the user name or password");
    case 5:
    case 7:  /* AWS IoT answers an unauthorized CONNECT with 7 */
    case 135:  /* MQTT 5: Not authorized */
    case 138:  /* MQTT 5: Banned */
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                  "the broker refused the connection: not authorized");
    /* MQTT 5 reason codes (see jd_mqtt_connection_set_no_local()) */
    case 132:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker does not speak MQTT 5");
    case 133:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                  "the broker rejected the client id");
    case 134:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                  "the broker rejected the user name or password");
    case 136:
    case 137:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker is unavailable");
    default:
      return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                          "the broker refused the connection (code %d)", rc);
    }
}

static GError *
error_from_mosq (JdMqttConnection *self,
                 Session          *session,
                 int               rc,
                 int               errsv)
{
  /* A refused TCP connect says it all, even when TLS then reports the
   * dead socket in its own words. */
  if (session != NULL && !session->got_connack && errsv == ECONNREFUSED)
    return error_from_errno (self, errsv);

  /* Over TLS the handshake reads the refused socket first: OpenSSL's read
   * consumes the socket's ECONNREFUSED and what is left looks like a reset
   * or an unexpected EOF ("the broker closed the connection"). A socket
   * that never had a peer was refused: nothing is listening. */
  if (session != NULL && !session->got_connack && !session->tcp_connected && session->io_source != NULL &&
      (rc == MOSQ_ERR_ERRNO || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_NO_CONN) &&
      (errsv == 0 || errsv == ECONNRESET || errsv == EPIPE))
    return error_from_errno (self, ECONNREFUSED);

  /* An OpenSSL error explains a lost connection better than its rc does
   * (a refused client certificate arrives as an alert after the handshake). */
  if (session != NULL && session->tls_error != NULL)
    return error_from_tls (session->tls_error);

  /* With TLS 1.3 the broker checks our certificate after our side of the
   * handshake is done; its refusal can surface as a bare EPROTO (OpenSSL
   * leaves no error behind) before the CONNACK. */
  if (session != NULL && !session->got_connack && errsv == EPROTO && self->cert_path != NULL)
    return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NOT_AUTHORIZED,
                                "the broker refused the client certificate");

  switch (rc)
    {
    case MOSQ_ERR_ERRNO:
      return error_from_errno (self, errsv);
    case MOSQ_ERR_EAI:
    case MOSQ_ERR_LOOKUP:
      return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                          "the host name “%s” could not be resolved", self->host);
    case MOSQ_ERR_TLS:
      return error_from_tls (NULL);
    case MOSQ_ERR_KEEPALIVE:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker stopped answering (keepalive timeout)");
    case MOSQ_ERR_CONN_REFUSED:
      return error_from_connack (5);
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_MALFORMED_PACKET:
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the broker sent something that is not MQTT");
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_CONN_LOST:
    default:
      if (errsv == ECONNRESET || errsv == EPIPE || errsv == ECONNREFUSED)
        return error_from_errno (self, errsv);
      return g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                  "the connection to the broker was lost");
    }
}

/* ---- state ---- */

static void
set_state (JdMqttConnection *self,
           JdMqttState       state)
{
  if (self->state == state)
    return;

  g_debug ("%s: state %d -> %d", self->client_id, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_reconnect_delay (JdMqttConnection *self,
                     guint             delay)
{
  if (self->reconnect_delay == delay)
    return;
  self->reconnect_delay = delay;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_DELAY]);
}

static void
set_last_error (JdMqttConnection *self,
                const GError     *error)
{
  if (self->last_error == NULL && error == NULL)
    return;
  if (self->last_error != NULL && error != NULL &&
      self->last_error->code == error->code &&
      g_strcmp0 (self->last_error->message, error->message) == 0)
    return;

  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* ---- libmosquitto callbacks: record only ---- */

static void
push_event (Session *session,
            Event   *event)
{
  g_queue_push_tail (&session->events, event);
}

static void
event_free (Event *event)
{
  g_clear_pointer (&event->granted, g_array_unref);
  g_clear_pointer (&event->topic, g_free);
  g_clear_pointer (&event->payload, g_bytes_unref);
  g_free (event);
}

static void
on_connect (struct mosquitto *mosq,
            void             *data,
            int               rc)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_CONNACK;
  event->rc = rc;
  push_event (data, event);
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *data,
               int               rc)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_DISCONNECT;
  event->rc = rc;
  event->mid = errno;
  push_event (data, event);
}

static void
on_publish (struct mosquitto *mosq,
            void             *data,
            int               mid)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_PUBACK;
  event->mid = mid;
  push_event (data, event);
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *data,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_SUBACK;
  event->mid = mid;
  event->granted = g_array_sized_new (FALSE, FALSE, sizeof (int), qos_count);
  g_array_append_vals (event->granted, granted_qos, qos_count);
  push_event (data, event);
}

static void
on_message (struct mosquitto                *mosq,
            void                            *data,
            const struct mosquitto_message  *message)
{
  Event *event = g_new0 (Event, 1);

  event->kind = EVENT_MESSAGE;
  event->topic = g_strdup (message->topic);
  event->payload = g_bytes_new (message->payload, message->payloadlen);
  push_event (data, event);
}

static void
on_log (struct mosquitto *mosq,
        void             *data,
        int               level,
        const char       *text)
{
  Session *session = data;

  /* Keep the first TLS/key problem: it names the cause; later lines repeat. */
  if (level == MOSQ_LOG_ERR && session->tls_error == NULL &&
      (strstr (text, "OpenSSL") != NULL || strstr (text, "Unable to") != NULL ||
       strstr (text, "inconsistent") != NULL))
    session->tls_error = g_strdup (text);
}

static int
on_key_passphrase (char *buf,
                   int   size,
                   int   rwflag,
                   void *userdata)
{
  Session *session = mosquitto_userdata (userdata);
  gsize len;

  /* Always answer, so OpenSSL never prompts on a terminal. */
  if (session == NULL || session->passphrase == NULL || size <= 0)
    return 0;

  len = g_strlcpy (buf, session->passphrase, size);
  return (int) MIN (len, (gsize) size - 1);
}

/* ---- session ---- */

static void
session_free (Session *session)
{
  if (session->io_source != NULL)
    {
      g_source_destroy (session->io_source);
      g_clear_pointer (&session->io_source, g_source_unref);
    }
  g_clear_handle_id (&session->misc_id, g_source_remove);
  if (session->mosq != NULL)
    mosquitto_destroy (session->mosq);
  g_queue_clear_full (&session->events, (GDestroyNotify) event_free);
  if (session->passphrase != NULL)
    memset (session->passphrase, 0, strlen (session->passphrase));
  g_free (session->passphrase);
  g_free (session->tls_error);
  g_free (session);
}

/* Drops the current session; frees it unless the worker still uses it. */
static void
session_abandon (JdMqttConnection *self)
{
  Session *session = g_steal_pointer (&self->session);

  if (session == NULL)
    return;

  session->self = NULL;
  if (session->io_source != NULL)
    {
      g_source_destroy (session->io_source);
      g_clear_pointer (&session->io_source, g_source_unref);
    }
  g_clear_handle_id (&session->misc_id, g_source_remove);

  if (!session->in_worker)
    session_free (session);
}

static void process_events (JdMqttConnection *self,
                            Session          *session);

static gboolean
mosq_source_prepare (GSource *source,
                     int     *timeout)
{
  MosqSource *ms = (MosqSource *) source;
  GIOCondition events = G_IO_IN | G_IO_HUP | G_IO_ERR;

  if (mosquitto_want_write (ms->session->mosq))
    events |= G_IO_OUT;
  /* Modifying the fd wakes the loop: do it only when the events change,
   * or the loop would spin on every pass. */
  if (events != ms->events)
    {
      g_source_modify_unix_fd (source, ms->tag, events);
      ms->events = events;
    }

  *timeout = -1;
  return FALSE;
}

static gboolean
mosq_source_check (GSource *source)
{
  MosqSource *ms = (MosqSource *) source;

  return g_source_query_unix_fd (source, ms->tag) != 0;
}

static gboolean
mosq_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  MosqSource *ms = (MosqSource *) source;
  Session *session = ms->session;
  GIOCondition cond = g_source_query_unix_fd (source, ms->tag);
  int rc = MOSQ_ERR_SUCCESS;
  int errsv = 0;

  /* Whether the TCP connect completed, before anything reads the socket
   * (a reset socket has no peer any more either). */
  if (!session->got_connack && !session->tcp_connected)
    {
      struct sockaddr_storage peer;
      socklen_t peer_len = sizeof peer;

      if (getpeername (mosquitto_socket (session->mosq), (struct sockaddr *) &peer, &peer_len) == 0)
        session->tcp_connected = TRUE;
    }

  /* Before the CONNACK, an error on the socket is a refused or failed
   * connect: say that, rather than what reading the dead socket would. */
  if ((cond & (G_IO_ERR | G_IO_HUP)) && !session->got_connack)
    {
      int so_error = 0;
      socklen_t len = sizeof so_error;

      /* Only a refused connect: a reset after the handshake started carries
       * the broker's TLS alert, which loop_read reads. */
      if (getsockopt (mosquitto_socket (session->mosq), SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 &&
          so_error == ECONNREFUSED)
        {
          g_clear_pointer (&session->tls_error, g_free);
          rc = MOSQ_ERR_ERRNO;
          errsv = so_error;
        }
    }

  /* The TLS handshake (before CONNACK) advances in loop_read, whether it
   * waits for reading or for writing. */
  if (rc == MOSQ_ERR_SUCCESS &&
      (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR) || ((cond & G_IO_OUT) && !session->got_connack)))
    {
      rc = mosquitto_loop_read (session->mosq, 1);
      errsv = errno;
    }
  if (rc == MOSQ_ERR_SUCCESS && (cond & G_IO_OUT))
    {
      rc = mosquitto_loop_write (session->mosq, 1);
      errsv = errno;
    }

  /* A refused non-blocking connect shows only as an error on the socket;
   * libmosquitto would not notice while its handshake is pending. */
  if (rc == MOSQ_ERR_SUCCESS && (cond & (G_IO_ERR | G_IO_HUP)))
    {
      int so_error = 0;
      socklen_t len = sizeof so_error;

      if (getsockopt (mosquitto_socket (session->mosq), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 ||
          so_error == 0)
        so_error = ECONNRESET;
      else
        g_clear_pointer (&session->tls_error, g_free);  /* the socket's reason is the real one */
      rc = MOSQ_ERR_ERRNO;
      errsv = so_error;
    }

  if (rc != MOSQ_ERR_SUCCESS)
    {
      Event *event = g_new0 (Event, 1);

      event->kind = EVENT_DISCONNECT;
      event->rc = rc;
      event->mid = errsv;
      push_event (session, event);
    }

  process_events (session->self, session);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mosq_source_funcs = {
  mosq_source_prepare,
  mosq_source_check,
  mosq_source_dispatch,
  NULL, NULL, NULL,
};

static gboolean
misc_cb (gpointer data)
{
  Session *session = data;
  int rc = mosquitto_loop_misc (session->mosq);

  if (rc != MOSQ_ERR_SUCCESS)
    {
      Event *event = g_new0 (Event, 1);

      event->kind = EVENT_DISCONNECT;
      event->rc = rc;
      push_event (session, event);
    }

  process_events (session->self, session);
  return G_SOURCE_CONTINUE;
}

/* ---- subscriptions ---- */

static gboolean
filters_contains (GPtrArray  *filters,
                  const char *filter)
{
  for (guint i = 0; i < filters->len; i++)
    if (strcmp (g_ptr_array_index (filters, i), filter) == 0)
      return TRUE;
  return FALSE;
}

static void
sub_request_free (SubRequest *request)
{
  g_ptr_array_unref (request->filters);
  g_free (request);
}

/* Sends one SUBSCRIBE; returns its mid, or 0 on error. */
static int
send_subscribe (JdMqttConnection *self,
                GPtrArray        *filters,
                gboolean          round,
                GError          **error)
{
  SubRequest *request;
  int mid = 0;
  int rc;

  rc = mosquitto_subscribe_multiple (self->session->mosq, &mid, filters->len,
                                     (char *const *) filters->pdata, self->filters_qos,
                                     self->no_local ? MQTT_SUB_OPT_NO_LOCAL : 0, NULL);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8)
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                     "“%s” is not a valid subscription", (char *) g_ptr_array_index (filters, 0));
      else
        g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED,
                             "not connected to the broker");
      return 0;
    }

  request = g_new0 (SubRequest, 1);
  request->filters = g_ptr_array_ref (filters);
  request->round = round;
  g_hash_table_insert (self->subs, GINT_TO_POINTER (mid), request);
  return mid;
}

static void
forget_filter (JdMqttConnection *self,
               const char       *filter)
{
  for (guint i = 0; i < self->filters->len; i++)
    if (strcmp (g_ptr_array_index (self->filters, i), filter) == 0)
      {
        g_ptr_array_remove_index (self->filters, i);
        return;
      }
}

static gboolean
op_wants_filter (Op         *op,
                 const char *filter)
{
  return op->filters != NULL && g_strv_contains ((const char *const *) op->filters, filter);
}

static void
set_connected (JdMqttConnection *self)
{
  g_autoptr(GPtrArray) waiters = NULL;

  self->connected_since = g_get_monotonic_time ();
  set_last_error (self, NULL);

  waiters = g_steal_pointer (&self->connect_waiters);
  self->connect_waiters = g_ptr_array_new_with_free_func (op_unref);

  set_state (self, JD_MQTT_STATE_CONNECTED);

  for (guint i = 0; i < waiters->len; i++)
    op_finish (g_ptr_array_index (waiters, i), NULL);
}

static void
start_subscription_round (JdMqttConnection *self)
{
  g_autoptr(GError) error = NULL;

  self->round_outstanding = 0;

  for (guint i = 0; i < self->filters->len; i += MAX_FILTERS_PER_SUBSCRIBE)
    {
      g_autoptr(GPtrArray) chunk = g_ptr_array_new_with_free_func (g_free);

      for (guint j = i; j < MIN (self->filters->len, i + MAX_FILTERS_PER_SUBSCRIBE); j++)
        g_ptr_array_add (chunk, g_strdup (g_ptr_array_index (self->filters, j)));

      if (send_subscribe (self, chunk, TRUE, &error) == 0)
        {
          session_lost (self, g_steal_pointer (&error));
          return;
        }
      self->round_outstanding++;
    }

  if (self->round_outstanding == 0)
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->sub_waiters);

      self->sub_waiters = g_ptr_array_new_with_free_func (op_unref);
      set_connected (self);
      for (guint i = 0; i < waiters->len; i++)
        op_finish (g_ptr_array_index (waiters, i), NULL);
    }
}

static void
handle_suback (JdMqttConnection *self,
               Event            *event)
{
  SubRequest *request = g_hash_table_lookup (self->subs, GINT_TO_POINTER (event->mid));
  g_autoptr(GPtrArray) refused = g_ptr_array_new ();
  Op *op;

  if (request == NULL)
    return;

  for (guint i = 0; i < request->filters->len; i++)
    {
      int granted = i < event->granted->len ? g_array_index (event->granted, int, i) : 0x80;

      if (granted < 0 || granted > 2)
        {
          g_ptr_array_add (refused, g_ptr_array_index (request->filters, i));
          g_warning ("%s: the broker refused the subscription to %s",
                     self->client_id, (char *) g_ptr_array_index (request->filters, i));
        }
    }

  /* A direct subscribe while connected. */
  op = g_hash_table_lookup (self->sub_ops, GINT_TO_POINTER (event->mid));
  if (op != NULL)
    {
      Op *held = g_rc_box_acquire (op);

      g_hash_table_remove (self->sub_ops, GINT_TO_POINTER (event->mid));
      if (refused->len > 0)
        {
          for (guint i = 0; held->filters[i] != NULL; i++)
            forget_filter (self, held->filters[i]);
          op_finish (held, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_SUBSCRIPTION_REFUSED,
                                        "the broker refused the subscription to %s",
                                        (char *) g_ptr_array_index (refused, 0)));
        }
      else
        op_finish (held, NULL);
      op_unref (held);
    }

  /* Waiters for the round that wanted a refused filter fail now. */
  for (guint i = 0; i < refused->len; i++)
    {
      const char *filter = g_ptr_array_index (refused, i);

      for (guint j = 0; j < self->sub_waiters->len;)
        {
          Op *waiter = g_ptr_array_index (self->sub_waiters, j);

          if (op_wants_filter (waiter, filter))
            {
              Op *held = g_rc_box_acquire (waiter);

              g_ptr_array_remove_index (self->sub_waiters, j);
              for (guint k = 0; held->filters[k] != NULL; k++)
                forget_filter (self, held->filters[k]);
              op_finish (held, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_SUBSCRIPTION_REFUSED,
                                            "the broker refused the subscription to %s", filter));
              op_unref (held);
            }
          else
            j++;
        }
      forget_filter (self, filter);
    }

  if (request->round)
    {
      g_hash_table_remove (self->subs, GINT_TO_POINTER (event->mid));
      if (self->round_outstanding > 0 && --self->round_outstanding == 0)
        {
          g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->sub_waiters);

          self->sub_waiters = g_ptr_array_new_with_free_func (op_unref);
          set_connected (self);
          for (guint i = 0; i < waiters->len; i++)
            op_finish (g_ptr_array_index (waiters, i), NULL);
        }
    }
  else
    g_hash_table_remove (self->subs, GINT_TO_POINTER (event->mid));
}

/* ---- events ---- */

static void
handle_connack (JdMqttConnection *self,
                Event            *event)
{
  if (event->rc != 0)
    {
      session_lost (self, error_from_connack (event->rc));
      return;
    }

  self->session->got_connack = TRUE;
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  start_subscription_round (self);
}

static void
handle_puback (JdMqttConnection *self,
               Event            *event)
{
  Op *op = g_hash_table_lookup (self->pubs, GINT_TO_POINTER (event->mid));

  if (op == NULL)
    return;

  op = g_rc_box_acquire (op);
  g_hash_table_remove (self->pubs, GINT_TO_POINTER (event->mid));
  op_finish (op, NULL);
  op_unref (op);
}

static void
process_events (JdMqttConnection *self,
                Session          *session)
{
  Event *event;

  /* Keep the object alive if a handler drops the last reference. */
  if (self != NULL)
    g_object_ref (self);

  while (self != NULL && self->session == session &&
         (event = g_queue_pop_head (&session->events)) != NULL)
    {
      switch (event->kind)
        {
        case EVENT_CONNACK:
          handle_connack (self, event);
          break;
        case EVENT_PUBACK:
          handle_puback (self, event);
          break;
        case EVENT_SUBACK:
          handle_suback (self, event);
          break;
        case EVENT_MESSAGE:
          g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, event->topic, event->payload);
          break;
        case EVENT_DISCONNECT:
          session_lost (self, error_from_mosq (self, session, event->rc, event->mid));
          break;
        default:
          g_assert_not_reached ();
        }
      event_free (event);
    }

  if (self != NULL)
    g_object_unref (self);
}

/* libmosquitto may call back synchronously from a publish or subscribe
 * made outside its loop (QoS 0 is "published" once written): handle those
 * events from an idle, not at the next socket wakeup. */
static gboolean
flush_cb (gpointer data)
{
  JdMqttConnection *self = data;

  self->flush_id = 0;
  if (self->session != NULL && !self->session->in_worker)
    process_events (self, self->session);
  return G_SOURCE_REMOVE;
}

static void
queue_flush (JdMqttConnection *self)
{
  if (self->flush_id == 0 && self->session != NULL &&
      !g_queue_is_empty (&self->session->events))
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb,
                                      g_object_ref (self), g_object_unref);
}

/* ---- connecting ---- */

static gboolean
reconnect_cb (gpointer data)
{
  JdMqttConnection *self = data;

  self->reconnect_id = 0;
  set_reconnect_delay (self, 0);
  start_attempt (self);
  return G_SOURCE_REMOVE;
}

static guint
next_backoff (JdMqttConnection *self)
{
  guint64 delay = self->backoff_min;

  for (guint i = 0; i < self->attempt && delay < self->backoff_max; i++)
    delay *= 2;
  delay = MIN (delay, self->backoff_max);

  /* Jitter: a random point in the upper half, so many clients spread out. */
  return (guint) g_random_int_range ((gint32) (delay / 2), (gint32) delay + 1);
}

/* The session failed or dropped; @error (taken) says why. */
static void
session_lost (JdMqttConnection *self,
              GError           *error)
{
  g_autoptr(GPtrArray) pubs = NULL;
  g_autoptr(GPtrArray) sub_ops = NULL;
  g_autoptr(GPtrArray) connect_waiters = NULL;
  g_autoptr(GError) disconnected = NULL;
  gboolean was_connected = self->state == JD_MQTT_STATE_CONNECTED;

  g_debug ("%s: session lost: %s", self->client_id, error->message);

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  session_abandon (self);
  g_hash_table_remove_all (self->subs);
  self->round_outstanding = 0;

  if (was_connected && self->stable > 0 &&
      g_get_monotonic_time () - self->connected_since >= (gint64) self->stable * 1000)
    self->attempt = 0;

  set_last_error (self, error);

  disconnected = g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED,
                              "disconnected from the broker: %s", error->message);
  pubs = steal_table_ops (self->pubs);
  sub_ops = steal_table_ops (self->sub_ops);
  connect_waiters = g_steal_pointer (&self->connect_waiters);
  self->connect_waiters = g_ptr_array_new_with_free_func (op_unref);

  if (self->wanted)
    {
      guint delay = next_backoff (self);

      self->attempt++;
      g_debug ("%s: reconnecting in %u ms", self->client_id, delay);
      self->reconnect_id = g_timeout_add (delay, reconnect_cb, self);
      /* A handler of either notification may call disconnect(). */
      set_reconnect_delay (self, delay);
      if (self->reconnect_id != 0)
        set_state (self, JD_MQTT_STATE_RECONNECTING);
    }
  else
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->sub_waiters);

      self->sub_waiters = g_ptr_array_new_with_free_func (op_unref);
      set_state (self, JD_MQTT_STATE_DISCONNECTED);
      fail_ops (waiters, disconnected);
    }

  fail_ops (pubs, disconnected);
  fail_ops (sub_ops, disconnected);
  /* A first connect fails with the reason itself. */
  fail_ops (connect_waiters, error);

  g_error_free (error);
}

static gboolean
connect_timeout_cb (gpointer data)
{
  JdMqttConnection *self = data;

  self->connect_timeout_id = 0;
  session_lost (self, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_CONNECTION_FAILED,
                                   "the broker did not answer within %u seconds",
                                   (self->connect_timeout + 999) / 1000));
  return G_SOURCE_REMOVE;
}

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Session *session = task_data;
  const char *host = g_object_get_data (G_OBJECT (task), "host");
  int port = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "port"));
  int keepalive = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "keepalive"));

  errno = 0;
  session->connect_rc = mosquitto_connect_bind_async (session->mosq, host, port, keepalive, NULL);
  session->connect_errno = errno;
  g_task_return_boolean (task, TRUE);
}

static void
connect_thread_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      data)
{
  Session *session = data;
  JdMqttConnection *self = session->self;
  MosqSource *source;

  session->in_worker = FALSE;

  if (self == NULL)
    {
      session_free (session);
      return;
    }

  if (session->connect_rc != MOSQ_ERR_SUCCESS)
    {
      session_lost (self, error_from_mosq (self, session, session->connect_rc,
                                           session->connect_errno));
      return;
    }

  source = (MosqSource *) g_source_new (&mosq_source_funcs, sizeof (MosqSource));
  source->session = session;
  source->events = G_IO_IN | G_IO_HUP | G_IO_ERR;
  source->tag = g_source_add_unix_fd ((GSource *) source, mosquitto_socket (session->mosq),
                                      source->events);
  g_source_set_static_name ((GSource *) source, "[jd-mqtt] socket");
  g_source_attach ((GSource *) source, NULL);
  session->io_source = (GSource *) source;
  session->misc_id = g_timeout_add (1000, misc_cb, session);
}

static GError *
session_setup (JdMqttConnection *self,
               Session          *session)
{
  int rc;

  mosquitto_int_option (session->mosq, MOSQ_OPT_PROTOCOL_VERSION,
                        self->no_local ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  /* Requests and replies are small packets sent back to back: with Nagle's
   * algorithm each one after the first waits for the peer's delayed ACK
   * (about 40 ms), which capped the service at a few hundred replies per
   * second (bench/bench-roundtrip). The sandbox broker sets it on its side. */
  mosquitto_int_option (session->mosq, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set (session->mosq, on_connect);
  mosquitto_disconnect_callback_set (session->mosq, on_disconnect);
  mosquitto_publish_callback_set (session->mosq, on_publish);
  mosquitto_subscribe_callback_set (session->mosq, on_subscribe);
  mosquitto_message_callback_set (session->mosq, on_message);
  mosquitto_log_callback_set (session->mosq, on_log);

  if (self->ca_path != NULL || self->cert_path != NULL)
    {
      const char *missing = NULL;

      if (self->ca_path && !g_file_test (self->ca_path, G_FILE_TEST_IS_REGULAR))
        missing = self->ca_path;
      else if (self->cert_path && !g_file_test (self->cert_path, G_FILE_TEST_IS_REGULAR))
        missing = self->cert_path;
      else if (self->key_path && !g_file_test (self->key_path, G_FILE_TEST_IS_REGULAR))
        missing = self->key_path;
      if (missing != NULL)
        return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED,
                            "the file “%s” does not exist", missing);

      /* No CA file (a real AWS profile may leave it empty): trust the
       * system's store, which has Amazon's roots. */
      if (self->ca_path == NULL)
        mosquitto_int_option (session->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);

      rc = mosquitto_tls_set (session->mosq, self->ca_path, NULL,
                              self->cert_path, self->key_path, on_key_passphrase);
      if (rc != MOSQ_ERR_SUCCESS)
        return g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_TLS_FAILED,
                            "the certificate files cannot be used: %s", mosquitto_strerror (rc));

      if (self->port == 443)
        mosquitto_string_option (session->mosq, MOSQ_OPT_TLS_ALPN, JD_MQTT_ALPN_AWS_MQTT_CA);
    }

  return NULL;
}

static void
start_attempt (JdMqttConnection *self)
{
  g_autoptr(GTask) task = NULL;
  Session *session;
  GError *error;

  g_assert (self->session == NULL);
  g_debug ("%s: connecting to %s port %u (attempt %u)", self->client_id, self->host, self->port, self->attempt);

  set_state (self, self->attempt == 0 ? JD_MQTT_STATE_CONNECTING : JD_MQTT_STATE_RECONNECTING);

  session = g_new0 (Session, 1);
  session->self = self;
  session->passphrase = g_strdup (self->key_passphrase);
  g_queue_init (&session->events);
  session->mosq = mosquitto_new (self->client_id, self->clean_session, session);
  self->session = session;

  if (session->mosq == NULL)
    {
      session_lost (self, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                                       "the MQTT client cannot be created: %s",
                                       g_strerror (errno)));
      return;
    }

  if ((error = session_setup (self, session)) != NULL)
    {
      session_lost (self, error);
      return;
    }

  self->connect_timeout_id = g_timeout_add (self->connect_timeout, connect_timeout_cb, self);

  session->in_worker = TRUE;
  task = g_task_new (NULL, NULL, connect_thread_done, session);
  g_task_set_source_tag (task, start_attempt);
  g_task_set_task_data (task, session, NULL);
  g_object_set_data_full (G_OBJECT (task), "host", g_strdup (self->host), g_free);
  g_object_set_data (G_OBJECT (task), "port", GINT_TO_POINTER (self->port));
  g_object_set_data (G_OBJECT (task), "keepalive", GINT_TO_POINTER (self->keepalive));
  g_task_run_in_thread (task, connect_thread);
}

/* ---- GObject ---- */

static void
jd_mqtt_connection_dispose (GObject *object)
{
  JdMqttConnection *self = (JdMqttConnection *) object;

  self->wanted = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  session_abandon (self);

  G_OBJECT_CLASS (jd_mqtt_connection_parent_class)->dispose (object);
}

static void
jd_mqtt_connection_finalize (GObject *object)
{
  JdMqttConnection *self = (JdMqttConnection *) object;

  g_free (self->host);
  g_free (self->client_id);
  g_free (self->ca_path);
  g_free (self->cert_path);
  g_free (self->key_path);
  if (self->key_passphrase != NULL)
    memset (self->key_passphrase, 0, strlen (self->key_passphrase));
  g_free (self->key_passphrase);
  g_clear_error (&self->last_error);
  g_ptr_array_unref (self->filters);
  g_hash_table_unref (self->pubs);
  g_hash_table_unref (self->subs);
  g_hash_table_unref (self->sub_ops);
  g_ptr_array_unref (self->sub_waiters);
  g_ptr_array_unref (self->connect_waiters);

  G_OBJECT_CLASS (jd_mqtt_connection_parent_class)->finalize (object);
}

static void
jd_mqtt_connection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  JdMqttConnection *self = JD_MQTT_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, jd_mqtt_connection_get_last_error_message (self));
      break;
    case PROP_RECONNECT_DELAY:
      g_value_set_uint (value, self->reconnect_delay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_mqtt_connection_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  JdMqttConnection *self = JD_MQTT_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST:
      self->host = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = (guint16) g_value_get_uint (value);
      break;
    case PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_mqtt_connection_class_init (JdMqttConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* Once per process; sets up OpenSSL for libmosquitto. */
  mosquitto_lib_init ();

  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = jd_mqtt_connection_dispose;
  object_class->finalize = jd_mqtt_connection_finalize;
  object_class->get_property = jd_mqtt_connection_get_property;
  object_class->set_property = jd_mqtt_connection_set_property;

  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, construct);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, 65535, 8883, construct);
  properties[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, construct);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, JD_TYPE_MQTT_STATE,
                                              JD_MQTT_STATE_DISCONNECTED, ro);
  /**
   * JdMqttConnection:last-error:
   *
   * Why the last attempt failed or the connection dropped, in words a
   * person understands; %NULL once connected.
   */
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  /**
   * JdMqttConnection:reconnect-delay:
   *
   * While reconnecting, the delay in milliseconds chosen before the next
   * attempt (for "retrying in 5 s"); 0 otherwise.
   */
  properties[PROP_RECONNECT_DELAY] = g_param_spec_uint ("reconnect-delay", NULL, NULL,
                                                        0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdMqttConnection::message:
   * @self: the connection
   * @topic: the topic
   * @payload: the payload
   *
   * A PUBLISH arrived.
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_BYTES);
}

static void
jd_mqtt_connection_init (JdMqttConnection *self)
{
  self->keepalive = DEFAULT_KEEPALIVE;
  self->clean_session = TRUE;
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->backoff_min = DEFAULT_BACKOFF_MIN;
  self->backoff_max = DEFAULT_BACKOFF_MAX;
  self->stable = DEFAULT_STABLE;
  self->filters = g_ptr_array_new_with_free_func (g_free);
  self->filters_qos = 1;
  self->pubs = g_hash_table_new_full (NULL, NULL, NULL, op_unref);
  self->subs = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sub_request_free);
  self->sub_ops = g_hash_table_new_full (NULL, NULL, NULL, op_unref);
  self->sub_waiters = g_ptr_array_new_with_free_func (op_unref);
  self->connect_waiters = g_ptr_array_new_with_free_func (op_unref);
}

/* ---- public API ---- */

/**
 * jd_mqtt_connection_new:
 * @host: the broker's host name or address
 * @port: its port (443 adds ALPN `x-amzn-mqtt-ca`)
 * @client_id: the MQTT client id (on AWS, usually the thing name)
 *
 * Returns: (transfer full): a disconnected connection
 */
JdMqttConnection *
jd_mqtt_connection_new (const char *host,
                        guint16     port,
                        const char *client_id)
{
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  return g_object_new (JD_TYPE_MQTT_CONNECTION,
                       "host", host, "port", (guint) port, "client-id", client_id, NULL);
}

/**
 * jd_mqtt_connection_set_tls_files:
 * @self: a connection
 * @ca_path: (nullable): PEM CA file that signs the broker's certificate
 * @cert_path: (nullable): PEM client certificate
 * @key_path: (nullable): PEM private key of the client certificate
 * @key_passphrase: (nullable): passphrase of an encrypted key
 *
 * Mutual TLS settings, used from the next attempt on. With all %NULL the
 * connection is plain TCP (only for local brokers).
 */
void
jd_mqtt_connection_set_tls_files (JdMqttConnection *self,
                                  const char       *ca_path,
                                  const char       *cert_path,
                                  const char       *key_path,
                                  const char       *key_passphrase)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail ((cert_path == NULL) == (key_path == NULL));

  g_free (self->ca_path);
  self->ca_path = g_strdup (ca_path);
  g_free (self->cert_path);
  self->cert_path = g_strdup (cert_path);
  g_free (self->key_path);
  self->key_path = g_strdup (key_path);
  if (self->key_passphrase != NULL)
    memset (self->key_passphrase, 0, strlen (self->key_passphrase));
  g_free (self->key_passphrase);
  self->key_passphrase = g_strdup (key_passphrase);
}

/**
 * jd_mqtt_connection_set_keepalive:
 * @self: a connection
 * @seconds: MQTT keepalive (AWS accepts 30–1200)
 */
void
jd_mqtt_connection_set_keepalive (JdMqttConnection *self,
                                  guint             seconds)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (seconds >= 5 && seconds <= 65535);

  self->keepalive = seconds;
}

/**
 * jd_mqtt_connection_set_clean_session:
 * @self: a connection
 * @clean_session: %FALSE for a persistent session
 */
void
jd_mqtt_connection_set_clean_session (JdMqttConnection *self,
                                      gboolean          clean_session)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));

  self->clean_session = !!clean_session;
}

/**
 * jd_mqtt_connection_set_no_local:
 * @self: a connection
 * @no_local: %TRUE to not receive what this connection publishes
 *
 * With @no_local, the connection speaks MQTT 5 and subscribes with the No
 * Local option, so the broker does not send its own publishes back to it
 * even when one of its filters matches them (the jobs service subscribes
 * to `$aws/things/+/jobs/#` and publishes replies under it). AWS IoT speaks
 * MQTT 5 too, but the device side keeps 3.1.1. Only for clean sessions
 * (MQTT 5 keeps no session past the connection without a session expiry).
 * Takes effect at the next connection attempt.
 */
void
jd_mqtt_connection_set_no_local (JdMqttConnection *self,
                                 gboolean          no_local)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));

  self->no_local = !!no_local;
}

/**
 * jd_mqtt_connection_set_connect_timeout:
 * @self: a connection
 * @msec: how long an attempt may take until CONNACK (default 30 s)
 */
void
jd_mqtt_connection_set_connect_timeout (JdMqttConnection *self,
                                        guint             msec)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (msec > 0);

  self->connect_timeout = msec;
}

/**
 * jd_mqtt_connection_set_backoff:
 * @self: a connection
 * @min_msec: first reconnect delay (default 1 s)
 * @max_msec: longest delay (default 60 s)
 * @stable_msec: a connection up this long resets the backoff (default 30 s)
 *
 * Delays double per failed attempt; each is picked at random in the upper
 * half of the current step (jitter).
 */
void
jd_mqtt_connection_set_backoff (JdMqttConnection *self,
                                guint             min_msec,
                                guint             max_msec,
                                guint             stable_msec)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (min_msec > 0 && min_msec <= max_msec && max_msec <= G_MAXINT32 / 2);

  self->backoff_min = min_msec;
  self->backoff_max = max_msec;
  self->stable = stable_msec;
}

const char *
jd_mqtt_connection_get_host (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), NULL);
  return self->host;
}

guint16
jd_mqtt_connection_get_port (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), 0);
  return self->port;
}

const char *
jd_mqtt_connection_get_client_id (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), NULL);
  return self->client_id;
}

/**
 * jd_mqtt_connection_get_alpn:
 * @self: a connection
 *
 * Returns: (nullable): the ALPN protocol offered in TLS (on port 443 with
 *   TLS: `x-amzn-mqtt-ca`), else %NULL
 */
const char *
jd_mqtt_connection_get_alpn (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), NULL);

  if (self->port == 443 && (self->ca_path != NULL || self->cert_path != NULL))
    return JD_MQTT_ALPN_AWS_MQTT_CA;
  return NULL;
}

JdMqttState
jd_mqtt_connection_get_state (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), JD_MQTT_STATE_DISCONNECTED);
  return self->state;
}

/**
 * jd_mqtt_connection_get_last_error:
 * @self: a connection
 *
 * Returns: (nullable) (transfer none): why the last attempt failed or the
 *   connection dropped; cleared when connected
 */
const GError *
jd_mqtt_connection_get_last_error (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), NULL);
  return self->last_error;
}

/**
 * jd_mqtt_connection_get_reconnect_delay:
 * @self: a connection
 *
 * Returns: the delay (ms) before the scheduled reconnect attempt, or 0
 */
guint
jd_mqtt_connection_get_reconnect_delay (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), 0);
  return self->reconnect_delay;
}

const char *
jd_mqtt_connection_get_last_error_message (JdMqttConnection *self)
{
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), NULL);
  return self->last_error ? self->last_error->message : NULL;
}

/**
 * jd_mqtt_connection_connect:
 * @self: a connection
 *
 * Connects now (if not already) and keeps reconnecting until
 * jd_mqtt_connection_disconnect().
 */
void
jd_mqtt_connection_connect (JdMqttConnection *self)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));

  self->wanted = TRUE;

  if (self->session != NULL)
    return;

  /* Waiting for a backoff: go now. */
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  set_reconnect_delay (self, 0);
  self->attempt = 0;
  start_attempt (self);
}

void
jd_mqtt_connection_connect_async (JdMqttConnection    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Op *op;

  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = op_new (self, OP_CONNECT, cancellable, callback, user_data,
               jd_mqtt_connection_connect_async);

  if (self->state == JD_MQTT_STATE_CONNECTED)
    {
      op_finish (op, NULL);
      op_unref (op);
      return;
    }

  g_ptr_array_add (self->connect_waiters, op);
  jd_mqtt_connection_connect (self);
}

gboolean
jd_mqtt_connection_connect_finish (JdMqttConnection  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * jd_mqtt_connection_disconnect:
 * @self: a connection
 *
 * Sends DISCONNECT if connected, stops reconnecting, and fails pending
 * calls with %JD_JOBS_ERROR_DISCONNECTED.
 */
void
jd_mqtt_connection_disconnect (JdMqttConnection *self)
{
  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));

  self->wanted = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  set_reconnect_delay (self, 0);

  if (self->session != NULL)
    {
      if (self->session->got_connack && !self->session->in_worker)
        mosquitto_disconnect (self->session->mosq);
      session_lost (self, g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED,
                                               "disconnected on request"));
      set_last_error (self, NULL);
    }

  self->attempt = 0;
  set_state (self, JD_MQTT_STATE_DISCONNECTED);
}

/**
 * jd_mqtt_connection_publish_async:
 * @self: a connection
 * @topic: the topic
 * @payload: (nullable): the payload
 * @qos: 0 or 1
 * @cancellable: (nullable): a cancellable
 * @callback: called on PUBACK (QoS 1) or once written (QoS 0)
 * @user_data: data for @callback
 */
void
jd_mqtt_connection_publish_async (JdMqttConnection    *self,
                                  const char          *topic,
                                  GBytes              *payload,
                                  int                  qos,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  const void *data = NULL;
  gsize size = 0;
  Op *op;
  int rc;
  int mid = 0;

  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (topic != NULL);
  g_return_if_fail (qos == 0 || qos == 1);

  op = op_new (self, OP_PUBLISH, cancellable, callback, user_data,
               jd_mqtt_connection_publish_async);

  if (g_cancellable_is_cancelled (cancellable))
    {
      /* The cancel idle completes it. */
      op_unref (op);
      return;
    }

  if (self->state != JD_MQTT_STATE_CONNECTED || self->session == NULL)
    {
      op_finish (op, g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED,
                                          "not connected to the broker"));
      op_unref (op);
      return;
    }

  if (payload != NULL)
    data = g_bytes_get_data (payload, &size);

  rc = mosquitto_publish (self->session->mosq, &mid, topic, (int) size, data, qos, false);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      int code = (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8)
                 ? JD_JOBS_ERROR_INVALID_ARGUMENT : JD_JOBS_ERROR_DISCONNECTED;

      op_finish (op, g_error_new (JD_JOBS_ERROR, code, "cannot publish to “%s”: %s",
                                  topic, mosquitto_strerror (rc)));
      op_unref (op);
      return;
    }

  op->mid = mid;
  /* libmosquitto reports QoS 0 as published once written: same path. */
  g_hash_table_insert (self->pubs, GINT_TO_POINTER (mid), op);
  queue_flush (self);
}

/**
 * jd_mqtt_connection_publish:
 * @self: a connection
 * @topic: the topic
 * @payload: (nullable): the payload
 * @qos: 0 or 1
 * @error: return location for an error
 *
 * Hands a message to the broker connection and forgets it: no completion,
 * no record kept until its ack (a service's replies and notifications: what
 * the connection loses, AWS loses too, and the device asks again).
 *
 * Returns: %FALSE with @error set (JD_JOBS_ERROR_DISCONNECTED, or
 *   JD_JOBS_ERROR_INVALID_ARGUMENT for a topic or payload libmosquitto
 *   refuses) when it could not even be queued
 */
gboolean
jd_mqtt_connection_publish (JdMqttConnection  *self,
                            const char        *topic,
                            GBytes            *payload,
                            int                qos,
                            GError           **error)
{
  const void *data = NULL;
  gsize size = 0;
  int rc;

  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (self), FALSE);
  g_return_val_if_fail (topic != NULL, FALSE);
  g_return_val_if_fail (qos == 0 || qos == 1, FALSE);

  if (self->state != JD_MQTT_STATE_CONNECTED || self->session == NULL)
    {
      g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_DISCONNECTED, "not connected to the broker");
      return FALSE;
    }
  if (payload != NULL)
    data = g_bytes_get_data (payload, &size);
  rc = mosquitto_publish (self->session->mosq, NULL, topic, (int) size, data, qos, false);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      int code = (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8)
                 ? JD_JOBS_ERROR_INVALID_ARGUMENT : JD_JOBS_ERROR_DISCONNECTED;

      g_set_error (error, JD_JOBS_ERROR, code, "cannot publish to “%s”: %s", topic, mosquitto_strerror (rc));
      return FALSE;
    }
  /* Its ack finds no operation (handle_puback). */
  queue_flush (self);
  return TRUE;
}

gboolean
jd_mqtt_connection_publish_finish (JdMqttConnection  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * jd_mqtt_connection_subscribe_async:
 * @self: a connection
 * @filters: (array zero-terminated=1): one to eight topic filters
 * @qos: the QoS asked for (0 or 1)
 * @cancellable: (nullable): a cancellable
 * @callback: called on SUBACK
 * @user_data: data for @callback
 */
void
jd_mqtt_connection_subscribe_async (JdMqttConnection    *self,
                                    const char *const   *filters,
                                    int                  qos,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  Op *op;
  int mid;

  g_return_if_fail (JD_IS_MQTT_CONNECTION (self));
  g_return_if_fail (filters != NULL && filters[0] != NULL);
  g_return_if_fail (g_strv_length ((char **) filters) <= MAX_FILTERS_PER_SUBSCRIBE);
  g_return_if_fail (qos == 0 || qos == 1);

  op = op_new (self, OP_SUBSCRIBE, cancellable, callback, user_data,
               jd_mqtt_connection_subscribe_async);
  op->filters = g_strdupv ((char **) filters);

  if (g_cancellable_is_cancelled (cancellable))
    {
      op_unref (op);
      return;
    }

  self->filters_qos = MAX (self->filters_qos, qos);
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; filters[i] != NULL; i++)
    {
      if (mosquitto_sub_topic_check (filters[i]) != MOSQ_ERR_SUCCESS)
        {
          op_finish (op, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ARGUMENT,
                                      "“%s” is not a valid subscription", filters[i]));
          op_unref (op);
          return;
        }
      g_ptr_array_add (list, g_strdup (filters[i]));
    }

  for (guint i = 0; filters[i] != NULL; i++)
    if (!filters_contains (self->filters, filters[i]))
      g_ptr_array_add (self->filters, g_strdup (filters[i]));

  if (self->state != JD_MQTT_STATE_CONNECTED || self->session == NULL)
    {
      g_ptr_array_add (self->sub_waiters, op);
      return;
    }

  mid = send_subscribe (self, list, FALSE, &error);
  if (mid == 0)
    {
      for (guint i = 0; filters[i] != NULL; i++)
        forget_filter (self, filters[i]);
      op_finish (op, g_steal_pointer (&error));
      op_unref (op);
      return;
    }

  op->mid = mid;
  g_hash_table_insert (self->sub_ops, GINT_TO_POINTER (mid), op);
}

gboolean
jd_mqtt_connection_subscribe_finish (JdMqttConnection  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
