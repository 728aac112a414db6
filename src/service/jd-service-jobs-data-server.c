/* jd-service-jobs-data-server.c — the SoupServer and SigV4 glue of the HTTPS
 * jobs data plane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-data"

#include <string.h>

#include <libsoup/soup.h>

#include "jd-service-jobs-data.h"
#include "jd-service-jobs-data-server.h"
#include "jd-sigv4.h"

struct _JdServiceJobsDataServer
{
  GObject     parent_instance;

  JdStore    *store;
  char       *region;
  char       *access_key_id;
  char       *secret_access_key;
  SoupServer *server;
  guint16     port;
};

G_DEFINE_FINAL_TYPE (JdServiceJobsDataServer, jd_service_jobs_data_server, G_TYPE_OBJECT)

static const char *const signing_services[] = { JD_JOBS_DATA_SIGNING_NAME, NULL };

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *error_type,
         const char        *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *request_id = g_uuid_string_random ();

  soup_message_headers_replace (headers, "x-amzn-RequestId", request_id);
  if (error_type != NULL)
    soup_message_headers_replace (headers, "x-amzn-ErrorType", error_type);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body, body != NULL ? strlen (body) : 0);
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
  g_autoptr(GArray) headers = g_array_new (FALSE, FALSE, sizeof (JdSigv4Header));
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_auto(JdJobsDataResponse) response = { 0 };
  GUri *uri = soup_server_message_get_uri (msg);
  JdSigv4Credentials credentials = { self->access_key_id, self->secret_access_key, NULL, self->region };
  JdSigv4Request request = { 0 };
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize body_len = 0;
  const char *body_data = g_bytes_get_data (body, &body_len);

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      JdSigv4Header h = { name, value };

      g_array_append_val (headers, h);
    }

  request.method = soup_server_message_get_method (msg);
  request.path = g_uri_get_path (uri);
  request.query = g_uri_get_query (uri);
  request.headers = (const JdSigv4Header *) (gpointer) headers->data;
  request.n_headers = headers->len;
  request.body = (const guint8 *) body_data;
  request.body_len = body_len;

  if (!jd_sigv4_verify (&request, &credentials, signing_services, NULL, NULL, &error))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      respond (msg, SOUP_STATUS_FORBIDDEN, jd_sigv4_error_to_aws_type (error->code), text);
      g_debug ("%s %s refused: %s", request.method, request.path, error->message);
      return;
    }

  jd_jobs_data_handle (self->store, request.method, request.path, request.query,
                       body_data, body_len, &response);
  respond (msg, response.status, response.error_type, response.body);
  g_debug ("%s %s → %u", request.method, request.path, response.status);
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
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  /* raw-paths: the path stays percent-encoded as SigV4 signed it. */
  server = soup_server_new ("tls-certificate", certificate,
                            "server-header", "Jobdeck",
                            "raw-paths", TRUE,
                            NULL);
  soup_server_add_handler (server, NULL, server_callback, self, NULL);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  if (uris != NULL)
    self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->server = g_steal_pointer (&server);
  return TRUE;
}

guint16
jd_service_jobs_data_server_get_port (JdServiceJobsDataServer *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self), 0);

  return self->port;
}

void
jd_service_jobs_data_server_disconnect (JdServiceJobsDataServer *self)
{
  g_return_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self));

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  self->port = 0;
}
