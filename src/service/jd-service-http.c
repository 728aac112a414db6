/* jd-service-http.c — the IoT control-plane REST API on SoupServer: SigV4
 * verification, then jd-control-plane-handlers.c answers; connections come
 * from jd-service-http-listener.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-http"

#include <libsoup/soup.h>
#include <string.h>

#include "jd-control-plane-handlers.h"
#include "jd-service-http.h"
#include "jd-service-http-listener.h"
#include "jd-service-soup.h"
#include "jd-sigv4.h"

struct _JdServiceHttp
{
  GObject     parent_instance;

  JdStore    *store;
  char       *region;
  char       *account_id;
  char       *access_key_id;
  char       *secret_access_key;
  char       *endpoint_address;
  SoupServer *server;
  JdServiceHttpListener *listener;
  JdServiceHttpLimits limits;
  JdFileStore *file_store;         /* nullable */
  char       *jobs_endpoint_address;  /* nullable */
  JdServiceHttpThingHook thing_hook;  /* nullable */
  gpointer    thing_hook_data;
};

G_DEFINE_FINAL_TYPE (JdServiceHttp, jd_service_http, G_TYPE_OBJECT)

enum {
  THING_CREATED,
  THING_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const signing_services[] = { "iot", "execute-api", NULL };

/* ---- the server ----
 *
 * SigV4 is checked on the main loop (CPU only); the operation itself runs on
 * the store's worker (jd_store_call_async) with the message paused, so a
 * lock held on the database by another process or a slow disk never stalls
 * the main loop (issue 16.5). */

typedef struct {
  JdServiceHttp     *self;
  SoupServerMessage *msg;
  gboolean           gone;          /* the client went away meanwhile */
  char              *request_id;
  char              *method;
  char              *path;
  char              *query;
  GBytes            *body;
  char              *region;
  char              *account_id;
  char              *endpoint_address;
  char              *jobs_endpoint_address;
  JdFileStore       *file_store;
} CpCall;

static void
cp_call_free (gpointer data)
{
  CpCall *call = data;

  g_signal_handlers_disconnect_by_data (call->msg, call);
  g_object_unref (call->msg);
  g_object_unref (call->self);
  g_free (call->request_id);
  g_free (call->method);
  g_free (call->path);
  g_free (call->query);
  g_bytes_unref (call->body);
  g_free (call->region);
  g_free (call->account_id);
  g_free (call->endpoint_address);
  g_free (call->jobs_endpoint_address);
  g_clear_object (&call->file_store);
  g_free (call);
}

static void
cp_response_free (gpointer data)
{
  jd_cp_response_clear (data);
  g_free (data);
}

static void
message_gone_cb (SoupServerMessage *msg,
                 CpCall            *call)
{
  call->gone = TRUE;
}

static void
send_response (SoupServerMessage  *msg,
               const char         *request_id,
               const JdCpResponse *response)
{
  jd_service_soup_respond (msg, response->status, request_id, response->error_type, response->body);
}

/* On the store's worker. */
static gpointer
cp_handle_call (JdStore   *store,
                gpointer   data,
                GError   **error)
{
  CpCall *call = data;
  JdCpResponse *response = g_new0 (JdCpResponse, 1);
  gsize body_len = 0;
  const guint8 *body = g_bytes_get_data (call->body, &body_len);
  JdCpContext context = { store, call->region, call->account_id, call->endpoint_address, call->file_store,
                          call->jobs_endpoint_address };
  JdCpRequest request = { call->method, call->path, call->query, body, body_len };

  jd_control_plane_handlers_handle (&context, &request, response);
  return response;
}

/* Sends @response unless the client went away, and frees @call. */
static void
reply (CpCall             *call,
       const JdCpResponse *response)
{
  if (!call->gone)
    {
      send_response (call->msg, call->request_id, response);
      soup_server_message_unpause (call->msg);
    }
  cp_call_free (call);
}

static void
thing_hook_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CpCall *call = user_data;
  JdCpResponse *response = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* CreateThing made the thing either way; a thing whose name the broker
   * cannot take as an identity simply gets no certificate. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("No certificate for thing %s: %s", response->thing_created, error->message);
  reply (call, response);
}

static void
cp_handled_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CpCall *call = user_data;
  JdServiceHttp *self = call->self;
  g_autoptr(GError) error = NULL;
  JdCpResponse *response = jd_store_call_finish (JD_STORE (source), result, &error);

  if (response == NULL)
    {
      /* Only a store that cannot start its thread fails here. */
      response = g_new0 (JdCpResponse, 1);
      jd_control_plane_handlers_error (response, SOUP_STATUS_SERVICE_UNAVAILABLE,
                                       "ServiceUnavailableException", error->message);
    }
  g_debug ("%s %s -> %u%s", call->method, call->path, response->status, call->gone ? " (client gone)" : "");

  if (response->thing_created != NULL)
    g_signal_emit (self, signals[THING_CREATED], 0, response->thing_created);
  if (response->thing_deleted != NULL)
    g_signal_emit (self, signals[THING_DELETED], 0, response->thing_deleted);

  /* The sandbox makes a new thing's certificate before the client hears
   * that the thing exists; off the main loop, so the reply waits. */
  if (response->thing_created != NULL && self->thing_hook != NULL)
    {
      GTask *task = g_task_new (self, NULL, thing_hook_done_cb, call);

      g_task_set_source_tag (task, jd_service_http_set_thing_hook);
      g_task_set_task_data (task, response, cp_response_free);
      self->thing_hook (response->thing_created, task, self->thing_hook_data);
      return;
    }
  reply (call, response);
  cp_response_free (response);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *unused_query,
                 gpointer           user_data)
{
  JdServiceHttp *self = user_data;
  g_auto(JdCpResponse) response = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *request_id = g_uuid_string_random ();
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  JdSigv4Credentials credentials = { self->access_key_id, self->secret_access_key, NULL, self->region };
  JdSigv4Request signed_request;

  /* Files: a presigned GET/HEAD carries its authentication in the query. */
  if (self->file_store != NULL && jd_file_store_is_presigned_request (method, g_uri_get_path (uri)))
    {
      jd_file_store_serve (self->file_store, msg);
      return;
    }

  jd_service_soup_sigv4_request (msg, &headers, &body, &signed_request);

  if (!jd_sigv4_verify (&signed_request, &credentials, signing_services, NULL, NULL, &error))
    {
      jd_control_plane_handlers_error (&response, SOUP_STATUS_FORBIDDEN,
                                       jd_sigv4_error_to_aws_type (error->code), error->message);
      g_debug ("%s %s refused: %s", method, signed_request.path, error->message);
    }
  else if (self->file_store != NULL && g_str_has_prefix (signed_request.path, JD_FILE_STORE_PATH_PREFIX))
    {
      jd_file_store_serve (self->file_store, msg);
      return;
    }
  else
    {
      CpCall *call = g_new0 (CpCall, 1);

      call->self = g_object_ref (self);
      call->msg = g_object_ref (msg);
      call->request_id = g_steal_pointer (&request_id);
      call->method = g_strdup (method);
      call->path = g_strdup (signed_request.path);
      call->query = g_strdup (signed_request.query);
      call->body = g_bytes_ref (body);
      call->region = g_strdup (self->region);
      call->account_id = g_strdup (self->account_id);
      call->endpoint_address = g_strdup (self->endpoint_address);
      call->jobs_endpoint_address = g_strdup (self->jobs_endpoint_address);
      call->file_store = self->file_store != NULL ? g_object_ref (self->file_store) : NULL;
      g_signal_connect (msg, "disconnected", G_CALLBACK (message_gone_cb), call);
      g_signal_connect (msg, "finished", G_CALLBACK (message_gone_cb), call);
      soup_server_message_pause (msg);
      jd_store_call_async (self->store, cp_handle_call, call, NULL, cp_response_free, NULL,
                           cp_handled_cb, call);
      return;
    }

  send_response (msg, request_id, &response);
  g_debug ("%s %s -> %u", method, signed_request.path, response.status);
}

/* ---- GObject ---- */

static void
jd_service_http_dispose (GObject *object)
{
  JdServiceHttp *self = (JdServiceHttp *) object;

  jd_service_http_disconnect (self);
  g_clear_object (&self->store);
  g_clear_object (&self->file_store);

  G_OBJECT_CLASS (jd_service_http_parent_class)->dispose (object);
}

static void
jd_service_http_finalize (GObject *object)
{
  JdServiceHttp *self = (JdServiceHttp *) object;

  g_free (self->region);
  g_free (self->account_id);
  g_free (self->access_key_id);
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->secret_access_key);
  g_free (self->endpoint_address);
  g_free (self->jobs_endpoint_address);

  G_OBJECT_CLASS (jd_service_http_parent_class)->finalize (object);
}

static void
jd_service_http_class_init (JdServiceHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_http_dispose;
  object_class->finalize = jd_service_http_finalize;

  /**
   * JdServiceHttp::thing-created:
   * @thing_name: the new thing
   *
   * Emitted after CreateThing made a thing (not when it already existed), so
   * the sandbox can issue its certificate.
   */
  signals[THING_CREATED] =
    g_signal_new ("thing-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * JdServiceHttp::thing-deleted:
   * @thing_name: the deleted thing
   *
   * Emitted after DeleteThing removed a thing.
   */
  signals[THING_DELETED] =
    g_signal_new ("thing-deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
jd_service_http_init (JdServiceHttp *self)
{
  self->endpoint_address = g_strdup ("127.0.0.1");
  jd_service_http_limits_init (&self->limits);
}

/* ---- public API ---- */

/**
 * jd_service_http_new:
 * @store: the state to serve
 * @region: e.g. "us-east-1"; requests must be scoped to it
 * @account_id: the 12-digit account id used in ARNs
 * @access_key_id: (not nullable): the only accepted access key
 * @secret_access_key: (not nullable): its secret
 *
 * Returns: (transfer full): a new service, not listening yet
 */
JdServiceHttp *
jd_service_http_new (JdStore    *store,
                     const char *region,
                     const char *account_id,
                     const char *access_key_id,
                     const char *secret_access_key)
{
  JdServiceHttp *self;

  g_return_val_if_fail (JD_IS_STORE (store), NULL);
  g_return_val_if_fail (region != NULL && account_id != NULL, NULL);
  g_return_val_if_fail (access_key_id != NULL && secret_access_key != NULL, NULL);

  self = g_object_new (JD_TYPE_SERVICE_HTTP, NULL);
  self->store = g_object_ref (store);
  self->region = g_strdup (region);
  self->account_id = g_strdup (account_id);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  return self;
}

void
jd_service_http_set_endpoint_address (JdServiceHttp *self,
                                      const char    *address)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));
  g_return_if_fail (address != NULL);

  g_free (self->endpoint_address);
  self->endpoint_address = g_strdup (address);
}

/**
 * jd_service_http_limits_init:
 * @limits: (out caller-allocates): filled with the defaults
 *
 * The defaults are recorded in src/service/README.md ("Control-plane
 * connections").
 */
void
jd_service_http_limits_init (JdServiceHttpLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->handshake_timeout_ms = 5000;
  limits->idle_timeout_ms = 60000;
  limits->request_timeout_ms = 60000;
  limits->max_connections = 256;
  limits->max_body_size = 10 * 1024 * 1024;
}

void
jd_service_http_set_limits (JdServiceHttp             *self,
                            const JdServiceHttpLimits *limits)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));
  g_return_if_fail (limits != NULL);
  g_return_if_fail (self->server == NULL);

  self->limits = *limits;
}

gboolean
jd_service_http_listen (JdServiceHttp    *self,
                        GTlsCertificate  *certificate,
                        guint16           port,
                        GError          **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(JdServiceHttpListener) listener = NULL;
  g_autoptr(GInetAddress) loopback = NULL;

  g_return_val_if_fail (JD_IS_SERVICE_HTTP (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  /* raw-paths: keep the path percent-encoded as on the wire, which is what
   * SigV4 signs and what dispatch decodes segment by segment. The server
   * never listens itself: JdServiceHttpListener accepts, does TLS and hands
   * it each connection (see there why). */
  server = soup_server_new ("server-header", "Jobdeck",
                            "raw-paths", TRUE,
                            NULL);
  soup_server_add_handler (server, NULL, server_callback, self, NULL);

  listener = jd_service_http_listener_new (server, certificate, &self->limits);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  if (!jd_service_http_listener_listen (listener, loopback, port, error))
    return FALSE;

  self->server = g_steal_pointer (&server);
  self->listener = g_steal_pointer (&listener);
  return TRUE;
}

guint16
jd_service_http_get_port (JdServiceHttp *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_HTTP (self), 0);

  return self->listener != NULL ? jd_service_http_listener_get_port (self->listener) : 0;
}

guint
jd_service_http_get_n_connections (JdServiceHttp *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_HTTP (self), 0);

  return self->listener != NULL ? jd_service_http_listener_get_n_connections (self->listener) : 0;
}

void
jd_service_http_disconnect (JdServiceHttp *self)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));

  if (self->listener != NULL)
    jd_service_http_listener_close (self->listener);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->listener);
  g_clear_object (&self->server);
}

JdStore *
jd_service_http_get_store (JdServiceHttp *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_HTTP (self), NULL);

  return self->store;
}

void
jd_service_http_set_file_store (JdServiceHttp *self,
                                JdFileStore   *file_store)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));

  g_set_object (&self->file_store, file_store);
}

void
jd_service_http_set_jobs_endpoint_address (JdServiceHttp *self,
                                           const char    *address)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));

  g_free (self->jobs_endpoint_address);
  self->jobs_endpoint_address = g_strdup (address);
}

void
jd_service_http_set_thing_hook (JdServiceHttp          *self,
                                JdServiceHttpThingHook  hook,
                                gpointer                user_data)
{
  g_return_if_fail (JD_IS_SERVICE_HTTP (self));

  self->thing_hook = hook;
  self->thing_hook_data = user_data;
}
