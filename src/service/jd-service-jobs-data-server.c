/* jd-service-jobs-data-server.c — the SoupServer and SigV4 glue of the HTTPS
 * jobs data plane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-data"

#include <string.h>

#include "jd-service-http.h"
#include "jd-service-http-listener.h"
#include "jd-service-jobs-data.h"
#include "jd-service-jobs-data-server.h"
#include "jd-service-soup.h"

struct _JdServiceJobsDataServer
{
  GObject     parent_instance;

  JdStore    *store;
  char       *region;
  char       *access_key_id;
  char       *secret_access_key;
  SoupServer *server;
  JdServiceHttpListener *listener;  /* accepts, TLS, deadlines (as the control plane) */
};

G_DEFINE_FINAL_TYPE (JdServiceJobsDataServer, jd_service_jobs_data_server, G_TYPE_OBJECT)

static const char *const signing_services[] = { JD_JOBS_DATA_SIGNING_NAME, NULL };

typedef struct {
  SoupServerMessage *msg;
  gboolean           gone;
  char              *request_id;
  char              *method;
  char              *path;
  char              *query;
  GBytes            *body;
} Call;

static void
call_free (Call *call)
{
  g_signal_handlers_disconnect_by_data (call->msg, call);
  g_object_unref (call->msg);
  g_free (call->request_id);
  g_free (call->method);
  g_free (call->path);
  g_free (call->query);
  g_bytes_unref (call->body);
  g_free (call);
}

static void
response_free (gpointer data)
{
  jd_jobs_data_response_clear (data);
  g_free (data);
}

static void
message_gone_cb (SoupServerMessage *msg,
                 Call              *call)
{
  call->gone = TRUE;
}

/* On the store's worker. */
static gpointer
handle_call (JdStore   *store,
             gpointer   data,
             GError   **error)
{
  Call *call = data;
  JdJobsDataResponse *response = g_new0 (JdJobsDataResponse, 1);
  gsize len = 0;
  const char *body = g_bytes_get_data (call->body, &len);

  jd_jobs_data_handle (store, call->method, call->path, call->query, body, len, response);
  return response;
}

static void
handled_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  JdJobsDataResponse *response = jd_store_call_finish (JD_STORE (source), result, &error);

  if (response == NULL)
    {
      response = g_new0 (JdJobsDataResponse, 1);
      jd_jobs_data_response_set_error (response, 503, "ServiceUnavailableException", error->message);
    }
  g_debug ("%s %s → %u%s", call->method, call->path, response->status, call->gone ? " (client gone)" : "");
  if (!call->gone)
    {
      jd_service_soup_respond (call->msg, response->status, call->request_id, response->error_type,
                               response->body);
      soup_server_message_unpause (call->msg);
    }
  response_free (response);
  call_free (call);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *unused_query,
                 gpointer           user_data)
{
  JdServiceJobsDataServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_auto(JdJobsDataResponse) response = { 0 };
  g_autofree char *request_id = g_uuid_string_random ();
  JdSigv4Credentials credentials = { self->access_key_id, self->secret_access_key, NULL, self->region };
  JdSigv4Request request;

  jd_service_soup_sigv4_request (msg, &headers, &body, &request);

  if (!jd_sigv4_verify (&request, &credentials, signing_services, NULL, NULL, &error))
    {
      jd_jobs_data_response_set_error (&response, 403, jd_sigv4_error_to_aws_type (error->code), error->message);
      g_debug ("%s %s refused: %s", request.method, request.path, error->message);
      jd_service_soup_respond (msg, response.status, request_id, response.error_type, response.body);
      return;
    }

  /* The operation runs on the store's worker, the message paused (issue
   * 16.5), as on the control plane and the MQTT side. */
  {
    Call *call = g_new0 (Call, 1);

    call->msg = g_object_ref (msg);
    call->request_id = g_steal_pointer (&request_id);
    call->method = g_strdup (request.method);
    call->path = g_strdup (request.path);
    call->query = g_strdup (request.query);
    call->body = g_bytes_ref (body);
    g_signal_connect (msg, "disconnected", G_CALLBACK (message_gone_cb), call);
    g_signal_connect (msg, "finished", G_CALLBACK (message_gone_cb), call);
    soup_server_message_pause (msg);
    jd_store_call_async (self->store, handle_call, call, NULL, response_free, NULL, handled_cb, call);
  }
}

static void
jd_service_jobs_data_server_dispose (GObject *object)
{
  JdServiceJobsDataServer *self = (JdServiceJobsDataServer *) object;

  jd_service_jobs_data_server_disconnect (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (jd_service_jobs_data_server_parent_class)->dispose (object);
}

static void
jd_service_jobs_data_server_finalize (GObject *object)
{
  JdServiceJobsDataServer *self = (JdServiceJobsDataServer *) object;

  g_free (self->region);
  g_free (self->access_key_id);
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->secret_access_key);

  G_OBJECT_CLASS (jd_service_jobs_data_server_parent_class)->finalize (object);
}

static void
jd_service_jobs_data_server_class_init (JdServiceJobsDataServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_jobs_data_server_dispose;
  object_class->finalize = jd_service_jobs_data_server_finalize;
}

static void
jd_service_jobs_data_server_init (JdServiceJobsDataServer *self)
{
}

/**
 * jd_service_jobs_data_server_new:
 * @store: the state to serve (the same store as the MQTT side, so a change
 *   made here sends the same `notify` / `notify-next`)
 * @region: requests must be scoped to it
 * @access_key_id: the only accepted access key
 * @secret_access_key: its secret
 *
 * Returns: (transfer full): a new server, not listening yet
 */
JdServiceJobsDataServer *
jd_service_jobs_data_server_new (JdStore    *store,
                                 const char *region,
                                 const char *access_key_id,
                                 const char *secret_access_key)
{
  JdServiceJobsDataServer *self;

  g_return_val_if_fail (JD_IS_STORE (store), NULL);
  g_return_val_if_fail (region != NULL, NULL);
  g_return_val_if_fail (access_key_id != NULL && secret_access_key != NULL, NULL);

  self = g_object_new (JD_TYPE_SERVICE_JOBS_DATA_SERVER, NULL);
  self->store = g_object_ref (store);
  self->region = g_strdup (region);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  return self;
}

gboolean
jd_service_jobs_data_server_listen (JdServiceJobsDataServer  *self,
                                    GTlsCertificate          *certificate,
                                    guint16                   port,
                                    GError                  **error)
{
  g_return_val_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  {
    g_autoptr(SoupServer) server = NULL;
    g_autoptr(JdServiceHttpListener) listener = NULL;
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    JdServiceHttpLimits limits;

    /* As the control plane: raw paths (what SigV4 signs), and our own
     * listener with handshake and idle deadlines, a connection cap and
     * Connection: close (jd-service-http-listener.c says why). */
    server = soup_server_new ("server-header", "Jobdeck", "raw-paths", TRUE, NULL);
    soup_server_add_handler (server, NULL, server_callback, self, NULL);
    jd_service_http_limits_init (&limits);
    listener = jd_service_http_listener_new (server, certificate, &limits);
    if (!jd_service_http_listener_listen (listener, loopback, port, error))
      return FALSE;
    self->server = g_steal_pointer (&server);
    self->listener = g_steal_pointer (&listener);
  }
  return TRUE;
}

guint16
jd_service_jobs_data_server_get_port (JdServiceJobsDataServer *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self), 0);

  return self->listener != NULL ? jd_service_http_listener_get_port (self->listener) : 0;
}

void
jd_service_jobs_data_server_disconnect (JdServiceJobsDataServer *self)
{
  g_return_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self));

  if (self->listener != NULL)
    jd_service_http_listener_close (self->listener);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->listener);
  g_clear_object (&self->server);
}
