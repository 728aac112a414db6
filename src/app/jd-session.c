/* jd-session.c — one connection profile at work.
 *
 * Start-up, all asynchronous: for the sandbox, start JdSandbox (certificates,
 * mosquitto, the jobs service) and take the thing's files and the sandbox
 * credentials from it; for an AWS profile, look up the credentials and the key
 * passphrase. Then make the control-plane client, make sure the thing exists
 * (DescribeThing, then CreateThing, as the JobsSandbox sample does), and
 * connect the thing over MQTT. The session's state follows the connection's
 * afterwards, so reconnects show up without anybody polling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-credentials.h"
#include "jd-session.h"

struct _JdSession
{
  GObject           parent_instance;

  JdProfile        *profile;       /* NULL for the sandbox */
  char             *data_dir;      /* sandbox only */
  char             *name;
  char             *thing_name;

  JdSessionState    state;
  char             *status;
  char             *error_message;

  JdSandbox        *sandbox;
  JdMqttConnection *connection;
  JdJobsClient     *jobs_client;
  JdControlPlane   *control_plane;
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (JdSession, jd_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (JdSessionState, jd_session_state,
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (JD_SESSION_STATE_STOPPED, "stopped"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_STATUS,
  PROP_ERROR_MESSAGE,
  PROP_JOBS_CLIENT,
  PROP_CONTROL_PLANE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (JdSession      *self,
           JdSessionState  state,
           const char     *status)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  if (g_strcmp0 (self->status, status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_error_message (JdSession  *self,
                   const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* The connection's state becomes the session's, in words. */
static void
connection_state_changed_cb (JdSession *self)
{
  const char *reason = jd_mqtt_connection_get_last_error_message (self->connection);
  g_autofree char *status = NULL;

  switch (jd_mqtt_connection_get_state (self->connection))
    {
    case JD_MQTT_STATE_CONNECTING:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connecting as %s…"), self->thing_name);
      set_state (self, JD_SESSION_STATE_CONNECTING, status);
      break;

    case JD_MQTT_STATE_CONNECTED:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connected as %s"), self->thing_name);
      set_error_message (self, NULL);
      set_state (self, JD_SESSION_STATE_CONNECTED, status);
      break;

    case JD_MQTT_STATE_RECONNECTING:
      set_error_message (self, reason);
      set_state (self, JD_SESSION_STATE_RECONNECTING, _("Reconnecting…"));
      break;

    case JD_MQTT_STATE_DISCONNECTED:
    default:
      if (self->state != JD_SESSION_STATE_STOPPED)
        set_state (self, JD_SESSION_STATE_IDLE, _("Offline"));
      break;
    }
}

static void
sandbox_status_changed_cb (JdSession *self)
{
  if (self->state == JD_SESSION_STATE_STARTING)
    set_state (self, JD_SESSION_STATE_STARTING, jd_sandbox_get_status (self->sandbox));
}

static void
fail_start (JdSession *self,
            GTask     *task,
            GError    *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  set_error_message (self, error->message);
  set_state (self, JD_SESSION_STATE_FAILED, _("Could not start"));
  g_task_return_error (task, error);
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* The first attempt's result; after a failure the connection keeps retrying
   * with backoff and the session shows "Reconnecting" with the reason. */
  if (!jd_mqtt_connection_connect_finish (JD_MQTT_CONNECTION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error_message (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
connect_thing (JdSession  *self,
               GTask      *task,
               const char *host,
               guint16     port,
               const char *client_id,
               const char *ca_path,
               const char *cert_path,
               const char *key_path,
               const char *key_passphrase)
{
  self->connection = jd_mqtt_connection_new (host, port, client_id);
  jd_mqtt_connection_set_tls_files (self->connection, ca_path, cert_path, key_path, key_passphrase);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (connection_state_changed_cb), self, G_CONNECT_SWAPPED);

  self->jobs_client = jd_jobs_client_new (self->connection, self->thing_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOBS_CLIENT]);

  jd_mqtt_connection_connect_async (self->connection, g_task_get_cancellable (task),
                                    connect_done_cb, g_object_ref (task));
}

/* ---- the sandbox ---- */

static void
sandbox_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  if (!jd_sandbox_start_finish (self->sandbox, result, &error))
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }

  if (!jd_sandbox_get_thing_files (self->sandbox, self->thing_name, &cert_path, &key_path))
    {
      fail_start (self, task,
                  g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_CERTIFICATE,
                               _("The sandbox has no certificate for the thing “%s”"), self->thing_name));
      return;
    }

  credentials = jd_credentials_new (jd_sandbox_get_access_key_id (self->sandbox),
                                    jd_sandbox_get_secret_access_key (self->sandbox),
                                    NULL, JD_SANDBOX_REGION);
  endpoint = jd_sandbox_dup_endpoint (self->sandbox);
  self->control_plane = jd_control_plane_new (JD_SANDBOX_REGION, endpoint,
                                              jd_sandbox_get_ca_path (self->sandbox),
                                              credentials, &error);
  if (self->control_plane == NULL)
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);

  connect_thing (self, g_steal_pointer (&task),
                 JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (self->sandbox), self->thing_name,
                 jd_sandbox_get_ca_path (self->sandbox), cert_path, key_path, NULL);
}

/* ---- an AWS profile ---- */

typedef struct {
  JdCredentials *credentials;
  GError        *credentials_error;
} AwsStart;

static void
aws_start_free (AwsStart *start)
{
  g_clear_object (&start->credentials);
  g_clear_error (&start->credentials_error);
  g_free (start);
}

static void
thing_ensured_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  /* Not fatal: with a policy that lacks iot:CreateThing the device side works
   * anyway. The operator's calls will report what AWS says. */
  if (arn == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not make sure the thing exists: %s", error->message);
}

static void
passphrase_looked_up_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  AwsStart *start = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *passphrase = jd_credentials_lookup_secret_finish (result, &error);
  g_autofree char *endpoint = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The operator side needs credentials; without them the device side still runs. */
  if (start->credentials != NULL)
    {
      g_autoptr(GError) cp_error = NULL;

      self->control_plane = jd_control_plane_new_for_profile (self->profile, start->credentials, &cp_error);
      if (self->control_plane == NULL)
        set_error_message (self, cp_error->message);
      else
        {
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);
          jd_control_plane_ensure_thing_async (self->control_plane, self->thing_name, self->cancellable,
                                               thing_ensured_cb, NULL);
        }
    }
  else if (start->credentials_error != NULL)
    {
      set_error_message (self, start->credentials_error->message);
    }

  endpoint = jd_profile_dup_endpoint (self->profile);
  client_id = jd_profile_dup_client_id (self->profile);
  ca_path = jd_profile_dup_ca_path (self->profile);
  cert_path = jd_profile_dup_certificate_path (self->profile);
  key_path = jd_profile_dup_key_path (self->profile);

  connect_thing (self, g_steal_pointer (&task),
                 endpoint, jd_profile_get_port (self->profile), client_id,
                 ca_path[0] ? ca_path : NULL, cert_path, key_path, passphrase);
}

static void
credentials_looked_up_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  AwsStart *start = g_task_get_task_data (task);

  start->credentials = jd_profile_lookup_credentials_finish (self->profile, result, &start->credentials_error);
  if (g_error_matches (start->credentials_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&start->credentials_error));
      return;
    }

  jd_credentials_lookup_secret_async (jd_profile_get_id (self->profile), JD_SECRET_KIND_KEY_PASSPHRASE,
                                      g_task_get_cancellable (task),
                                      passphrase_looked_up_cb, g_steal_pointer (&task));
}

/* ---- GObject ---- */

static void
jd_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JdSession *self = JD_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_JOBS_CLIENT:
      g_value_set_object (value, self->jobs_client);
      break;

    case PROP_CONTROL_PLANE:
      g_value_set_object (value, self->control_plane);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_session_dispose (GObject *object)
{
  JdSession *self = JD_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      jd_mqtt_connection_disconnect (self->connection);
    }
  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);

  g_clear_object (&self->jobs_client);
  g_clear_object (&self->connection);
  g_clear_object (&self->control_plane);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (jd_session_parent_class)->dispose (object);
}

static void
jd_session_finalize (GObject *object)
{
  JdSession *self = JD_SESSION (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->thing_name, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (jd_session_parent_class)->finalize (object);
}

static void
jd_session_class_init (JdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_session_dispose;
  object_class->finalize = jd_session_finalize;
  object_class->get_property = jd_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       JD_TYPE_SESSION_STATE, JD_SESSION_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOBS_CLIENT] =
    g_param_spec_object ("jobs-client", NULL, NULL, JD_TYPE_JOBS_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROL_PLANE] =
    g_param_spec_object ("control-plane", NULL, NULL, JD_TYPE_CONTROL_PLANE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_session_init (JdSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->status = g_strdup (_("Offline"));
}

/**
 * jd_session_new_for_sandbox:
 * @data_dir: the sandbox's folder (made on first use)
 * @thing_name: (nullable): the thing to be, %NULL for MyThing
 */
JdSession *
jd_session_new_for_sandbox (const char *data_dir,
                            const char *thing_name)
{
  JdSession *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (JD_TYPE_SESSION, NULL);
  self->data_dir = g_strdup (data_dir);
  self->name = g_strdup (_("Local sandbox"));
  self->thing_name = g_strdup (thing_name ? thing_name : JD_SANDBOX_DEFAULT_THING);
  return self;
}

JdSession *
jd_session_new_for_profile (JdProfile *profile)
{
  JdSession *self;

  g_return_val_if_fail (JD_IS_PROFILE (profile), NULL);

  self = g_object_new (JD_TYPE_SESSION, NULL);
  self->profile = g_object_ref (profile);
  self->name = jd_profile_dup_name (profile);
  self->thing_name = jd_profile_dup_thing_name (profile);
  return self;
}

/**
 * jd_session_start_async:
 *
 * Starts what the profile needs and connects. Completes on the first
 * connection attempt; a failed attempt leaves the session reconnecting.
 */
void
jd_session_start_async (JdSession           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_session_start_async);

  if (self->state != JD_SESSION_STATE_IDLE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The session has already started"));
      return;
    }

  set_error_message (self, NULL);

  if (self->profile == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->sandbox = jd_sandbox_new (self->data_dir);
      g_signal_connect_object (self->sandbox, "notify::status",
                               G_CALLBACK (sandbox_status_changed_cb), self, G_CONNECT_SWAPPED);
      set_state (self, JD_SESSION_STATE_STARTING, _("Starting the local sandbox…"));

      if (!jd_sandbox_add_thing (self->sandbox, self->thing_name, &error))
        {
          fail_start (self, task, g_steal_pointer (&error));
          return;
        }

      jd_sandbox_start_async (self->sandbox, self->cancellable, sandbox_started_cb, g_steal_pointer (&task));
    }
  else
    {
      g_autoptr(GError) error = NULL;

      set_state (self, JD_SESSION_STATE_STARTING, _("Looking up credentials…"));
      if (!jd_profile_check_thing_name (self->thing_name, &error))
        {
          fail_start (self, task, g_steal_pointer (&error));
          return;
        }

      g_task_set_task_data (task, g_new0 (AwsStart, 1), (GDestroyNotify) aws_start_free);
      jd_profile_lookup_credentials_async (self->profile, self->cancellable,
                                           credentials_looked_up_cb, g_steal_pointer (&task));
    }
}

gboolean
jd_session_start_finish (JdSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (JD_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sandbox_stopped_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_sandbox_stop_finish (JD_SANDBOX (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * jd_session_stop_async:
 *
 * Disconnects, cancels what is under way, and stops the sandbox's broker and
 * service when this session started them.
 */
void
jd_session_stop_async (JdSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_session_stop_async);

  g_cancellable_cancel (self->cancellable);
  set_state (self, JD_SESSION_STATE_STOPPED, _("Offline"));
  if (self->connection != NULL)
    jd_mqtt_connection_disconnect (self->connection);

  if (self->sandbox != NULL)
    jd_sandbox_stop_async (self->sandbox, NULL, sandbox_stopped_cb, g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
jd_session_stop_finish (JdSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JD_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * jd_session_reconnect:
 *
 * Tries the MQTT connection again now instead of waiting for the backoff.
 */
void
jd_session_reconnect (JdSession *self)
{
  g_return_if_fail (JD_IS_SESSION (self));

  if (self->connection == NULL)
    return;

  jd_mqtt_connection_disconnect (self->connection);
  jd_mqtt_connection_connect (self->connection);
}

JdSessionState
jd_session_get_state (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), JD_SESSION_STATE_IDLE);

  return self->state;
}

const char *
jd_session_get_status (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->status;
}

/**
 * jd_session_get_error_message:
 *
 * Returns: (nullable): why the session is not (fully) working, in words
 */
const char *
jd_session_get_error_message (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->error_message;
}

const char *
jd_session_get_name (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->name;
}

const char *
jd_session_get_thing_name (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->thing_name;
}

gboolean
jd_session_get_is_sandbox (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), FALSE);

  return self->profile == NULL;
}

/**
 * jd_session_get_sandbox:
 *
 * Returns: (transfer none) (nullable): the sandbox this session runs
 */
JdSandbox *
jd_session_get_sandbox (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->sandbox;
}

/**
 * jd_session_get_connection:
 *
 * Returns: (transfer none) (nullable): the thing's MQTT connection
 */
JdMqttConnection *
jd_session_get_connection (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->connection;
}

/**
 * jd_session_get_jobs_client:
 *
 * Returns: (transfer none) (nullable): the device API client
 */
JdJobsClient *
jd_session_get_jobs_client (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->jobs_client;
}

/**
 * jd_session_get_control_plane:
 *
 * Returns: (transfer none) (nullable): the control-plane client, %NULL
 *   without credentials
 */
JdControlPlane *
jd_session_get_control_plane (JdSession *self)
{
  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return self->control_plane;
}
