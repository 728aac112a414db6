/* jd-session.c — the JdSession type: its properties and state, start, stop
 * and reconnect, and what callers read from it. The start-up chain itself,
 * all asynchronous, lives beside it (see jd-session-private.h):
 *   1. where (jd-session-target.c, jd-session-checks.c);
 *   2. and 3. credentials and the key passphrase (jd-session-credentials.c);
 *   4. and 5. the control plane and the thing, then the thing's MQTT
 *      connection and jobs client (jd-session-connect.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-session"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-session.h"
#include "jd-session-private.h"

G_DEFINE_TYPE_WITH_PRIVATE (JdSession, jd_session, G_TYPE_OBJECT)

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
  PROP_PROFILE,
  PROP_SANDBOX_DIR,
  PROP_THING_NAME,
  PROP_STATE,
  PROP_STATUS,
  PROP_ERROR_MESSAGE,
  PROP_JOBS_CLIENT,
  PROP_CONTROL_PLANE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GObject ---- */

static void
jd_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JdSession *self = JD_SESSION (object);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, priv->profile);
      break;
    case PROP_SANDBOX_DIR:
      g_value_set_string (value, priv->sandbox_dir);
      break;
    case PROP_THING_NAME:
      g_value_set_string (value, priv->thing_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_STATUS:
      g_value_set_string (value, priv->status);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, priv->error_message);
      break;
    case PROP_JOBS_CLIENT:
      g_value_set_object (value, priv->jobs_client);
      break;
    case PROP_CONTROL_PLANE:
      g_value_set_object (value, priv->control_plane);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JdSession *self = JD_SESSION (object);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PROFILE:
      priv->profile = g_value_dup_object (value);
      break;
    case PROP_SANDBOX_DIR:
      priv->sandbox_dir = g_value_dup_string (value);
      break;
    case PROP_THING_NAME:
      priv->thing_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_session_constructed (GObject *object)
{
  JdSession *self = JD_SESSION (object);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  G_OBJECT_CLASS (jd_session_parent_class)->constructed (object);

  if (priv->profile != NULL)
    {
      priv->name = jd_profile_dup_name (priv->profile);
      if (priv->thing_name == NULL)
        priv->thing_name = jd_profile_dup_thing_name (priv->profile);
      if (priv->sandbox_dir == NULL)
        priv->client_id = jd_session_nonempty (jd_profile_dup_client_id (priv->profile));
    }
  if (priv->sandbox_dir != NULL)
    {
      if (priv->name == NULL)
        priv->name = g_strdup (_("Local sandbox"));
      if (priv->thing_name == NULL || priv->thing_name[0] == '\0')
        {
          g_free (priv->thing_name);
          priv->thing_name = g_strdup (JD_SANDBOX_INFO_DEFAULT_THING);
        }
    }
}

static void
jd_session_dispose (GObject *object)
{
  JdSession *self = JD_SESSION (object);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  if (priv->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->connection, self);
      jd_mqtt_connection_disconnect (priv->connection);
    }
  g_clear_object (&priv->jobs_client);
  g_clear_object (&priv->connection);
  g_clear_object (&priv->control_plane);

  G_OBJECT_CLASS (jd_session_parent_class)->dispose (object);
}

static void
jd_session_finalize (GObject *object)
{
  JdSession *self = JD_SESSION (object);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_clear_object (&priv->profile);
  g_clear_object (&priv->cancellable);
  g_free (priv->sandbox_dir);
  g_free ((char *) priv->options.endpoint);
  g_free ((char *) priv->options.client_id);
  g_free ((char *) priv->options.certificate_path);
  g_free ((char *) priv->options.key_path);
  if (priv->options.key_passphrase != NULL)
    memset ((char *) priv->options.key_passphrase, 0, strlen (priv->options.key_passphrase));
  g_free ((char *) priv->options.key_passphrase);
  g_free ((char *) priv->options.ca_path);
  g_free ((char *) priv->options.thing_name);
  g_free ((char *) priv->options.region);
  g_free ((char *) priv->options.control_plane_endpoint);
  g_clear_object (&priv->options.credentials);
  g_free (priv->client_id);
  g_free (priv->arn_prefix);
  g_strfreev (priv->codesign_certificates);
  g_free (priv->download_ca_path);
  g_free (priv->name);
  g_free (priv->thing_name);
  g_free (priv->status);
  g_free (priv->error_message);

  G_OBJECT_CLASS (jd_session_parent_class)->finalize (object);
}

static void
jd_session_class_init (JdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = jd_session_constructed;
  object_class->dispose = jd_session_dispose;
  object_class->finalize = jd_session_finalize;
  object_class->get_property = jd_session_get_property;
  object_class->set_property = jd_session_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, JD_TYPE_PROFILE, construct);
  properties[PROP_SANDBOX_DIR] =
    g_param_spec_string ("sandbox-dir", NULL, NULL, NULL, construct);
  properties[PROP_THING_NAME] =
    g_param_spec_string ("thing-name", NULL, NULL, NULL, construct);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, JD_TYPE_SESSION_STATE, JD_SESSION_STATE_IDLE, ro);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, ro);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_JOBS_CLIENT] =
    g_param_spec_object ("jobs-client", NULL, NULL, JD_TYPE_JOBS_CLIENT, ro);
  properties[PROP_CONTROL_PLANE] =
    g_param_spec_object ("control-plane", NULL, NULL, JD_TYPE_CONTROL_PLANE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_session_init (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
  priv->status = g_strdup (_("Offline"));
}

/* ---- for the other files of the session (jd-session-private.h) ---- */

JdSessionPrivate *
jd_session_get_private (JdSession *self)
{
  return jd_session_get_instance_private (self);
}

void
jd_session_set_state (JdSession      *self,
                      JdSessionState  state,
                      const char     *status)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (priv->state != state)
    {
      priv->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (priv->status, status) != 0)
    {
      g_free (priv->status);
      priv->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
jd_session_set_error_message (JdSession  *self,
                              const char *message)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  if (g_strcmp0 (priv->error_message, message) == 0)
    return;
  g_free (priv->error_message);
  priv->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
jd_session_fail_start (JdSession *self,
                       GTask     *task,
                       GError    *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      jd_session_set_error_message (self, error->message);
      jd_session_set_state (self, JD_SESSION_STATE_FAILED, _("Could not start"));
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
jd_session_take_device (JdSession        *self,
                        JdMqttConnection *connection,
                        JdJobsClient     *jobs_client)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_assert (priv->connection == NULL && priv->jobs_client == NULL);

  priv->connection = connection;
  priv->jobs_client = jobs_client;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOBS_CLIENT]);
}

void
jd_session_take_control_plane (JdSession      *self,
                               JdControlPlane *control_plane)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_assert (priv->control_plane == NULL);

  priv->control_plane = control_plane;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);
}

/* ---- public API ---- */

JdSession *
jd_session_new_for_profile (JdProfile *profile)
{
  g_return_val_if_fail (JD_IS_PROFILE (profile), NULL);

  return g_object_new (JD_TYPE_SESSION, "profile", profile, NULL);
}

JdSession *
jd_session_new_for_sandbox (const char *dir,
                            const char *thing_name)
{
  g_return_val_if_fail (dir != NULL, NULL);

  return g_object_new (JD_TYPE_SESSION, "sandbox-dir", dir, "thing-name", thing_name, NULL);
}

JdSession *
jd_session_new_for_options (const JdSessionOptions *options)
{
  JdSession *self;
  JdSessionPrivate *priv;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->thing_name != NULL, NULL);

  self = g_object_new (JD_TYPE_SESSION, "thing-name", options->thing_name, NULL);
  priv = jd_session_get_instance_private (self);
  priv->has_options = TRUE;
  priv->options.endpoint = g_strdup (options->endpoint);
  priv->options.port = options->port;
  priv->options.client_id = g_strdup (options->client_id);
  priv->options.certificate_path = g_strdup (options->certificate_path);
  priv->options.key_path = g_strdup (options->key_path);
  priv->options.key_passphrase = g_strdup (options->key_passphrase);
  priv->options.ca_path = g_strdup (options->ca_path);
  priv->options.thing_name = g_strdup (options->thing_name);
  priv->options.region = g_strdup (options->region);
  priv->options.control_plane_endpoint = g_strdup (options->control_plane_endpoint);
  priv->options.credentials = options->credentials ? g_object_ref (options->credentials) : NULL;
  priv->client_id = g_strdup (options->client_id);
  priv->name = g_strdup (options->endpoint != NULL ? options->endpoint : options->thing_name);
  return self;
}

void
jd_session_set_client_id (JdSession  *self,
                          const char *client_id)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_if_fail (JD_IS_SESSION (self));

  g_free (priv->client_id);
  priv->client_id = g_strdup (client_id);
}

void
jd_session_set_require_control_plane (JdSession *self,
                                      gboolean   require)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_if_fail (JD_IS_SESSION (self));

  priv->require_control_plane = require;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

void
jd_session_set_device_enabled (JdSession *self,
                               gboolean   enabled)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_if_fail (JD_IS_SESSION (self));

  priv->device_disabled = !enabled;
}

/**
 * jd_session_start_async:
 *
 * Starts what the session needs and connects. Completes on the first
 * connection attempt; a failed attempt leaves the session reconnecting.
 */
void
jd_session_start_async (JdSession           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  GTask *task;

  g_return_if_fail (JD_IS_SESSION (self));

  if (priv->state != JD_SESSION_STATE_IDLE)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, jd_session_start_async);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The session has already started"));
      g_object_unref (task);
      return;
    }

  /* Everything below runs on the session's own cancellable (stop cancels
   * it); the caller's cancels it too. */
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                           g_object_ref (priv->cancellable), g_object_unref);
  task = g_task_new (self, priv->cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_session_start_async);

  jd_session_set_error_message (self, NULL);
  jd_session_set_state (self, JD_SESSION_STATE_STARTING,
                        priv->sandbox_dir != NULL ? _("Starting the local sandbox…") : _("Looking up credentials…"));
  jd_session_start_target (self, task);
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
cleaned_up_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = JD_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (!JD_SESSION_GET_CLASS (self)->cleanup_finish (self, result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * jd_session_stop_async:
 *
 * Disconnects, cancels what is under way, and stops what the subclass
 * started (the app's embedded sandbox).
 */
void
jd_session_stop_async (JdSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  JdSessionClass *klass;

  g_return_if_fail (JD_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_session_stop_async);
  klass = JD_SESSION_GET_CLASS (self);

  g_cancellable_cancel (priv->cancellable);
  jd_session_set_state (self, JD_SESSION_STATE_STOPPED, _("Offline"));
  if (priv->connection != NULL)
    jd_mqtt_connection_disconnect (priv->connection);

  if (klass->cleanup_async != NULL && !priv->cleaned_up)
    {
      priv->cleaned_up = TRUE;
      klass->cleanup_async (self, cleaned_up_cb, g_steal_pointer (&task));
    }
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
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_if_fail (JD_IS_SESSION (self));

  if (priv->connection == NULL)
    return;
  jd_mqtt_connection_disconnect (priv->connection);
  jd_mqtt_connection_connect (priv->connection);
}

void
jd_session_set_starting_status (JdSession  *self,
                                const char *status)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_if_fail (JD_IS_SESSION (self));

  if (priv->state == JD_SESSION_STATE_STARTING)
    jd_session_set_state (self, JD_SESSION_STATE_STARTING, status);
}

JdSessionState
jd_session_get_state (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), JD_SESSION_STATE_IDLE);
  return priv->state;
}

const char *
jd_session_get_status (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->status;
}

/**
 * jd_session_get_error_message:
 *
 * Returns: (nullable): why the session is not (fully) working, in words
 */
const char *
jd_session_get_error_message (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->error_message;
}

const char *
jd_session_get_name (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->name;
}

const char *
jd_session_get_thing_name (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->thing_name;
}

const char *
jd_session_get_sandbox_dir (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->sandbox_dir;
}

gboolean
jd_session_get_is_sandbox (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), FALSE);
  return priv->sandbox_dir != NULL;
}

/**
 * jd_session_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile of a profile session
 */
JdProfile *
jd_session_get_profile (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->profile;
}

/**
 * jd_session_get_connection:
 *
 * Returns: (transfer none) (nullable): the thing's MQTT connection
 */
JdMqttConnection *
jd_session_get_connection (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->connection;
}

/**
 * jd_session_get_jobs_client:
 *
 * Returns: (transfer none) (nullable): the device API client
 */
JdJobsClient *
jd_session_get_jobs_client (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->jobs_client;
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
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  return priv->control_plane;
}

/**
 * jd_session_dup_thing_arn:
 * @thing_name: a thing of the same account
 *
 * Returns: (transfer full) (nullable): the thing's ARN, as CreateJob targets
 *   it; %NULL while the account is not known yet
 */
char *
jd_session_dup_thing_arn (JdSession  *self,
                          const char *thing_name)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  if (priv->arn_prefix == NULL)
    return NULL;
  return g_strconcat (priv->arn_prefix, thing_name, NULL);
}

/**
 * jd_session_get_codesign_certificate:
 *
 * Returns: (nullable): the code-signing certificate (a PEM path) the device
 *   verifies signed files with — the sandbox's own in a sandbox, else the
 *   profile's first — once the session started; %NULL when none is trusted
 */
const char *
jd_session_get_codesign_certificate (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return priv->codesign_certificates != NULL ? priv->codesign_certificates[0] : NULL;
}

/**
 * jd_session_get_download_ca_path:
 *
 * Returns: (nullable): the CA trusted for downloading signed files (the
 *   sandbox's, whose file store serves them), or %NULL for the system's
 */
const char *
jd_session_get_download_ca_path (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  g_return_val_if_fail (JD_IS_SESSION (self), NULL);

  return priv->download_ca_path;
}
