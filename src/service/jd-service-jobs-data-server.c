/* jd-service-jobs-data-server.c — the SoupServer and SigV4 glue of the HTTPS
 * jobs data plane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-data"

#include <string.h>

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
  guint16     port;
};

G_DEFINE_FINAL_TYPE (JdServiceJobsDataServer, jd_service_jobs_data_server, G_TYPE_OBJECT)

static const char *const signing_services[] = { JD_JOBS_DATA_SIGNING_NAME, NULL };

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
    }
  else
    jd_jobs_data_handle (self->store, request.method, request.path, request.query,
                         (const char *) request.body, request.body_len, &response);

  jd_service_soup_respond (msg, response.status, request_id, response.error_type, response.body);
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
  g_return_val_if_fail (JD_IS_SERVICE_JOBS_DATA_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = jd_service_soup_listen (certificate, port, server_callback, self, &self->port, error);
  return self->server != NULL;
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
