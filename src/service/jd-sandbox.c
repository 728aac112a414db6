/* jd-sandbox.c — JdSandbox, the orchestration: prepares the sandbox folder
 * (jd-sandbox-folder.c, in a worker thread), runs mosquitto as a child
 * process (jd-sandbox-broker.c) and restarts it when it dies, starts the
 * jobs service next to it, and publishes DIR/sandbox.json when ready
 * (jd-sandbox-publish.c). Its things are in jd-sandbox-things.c.
 *
 * Folder layout (see src/service/README.md, "Sandbox"):
 *   ca.pem ca.key                      the sandbox CA
 *   server.pem server.key              127.0.0.1/localhost, for mosquitto and HTTPS
 *   service.pem service.key            CN jobs-service, the service's MQTT identity
 *   things/<name>.crt things/<name>.key one client identity per thing
 *   credentials.json                   the sandbox access key pair
 *   mosquitto.conf mosquitto.acl       rewritten at every start
 *   mosquitto.log mosquitto.stderr     the broker's output
 *   mosquitto.pid                      the broker's process id while it runs
 *   jobs.sqlite                        the service's store
 *   sandbox.json                       exists while the sandbox runs
 * The folder is 0700; every file the sandbox writes itself is 0600 (the store
 * and the broker create theirs with the process umask).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "jd-sandbox-codesign.h"
#include "jd-sandbox-folder.h"
#include "jd-sandbox-private.h"

/* Restarting a broker that died: first at once, then backing off to 30 s. */
#define BROKER_RESTART_MAX_DELAY_MS 30000

G_DEFINE_FINAL_TYPE (JdSandbox, jd_sandbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_PROGRESS,
  PROP_STATUS,
  PROP_RUNNING,
  PROP_MQTT_PORT,
  PROP_HTTPS_PORT,
  PROP_BROKER_RESTARTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint jd_sandbox_signals[JD_SANDBOX_N_SIGNALS];

static void
set_progress (JdSandbox  *self,
              double      progress,
              const char *status)
{
  self->progress = progress;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_running (JdSandbox *self,
             gboolean   running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}


/* ---- starting ---- */

static void
stop_service (JdSandbox *self)
{
  if (self->service == NULL)
    return;
  jd_sandbox_things_detach (self);
  jd_service_stop (self->service);
  g_clear_object (&self->service);
}

static void
unlock_folder (JdSandbox *self)
{
  if (self->lock_fd < 0)
    return;
  close (self->lock_fd);
  self->lock_fd = -1;
}

static void
start_fail (JdSandbox *self,
            GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  stop_service (self);
  /* A half-started broker goes away. */
  jd_sandbox_broker_stop_async (self->broker, NULL, NULL);
  unlock_folder (self);
  set_progress (self, 0.0, error->message);
  g_task_return_error (task, error);
}

static void
things_attached_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  if (!jd_sandbox_things_attach_finish (self, result, &error))
    {
      if (self->start_task == NULL)
        {
          g_error_free (error);
          return;
        }
      g_clear_object (&self->service);
      start_fail (self, error);
      return;
    }
  if (self->start_task == NULL)
    return;
  task = g_steal_pointer (&self->start_task);
  set_running (self, TRUE);
  set_progress (self, 1.0, "Running");
  g_task_return_boolean (task, TRUE);
}

static void
service_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  GError *error = NULL;

  if (self->start_task == NULL)
    return;
  if (!jd_service_start_finish (JD_SERVICE (source), result, &error))
    {
      g_clear_object (&self->service);
      start_fail (self, error);
      return;
    }
  jd_service_mqtt_set_fleet_events (jd_service_get_mqtt (self->service), self->fleet_events,
                                    JD_SANDBOX_REGION, JD_SANDBOX_ACCOUNT_ID);
  self->https_port = jd_service_get_https_port (self->service);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HTTPS_PORT]);
  /* The things with the store, then the ACL and sandbox.json, which tells
   * the world the sandbox is ready: all off the main loop. */
  jd_sandbox_things_attach_async (self, things_attached_cb, g_object_ref (self));
}

static void
start_service (JdSandbox *self)
{
  JdServiceConfig config = {
    .store_path = self->store_path,
    .mqtt_host = JD_SANDBOX_HOST,
    .mqtt_port = self->mqtt_port,
    .ca_path = self->ca_path,
    .mqtt_cert_path = self->service_cert_path,
    .mqtt_key_path = self->service_key_path,
    .https_cert_path = self->server_cert_path,
    .https_key_path = self->server_key_path,
    .https_port = self->requested_https_port,
    .access_key_id = self->access_key_id,
    .secret_access_key = self->secret_access_key,
    .region = JD_SANDBOX_REGION,
    .account_id = JD_SANDBOX_ACCOUNT_ID,
    .file_store = self->file_store,
  };

  set_progress (self, 0.7, "Starting the jobs service");
  self->service = jd_service_new (&config);
  jd_service_start_async (self->service, g_task_get_cancellable (self->start_task),
                          service_started_cb, g_object_ref (self));
}

static void
broker_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  GError *error = NULL;

  if (self->start_task == NULL)
    return;
  if (!jd_sandbox_broker_start_finish (JD_SANDBOX_BROKER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          error->domain = JD_SERVICE_ERROR;
          error->code = JD_SERVICE_ERROR_BROKER;
        }
      start_fail (self, error);
      return;
    }
  if (g_task_return_error_if_cancelled (self->start_task))
    {
      g_clear_object (&self->start_task);
      jd_sandbox_broker_stop_async (self->broker, NULL, NULL);
      unlock_folder (self);
      set_progress (self, 0.0, "Canceled");
      return;
    }
  start_service (self);
}

/* ---- supervising the broker ---- */

static void restart_broker (JdSandbox *self);

static gboolean
restart_broker_cb (gpointer user_data)
{
  JdSandbox *self = user_data;

  self->restart_source = 0;
  restart_broker (self);
  return G_SOURCE_REMOVE;
}

static void
broker_restarted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JdSandbox) self = user_data;
  g_autoptr(GError) error = NULL;
  guint delay;

  if (jd_sandbox_broker_start_finish (JD_SANDBOX_BROKER (source), result, &error))
    {
      self->restart_failures = 0;
      if (self->stopping)
        return;
      self->broker_restarts++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROKER_RESTARTS]);
      g_message ("mosquitto restarted on port %u", self->mqtt_port);
      set_progress (self, 1.0, "Running (the broker was restarted)");
      g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_BROKER_RESTARTED], 0);
      return;
    }
  if (self->stopping)
    return;
  /* The port may still be held a moment, or the disk is full: try again. */
  delay = MIN (250u << MIN (self->restart_failures, 8u), (guint) BROKER_RESTART_MAX_DELAY_MS);
  self->restart_failures++;
  g_message ("Could not restart mosquitto (%s); trying again in %u ms", error->message, delay);
  self->restart_source = g_timeout_add (delay, restart_broker_cb, self);
}

static void
restart_broker (JdSandbox *self)
{
  set_progress (self, self->progress, "The broker exited; restarting it");
  jd_sandbox_broker_start_async (self->broker, JD_SANDBOX_HOST, self->mqtt_port, NULL,
                                 broker_restarted_cb, g_object_ref (self));
}

/* mosquitto died under a running sandbox: start it again on the same port
 * with the same configuration. The service keeps running and reconnects
 * by itself; sandbox.json stays, since everything in it stays true. */
static void
broker_exited_cb (JdSandboxBroker *broker,
                  JdSandbox       *self)
{
  if (self->start_task != NULL)
    {
      g_autofree char *tail = jd_sandbox_broker_dup_output_tail (broker);

      /* It listened (or something else on its port did), then died. */
      start_fail (self, g_error_new (JD_SERVICE_ERROR, JD_SERVICE_ERROR_BROKER,
                                     "The broker exited while starting. %s", tail));
      return;
    }
  if (!self->running || self->stopping)
    return;
  g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_BROKER_EXITED], 0);
  restart_broker (self);
}

static void
prepare_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JdSandbox *self = JD_SANDBOX (source);
  GTask *inner = G_TASK (result);
  JdSandboxFolder *data = g_task_get_task_data (inner);
  GError *error = NULL;

  if (!g_task_propagate_boolean (inner, &error))
    {
      start_fail (self, error);
      return;
    }
  if (g_task_return_error_if_cancelled (self->start_task))
    {
      g_clear_object (&self->start_task);
      set_progress (self, 0.0, "Canceled");
      return;
    }

  self->lock_fd = data->lock_fd;
  data->lock_fd = -1;
  g_clear_pointer (&self->ca, jd_sandbox_ca_free);
  self->ca = g_steal_pointer (&data->ca);
  g_clear_pointer (&self->things, g_hash_table_unref);
  self->things = g_steal_pointer (&data->things);
  /* Things deleted before the last stop whose files were still to go: the
   * first batch removes them. */
  for (guint i = 0; i < self->removed_things->len; i++)
    g_hash_table_remove (self->things, g_ptr_array_index (self->removed_things, i));
  g_free (self->access_key_id);
  self->access_key_id = g_steal_pointer (&data->access_key_id);
  g_free (self->secret_access_key);
  self->secret_access_key = g_steal_pointer (&data->secret_access_key);
  self->mqtt_port = data->mqtt_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MQTT_PORT]);
  g_clear_object (&self->file_store);
  self->file_store = g_steal_pointer (&data->file_store);

  set_progress (self, 0.4, "Starting the broker");
  jd_sandbox_broker_start_async (self->broker, JD_SANDBOX_HOST, self->mqtt_port,
                                 g_task_get_cancellable (self->start_task),
                                 broker_started_cb, g_object_ref (self));
}

/* ---- GObject ---- */

static void
jd_sandbox_dispose (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);

  g_clear_handle_id (&self->restart_source, g_source_remove);
  stop_service (self);
  if (self->broker != NULL)
    {
      /* Last resort for an owner that did not stop us: do not leave a broker. */
      g_signal_handlers_disconnect_by_data (self->broker, self);
      if (jd_sandbox_broker_get_pid (self->broker) != 0)
        {
          jd_sandbox_broker_kill_sync (self->broker);
          if (self->running)
            g_unlink (self->info_path);
        }
      g_clear_object (&self->broker);
    }
  unlock_folder (self);

  G_OBJECT_CLASS (jd_sandbox_parent_class)->dispose (object);
}

static void
jd_sandbox_finalize (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);

  g_free (self->data_dir);
  g_free (self->things_dir);
  g_free (self->ca_path);
  g_free (self->ca_key_path);
  g_free (self->server_cert_path);
  g_free (self->server_key_path);
  g_free (self->service_cert_path);
  g_free (self->service_key_path);
  g_free (self->observer_cert_path);
  g_free (self->observer_key_path);
  g_free (self->credentials_path);
  g_free (self->conf_path);
  g_free (self->acl_path);
  g_free (self->info_path);
  g_free (self->store_path);
  g_free (self->codesign_cert_path);
  g_free (self->codesign_key_path);
  g_free (self->files_dir);
  g_clear_object (&self->file_store);
  g_ptr_array_unref (self->requested_things);
  g_hash_table_unref (self->requested_set);
  g_free (self->access_key_id);
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->secret_access_key);
  g_clear_pointer (&self->ca, jd_sandbox_ca_free);
  g_clear_pointer (&self->things, g_hash_table_unref);
  g_clear_pointer (&self->removed_things, g_ptr_array_unref);
  g_free (self->status);

  G_OBJECT_CLASS (jd_sandbox_parent_class)->finalize (object);
}

static void
jd_sandbox_constructed (GObject *object)
{
  JdSandbox *self = JD_SANDBOX (object);
  const char *dir = self->data_dir;

  G_OBJECT_CLASS (jd_sandbox_parent_class)->constructed (object);

  self->things_dir = g_build_filename (dir, "things", NULL);
  self->ca_path = g_build_filename (dir, "ca.pem", NULL);
  self->ca_key_path = g_build_filename (dir, "ca.key", NULL);
  self->server_cert_path = g_build_filename (dir, "server.pem", NULL);
  self->server_key_path = g_build_filename (dir, "server.key", NULL);
  self->service_cert_path = g_build_filename (dir, "service.pem", NULL);
  self->service_key_path = g_build_filename (dir, "service.key", NULL);
  self->observer_cert_path = g_build_filename (dir, "observer.pem", NULL);
  self->observer_key_path = g_build_filename (dir, "observer.key", NULL);
  self->credentials_path = g_build_filename (dir, "credentials.json", NULL);
  self->conf_path = g_build_filename (dir, "mosquitto.conf", NULL);
  self->acl_path = g_build_filename (dir, "mosquitto.acl", NULL);
  self->info_path = g_build_filename (dir, JD_SANDBOX_INFO_FILE, NULL);
  self->broker = jd_sandbox_broker_new (dir);
  g_signal_connect (self->broker, "exited", G_CALLBACK (broker_exited_cb), self);
  self->store_path = g_build_filename (dir, JD_SANDBOX_STORE_FILE, NULL);
  self->codesign_cert_path = g_build_filename (dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  self->codesign_key_path = g_build_filename (dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  self->files_dir = g_build_filename (dir, JD_SANDBOX_FILES_DIR, NULL);
}

static void
jd_sandbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JdSandbox *self = JD_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_MQTT_PORT:
      g_value_set_uint (value, self->mqtt_port);
      break;
    case PROP_HTTPS_PORT:
      g_value_set_uint (value, self->https_port);
      break;
    case PROP_BROKER_RESTARTS:
      g_value_set_uint (value, self->broker_restarts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JdSandbox *self = JD_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_class_init (JdSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_sandbox_dispose;
  object_class->finalize = jd_sandbox_finalize;
  object_class->constructed = jd_sandbox_constructed;
  object_class->get_property = jd_sandbox_get_property;
  object_class->set_property = jd_sandbox_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MQTT_PORT] =
    g_param_spec_uint ("mqtt-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HTTPS_PORT] =
    g_param_spec_uint ("https-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * JdSandbox:broker-restarts:
   *
   * How often the broker died and was started again while running.
   */
  properties[PROP_BROKER_RESTARTS] =
    g_param_spec_uint ("broker-restarts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdSandbox::broker-exited:
   *
   * Mosquitto exited while the sandbox was running, not because of a stop.
   * The sandbox restarts it at once (see #JdSandbox::broker-restarted); the
   * service stays up and reconnects.
   */
  jd_sandbox_signals[JD_SANDBOX_SIGNAL_BROKER_EXITED] =
    g_signal_new ("broker-exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JdSandbox::broker-restarted:
   *
   * The broker that had exited listens again on the same port.
   */
  jd_sandbox_signals[JD_SANDBOX_SIGNAL_BROKER_RESTARTED] =
    g_signal_new ("broker-restarted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JdSandbox::things-changed:
   *
   * A thing got its certificate; sandbox.json was rewritten.
   */
  jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED] =
    g_signal_new ("things-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jd_sandbox_init (JdSandbox *self)
{
  self->requested_things = g_ptr_array_new_with_free_func (g_free);
  self->requested_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->removed_things = g_ptr_array_new_with_free_func (g_free);
  self->status = g_strdup ("Stopped");
  self->lock_fd = -1;
}

/* ---- public API ---- */

/**
 * jd_sandbox_new:
 * @data_dir: the sandbox folder; created on first start
 *
 * Returns: (transfer full): a stopped sandbox
 */
JdSandbox *
jd_sandbox_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (JD_TYPE_SANDBOX, "data-dir", data_dir, NULL);
}

/**
 * jd_sandbox_dup_default_data_dir:
 *
 * Returns: (transfer full): the default sandbox folder
 */
char *
jd_sandbox_dup_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "jobdeck", "sandbox", NULL);
}

gboolean
jd_sandbox_add_thing (JdSandbox   *self,
                      const char  *thing_name,
                      GError     **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);

  if (!jd_sandbox_check_thing_name (thing_name, error))
    return FALSE;
  if (g_hash_table_contains (self->requested_set, thing_name))
    return TRUE;
  {
    char *name = g_strdup (thing_name);

    g_ptr_array_add (self->requested_things, name);
    g_hash_table_add (self->requested_set, name);
  }
  return TRUE;
}

void
jd_sandbox_set_mqtt_port (JdSandbox *self,
                          guint16    port)
{
  g_return_if_fail (JD_IS_SANDBOX (self));
  self->requested_mqtt_port = port;
}

void
jd_sandbox_set_https_port (JdSandbox *self,
                           guint16    port)
{
  g_return_if_fail (JD_IS_SANDBOX (self));
  self->requested_https_port = port;
}

void
jd_sandbox_set_fleet_events (JdSandbox *self,
                             gboolean   enabled)
{
  g_return_if_fail (JD_IS_SANDBOX (self));

  self->fleet_events = enabled;
  if (self->service != NULL && jd_service_get_mqtt (self->service) != NULL)
    jd_service_mqtt_set_fleet_events (jd_service_get_mqtt (self->service), enabled,
                                      JD_SANDBOX_REGION, JD_SANDBOX_ACCOUNT_ID);
}

void
jd_sandbox_start_async (JdSandbox           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  JdSandboxFolder *data;

  g_return_if_fail (JD_IS_SANDBOX (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_start_async);

  if (self->start_task != NULL || self->running || jd_sandbox_broker_get_pid (self->broker) != 0)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox is already running or starting");
      return;
    }

  data = g_new0 (JdSandboxFolder, 1);
  data->data_dir = g_strdup (self->data_dir);
  data->things_dir = g_strdup (self->things_dir);
  data->ca_path = g_strdup (self->ca_path);
  data->ca_key_path = g_strdup (self->ca_key_path);
  data->server_cert_path = g_strdup (self->server_cert_path);
  data->server_key_path = g_strdup (self->server_key_path);
  data->service_cert_path = g_strdup (self->service_cert_path);
  data->service_key_path = g_strdup (self->service_key_path);
  data->observer_cert_path = g_strdup (self->observer_cert_path);
  data->observer_key_path = g_strdup (self->observer_key_path);
  data->credentials_path = g_strdup (self->credentials_path);
  data->conf_path = g_strdup (self->conf_path);
  data->acl_path = g_strdup (self->acl_path);
  data->codesign_cert_path = g_strdup (self->codesign_cert_path);
  data->codesign_key_path = g_strdup (self->codesign_key_path);
  data->files_dir = g_strdup (self->files_dir);
  data->requested_things = g_new0 (char *, self->requested_things->len + 1);
  for (guint i = 0; i < self->requested_things->len; i++)
    data->requested_things[i] = g_strdup (g_ptr_array_index (self->requested_things, i));
  data->mqtt_port = self->requested_mqtt_port;
  data->things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->lock_fd = -1;

  self->start_task = g_steal_pointer (&task);
  set_progress (self, 0.1, "Preparing the sandbox folder");

  inner = g_task_new (self, cancellable, prepare_done_cb, NULL);
  g_task_set_source_tag (inner, jd_sandbox_folder_prepare_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) jd_sandbox_folder_free);
  g_task_run_in_thread (inner, jd_sandbox_folder_prepare_thread);
}

gboolean
jd_sandbox_start_finish (JdSandbox     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
broker_stopped_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSandbox *self = g_task_get_source_object (task);

  jd_sandbox_broker_stop_finish (JD_SANDBOX_BROKER (source), result, NULL);
  self->stopping = FALSE;
  if (self->running)
    {
      g_unlink (self->info_path);
      set_running (self, FALSE);
      set_progress (self, 0.0, "Stopped");
    }
  unlock_folder (self);
  g_task_return_boolean (task, TRUE);
}

void
jd_sandbox_stop_async (JdSandbox           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_SANDBOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_stop_async);

  if (self->start_task != NULL)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox is still starting; cancel the start instead");
      return;
    }
  self->stopping = TRUE;
  g_clear_handle_id (&self->restart_source, g_source_remove);
  set_progress (self, self->progress, "Stopping");
  stop_service (self);
  jd_sandbox_broker_stop_async (self->broker, broker_stopped_cb, g_steal_pointer (&task));
}

gboolean
jd_sandbox_stop_finish (JdSandbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * jd_sandbox_get_service:
 * @self: a sandbox
 *
 * Returns: (transfer none) (nullable): the service while running
 */
JdService *
jd_sandbox_get_service (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service;
}

/**
 * jd_sandbox_get_broker_pid:
 *
 * Returns: mosquitto's process id while it runs, else 0
 */
int
jd_sandbox_get_broker_pid (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0);
  return jd_sandbox_broker_get_pid (self->broker);
}

/**
 * jd_sandbox_restart_broker_now:
 *
 * When the broker died and its restart failed, the next attempt waits
 * (backing off up to 30 s); this makes it now. Someone pressing Retry
 * should not wait for the backoff.
 *
 * Returns: %TRUE if an attempt was started
 */
gboolean
jd_sandbox_restart_broker_now (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);

  if (self->restart_source == 0 || !self->running || self->stopping)
    return FALSE;
  g_clear_handle_id (&self->restart_source, g_source_remove);
  restart_broker (self);
  return TRUE;
}

gboolean
jd_sandbox_get_running (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  return self->running;
}

double
jd_sandbox_get_progress (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0.0);
  return self->progress;
}

const char *
jd_sandbox_get_status (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->status;
}

const char *
jd_sandbox_get_data_dir (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->data_dir;
}

const char *
jd_sandbox_get_info_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->info_path;
}

const char *
jd_sandbox_get_store_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->store_path;
}

guint16
jd_sandbox_get_mqtt_port (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0);
  return self->mqtt_port;
}

guint16
jd_sandbox_get_https_port (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), 0);
  return self->https_port;
}

char *
jd_sandbox_dup_endpoint (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return g_strdup_printf ("https://%s:%u", JD_SANDBOX_HOST, self->https_port);
}

const char *
jd_sandbox_get_ca_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->ca_path;
}

const char *
jd_sandbox_get_server_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->server_cert_path;
}

const char *
jd_sandbox_get_server_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->server_key_path;
}

const char *
jd_sandbox_get_service_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service_cert_path;
}

const char *
jd_sandbox_get_service_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->service_key_path;
}

const char *
jd_sandbox_get_observer_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->observer_cert_path;
}

const char *
jd_sandbox_get_observer_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->observer_key_path;
}

const char *
jd_sandbox_get_access_key_id (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->access_key_id;
}

const char *
jd_sandbox_get_secret_access_key (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);
  return self->secret_access_key;
}

const char *
jd_sandbox_get_codesign_cert_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->codesign_cert_path;
}

const char *
jd_sandbox_get_codesign_key_path (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->codesign_key_path;
}

JdFileStore *
jd_sandbox_get_file_store (JdSandbox *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  return self->file_store;
}
