/* jd-service.c — the store, the HTTPS control plane and the MQTT device API,
 * started and stopped together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service"

#include "jd-service.h"

struct _JdService
{
  GObject         parent_instance;

  char           *store_path;
  char           *mqtt_host;
  guint16         mqtt_port;
  char           *ca_path;
  char           *mqtt_cert_path;
  char           *mqtt_key_path;
  char           *https_cert_path;
  char           *https_key_path;
  guint16         https_port;
  guint16         jobs_data_port;
  char           *access_key_id;
  char           *secret_access_key;
  char           *region;
  char           *account_id;
  JdFileStore    *file_store;      /* nullable */

  JdStore        *store;
  JdServiceHttp  *http;
  GTlsCertificate *certificate;
  JdServiceMqtt  *mqtt;
  JdServiceJobsDataServer *jobs_data;
  gulong          thing_created_id;
  gulong          thing_deleted_id;
};

G_DEFINE_FINAL_TYPE (JdService, jd_service, G_TYPE_OBJECT)

enum {
  THING_CREATED,
  THING_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
thing_created_cb (JdServiceHttp *http,
                  const char    *thing_name,
                  JdService     *self)
{
  g_signal_emit (self, signals[THING_CREATED], 0, thing_name);
}

static void
thing_deleted_cb (JdServiceHttp *http,
                  const char    *thing_name,
                  JdService     *self)
{
  g_signal_emit (self, signals[THING_DELETED], 0, thing_name);
}

static void
mqtt_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdService *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!jd_service_mqtt_connect_finish (JD_SERVICE_MQTT (source), result, &error))
    {
      jd_service_stop (self);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
jd_service_dispose (GObject *object)
{
  JdService *self = JD_SERVICE (object);

  jd_service_stop (self);
  g_clear_signal_handler (&self->thing_created_id, self->http);
  g_clear_signal_handler (&self->thing_deleted_id, self->http);
  g_clear_object (&self->mqtt);
  g_clear_object (&self->jobs_data);
  g_clear_object (&self->http);
  g_clear_object (&self->certificate);
  g_clear_object (&self->store);
  g_clear_object (&self->file_store);

  G_OBJECT_CLASS (jd_service_parent_class)->dispose (object);
}

static void
jd_service_finalize (GObject *object)
{
  JdService *self = JD_SERVICE (object);

  g_free (self->store_path);
  g_free (self->mqtt_host);
  g_free (self->ca_path);
  g_free (self->mqtt_cert_path);
  g_free (self->mqtt_key_path);
  g_free (self->https_cert_path);
  g_free (self->https_key_path);
  g_free (self->access_key_id);
  g_free (self->secret_access_key);
  g_free (self->region);
  g_free (self->account_id);

  G_OBJECT_CLASS (jd_service_parent_class)->finalize (object);
}

static void
jd_service_class_init (JdServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_dispose;
  object_class->finalize = jd_service_finalize;

  /**
   * JdService::thing-created:
   * @thing_name: the new thing
   *
   * CreateThing made a new thing (not emitted for an idempotent repeat).
   */
  signals[THING_CREATED] =
    g_signal_new ("thing-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * JdService::thing-deleted:
   * @thing_name: the removed thing
   *
   * DeleteThing removed a thing.
   */
  signals[THING_DELETED] =
    g_signal_new ("thing-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
jd_service_init (JdService *self)
{
}

/**
 * jd_service_new:
 * @config: where everything lives; copied
 *
 * Returns: (transfer full): a stopped service
 */
JdService *
jd_service_new (const JdServiceConfig *config)
{
  JdService *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->store_path != NULL, NULL);

  self = g_object_new (JD_TYPE_SERVICE, NULL);
  self->store_path = g_strdup (config->store_path);
  self->mqtt_host = g_strdup (config->mqtt_host);
  self->mqtt_port = config->mqtt_port;
  self->ca_path = g_strdup (config->ca_path);
  self->mqtt_cert_path = g_strdup (config->mqtt_cert_path);
  self->mqtt_key_path = g_strdup (config->mqtt_key_path);
  self->https_cert_path = g_strdup (config->https_cert_path);
  self->https_key_path = g_strdup (config->https_key_path);
  self->https_port = config->https_port;
  self->jobs_data_port = config->jobs_data_port;
  self->access_key_id = g_strdup (config->access_key_id);
  self->secret_access_key = g_strdup (config->secret_access_key);
  self->region = g_strdup (config->region);
  self->account_id = g_strdup (config->account_id);
  if (config->file_store != NULL)
    self->file_store = g_object_ref (config->file_store);
  return self;
}

static void start_serving (GTask *task);

static void
certificate_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  JdService *self = source_object;
  GError *error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (self->https_cert_path, self->https_key_path,
                                                                   &error);

  if (certificate == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certificate, g_object_unref);
}

static void
certificate_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  JdService *self = JD_SERVICE (source);
  GTask *task = user_data;
  GError *error = NULL;

  self->certificate = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->certificate == NULL)
    {
      g_prefix_error (&error, "The sandbox's HTTPS certificate is unusable: ");
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  start_serving (task);
}

/* The HTTPS certificate is read on a worker thread (a file, maybe slow). */
static void
load_certificate (GTask *task)
{
  JdService *self = g_task_get_source_object (task);
  g_autoptr(GTask) load = NULL;

  if (self->certificate != NULL)
    {
      start_serving (task);
      return;
    }
  load = g_task_new (self, g_task_get_cancellable (task), certificate_loaded_cb, task);
  g_task_set_source_tag (load, load_certificate);
  g_task_run_in_thread (load, certificate_in_thread);
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  JdService *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->store = jd_store_open_finish (result, &error);
  if (self->store == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  load_certificate (task);
}

/* Takes @task. What remains does not block: binding loopback sockets. */
static void
start_serving (GTask *task)
{
  JdService *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (self->http == NULL)
    {
      self->http = jd_service_http_new (self->store, self->region, self->account_id,
                                        self->access_key_id, self->secret_access_key);
      jd_service_http_set_endpoint_address (self->http, self->mqtt_host);
      self->thing_created_id = g_signal_connect (self->http, "thing-created",
                                                 G_CALLBACK (thing_created_cb), self);
      self->thing_deleted_id = g_signal_connect (self->http, "thing-deleted",
                                                 G_CALLBACK (thing_deleted_cb), self);
    }
  if (!jd_service_http_listen (self->http, self->certificate, self->https_port, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* The HTTPS jobs data plane: its own port, as AWS has its own host. */
  if (self->jobs_data == NULL)
    self->jobs_data = jd_service_jobs_data_server_new (self->store, self->region,
                                                       self->access_key_id, self->secret_access_key);
  if (!jd_service_jobs_data_server_listen (self->jobs_data, self->certificate, self->jobs_data_port, &error))
    {
      g_prefix_error (&error, "The jobs data plane could not listen: ");
      jd_service_http_disconnect (self->http);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  {
    g_autofree char *jobs_address = g_strdup_printf ("%s:%u", self->mqtt_host != NULL ? self->mqtt_host : "127.0.0.1",
                                                     jd_service_jobs_data_server_get_port (self->jobs_data));

    jd_service_http_set_jobs_endpoint_address (self->http, jobs_address);
  }
  if (self->file_store != NULL)
    {
      g_autofree char *base_url = g_strdup_printf ("https://127.0.0.1:%u",
                                                   jd_service_http_get_port (self->http));

      jd_file_store_set_base_url (self->file_store, base_url);
      jd_service_http_set_file_store (self->http, self->file_store);
    }

  if (self->mqtt == NULL)
    {
      self->mqtt = jd_service_mqtt_new (self->store, self->mqtt_host, self->mqtt_port,
                                        self->ca_path, self->mqtt_cert_path, self->mqtt_key_path);
      jd_service_mqtt_set_file_store (self->mqtt, self->file_store);
    }
  jd_service_mqtt_connect_async (self->mqtt, cancellable, mqtt_connected_cb, task);
}

/**
 * jd_service_start_async:
 *
 * Opens the store (on a worker thread: its file, integrity check and
 * migrations), reads the HTTPS certificate (also off the main loop), starts
 * listening and connects to the broker. Nothing of it blocks the calling
 * thread's main loop.
 */
void
jd_service_start_async (JdService           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (JD_IS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_service_start_async);

  if (self->store == NULL)
    {
      jd_store_open_async (self->store_path, cancellable, store_opened_cb, task);
      return;
    }
  load_certificate (task);
}

gboolean
jd_service_start_finish (JdService     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
jd_service_stop (JdService *self)
{
  g_return_if_fail (JD_IS_SERVICE (self));

  if (self->mqtt != NULL)
    jd_service_mqtt_disconnect (self->mqtt);
  if (self->jobs_data != NULL)
    jd_service_jobs_data_server_disconnect (self->jobs_data);
  if (self->http != NULL)
    jd_service_http_disconnect (self->http);
}

gboolean
jd_service_ensure_thing (JdService   *self,
                         const char  *thing_name,
                         GError     **error)
{
  JdStoreThing *thing;

  g_return_val_if_fail (JD_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  thing = jd_store_get_thing (self->store, thing_name, NULL);
  if (thing == NULL)
    thing = jd_store_create_thing (self->store, thing_name, NULL, NULL, NULL, error);
  if (thing == NULL)
    return FALSE;
  jd_store_thing_free (thing);
  return TRUE;
}

JdStore *
jd_service_get_store (JdService *self)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), NULL);
  return self->store;
}

JdServiceMqtt *
jd_service_get_mqtt (JdService *self)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), NULL);
  return self->mqtt;
}

JdServiceHttp *
jd_service_get_http (JdService *self)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), NULL);
  return self->http;
}

guint16
jd_service_get_https_port (JdService *self)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), 0);
  if (self->http == NULL)
    return 0;
  return jd_service_http_get_port (self->http);
}

guint16
jd_service_get_jobs_data_port (JdService *self)
{
  g_return_val_if_fail (JD_IS_SERVICE (self), 0);
  if (self->jobs_data == NULL)
    return 0;
  return jd_service_jobs_data_server_get_port (self->jobs_data);
}
