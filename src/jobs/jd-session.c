/* jd-session.c — one session: where to connect, and everything it takes.
 *
 * Start-up, all asynchronous:
 *   1. where:       the subclass's prepare (the app's embedded sandbox), or
 *                   DIR/sandbox.json read in a worker thread, or the profile,
 *                   or the explicit options (their files checked in a thread:
 *                   readable, and the key the certificate's);
 *   2. credentials: the sandbox's, the options', the profile's chain, or the
 *                   standard chain (environment, then ~/.aws);
 *   3. passphrase:  the profile's key passphrase from the keyring;
 *   4. the control-plane client, then DescribeThing/CreateThing (as the
 *      JobsSandbox sample does; in a sandbox CreateThing issues the thing's
 *      certificate, so sandbox.json is read again);
 *   5. the thing's MQTT connection and jobs client. Start completes on the
 *      first connection attempt; afterwards the session's state follows the
 *      connection's, so reconnects show without anybody polling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-session"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-session.h"
#include "jd-session-private.h"

typedef struct
{
  JdProfile        *profile;        /* a profile session */
  char             *sandbox_dir;    /* a sandbox session */
  JdSessionOptions  options;        /* an options session: owned copies */
  gboolean          has_options;
  char             *client_id;
  gboolean          require_control_plane;
  gboolean          device_disabled;

  char             *arn_prefix;     /* "arn:aws:iot:REGION:ACCOUNT:thing/" once known */
  GStrv             codesign_certificates; /* trusted for signed files, once started */
  char             *download_ca_path;      /* trusted for their downloads (NULL: the system's) */
  char             *name;
  char             *thing_name;

  JdSessionState    state;
  char             *status;
  char             *error_message;

  JdMqttConnection *connection;
  JdJobsClient     *jobs_client;
  JdControlPlane   *control_plane;
  GCancellable     *cancellable;
  gboolean          cleaned_up;
} JdSessionPrivate;

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

/* Where the device and the operator connect, once known. */
typedef struct {
  char          *host;
  guint16        port;
  char          *ca_path;
  char          *cert_path;
  char          *key_path;
  char          *key_passphrase;
  char          *region;
  char          *control_plane_url;
  char          *control_plane_ca_path;
  JdCredentials *credentials;
  GError        *credentials_error;
  JdSandboxInfo *info;            /* a sandbox's */
} Target;

static void
target_free (Target *target)
{
  g_free (target->host);
  g_free (target->ca_path);
  g_free (target->cert_path);
  g_free (target->key_path);
  if (target->key_passphrase != NULL)
    memset (target->key_passphrase, 0, strlen (target->key_passphrase));
  g_free (target->key_passphrase);
  g_free (target->region);
  g_free (target->control_plane_url);
  g_free (target->control_plane_ca_path);
  g_clear_object (&target->credentials);
  g_clear_error (&target->credentials_error);
  g_clear_pointer (&target->info, jd_sandbox_info_free);
  g_free (target);
}

static char *
dup_nonempty (char *text)
{
  if (text != NULL && text[0] == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
set_state (JdSession      *self,
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

static void
set_error_message (JdSession  *self,
                   const char *message)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);

  if (g_strcmp0 (priv->error_message, message) == 0)
    return;
  g_free (priv->error_message);
  priv->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* The connection's state becomes the session's, in words. */
static void
connection_state_changed_cb (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  const char *reason = jd_mqtt_connection_get_last_error_message (priv->connection);
  g_autofree char *status = NULL;

  switch (jd_mqtt_connection_get_state (priv->connection))
    {
    case JD_MQTT_STATE_CONNECTING:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connecting as %s…"), priv->thing_name);
      set_state (self, JD_SESSION_STATE_CONNECTING, status);
      break;

    case JD_MQTT_STATE_CONNECTED:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connected as %s"), priv->thing_name);
      set_error_message (self, NULL);
      set_state (self, JD_SESSION_STATE_CONNECTED, status);
      break;

    case JD_MQTT_STATE_RECONNECTING:
      set_error_message (self, reason);
      set_state (self, JD_SESSION_STATE_RECONNECTING, _("Reconnecting…"));
      break;

    case JD_MQTT_STATE_DISCONNECTED:
    default:
      if (priv->state != JD_SESSION_STATE_STOPPED)
        set_state (self, JD_SESSION_STATE_IDLE, _("Offline"));
      break;
    }
}

static void
fail_start (JdSession *self,
            GTask     *task,
            GError    *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_error_message (self, error->message);
      set_state (self, JD_SESSION_STATE_FAILED, _("Could not start"));
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Each step of the start-up chain below takes over the reference to the
 * task it is given (fail_start() included). */

/* ---- 5. the device side ---- */

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
connect_thing (JdSession *self,
               GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);
  const char *client_id = priv->client_id != NULL ? priv->client_id : priv->thing_name;

  if (target->info != NULL && !priv->device_disabled)
    {
      const JdSandboxInfoThing *thing = jd_sandbox_info_get_thing (target->info, priv->thing_name);

      if (thing == NULL)
        {
          fail_start (self, task,
                      g_error_new (JD_SANDBOX_INFO_ERROR, JD_SANDBOX_INFO_ERROR_NO_THING,
                                   _("The sandbox has no certificate for the thing “%s”"),
                                   priv->thing_name));
          return;
        }
      g_free (target->cert_path);
      target->cert_path = g_strdup (thing->certificate_path);
      g_free (target->key_path);
      target->key_path = g_strdup (thing->key_path);
    }

  /* No client certificate (a profile for the operator side only). */
  if (target->host == NULL || target->cert_path == NULL || priv->device_disabled)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  priv->connection = jd_mqtt_connection_new (target->host, target->port, client_id);
  jd_mqtt_connection_set_tls_files (priv->connection, target->ca_path, target->cert_path,
                                    target->key_path, target->key_passphrase);
  g_signal_connect_object (priv->connection, "notify::state",
                           G_CALLBACK (connection_state_changed_cb), self, G_CONNECT_SWAPPED);
  priv->jobs_client = jd_jobs_client_new (priv->connection, priv->thing_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOBS_CLIENT]);

  jd_mqtt_connection_connect_async (priv->connection, g_task_get_cancellable (task),
                                    connect_done_cb, task);
}

/* ---- 4. the control plane and the thing ---- */

static void
reload_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  Target *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JdSandboxInfo *info = g_task_propagate_pointer (G_TASK (result), &error);

  if (info == NULL)
    {
      fail_start (self, g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&target->info, jd_sandbox_info_free);
  target->info = info;
  connect_thing (self, g_steal_pointer (&task));
}

static void
load_info_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  JdSandboxInfo *info = jd_sandbox_info_load (task_data, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) jd_sandbox_info_free);
}

static void
load_info_async (JdSession           *self,
                 const char          *dir,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, load_info_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_info_thread);
}

static void
thing_ensured_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (object), result, &error);
  const char *slash;

  if (arn == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || priv->require_control_plane)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (&error, _("Cannot find or create the thing %s: "), priv->thing_name);
          fail_start (self, g_steal_pointer (&task), g_steal_pointer (&error));
          return;
        }
      /* With a policy that lacks iot:CreateThing the device side works
       * anyway; the operator's calls will report what AWS says. */
      g_message ("Could not make sure the thing exists: %s", error->message);
    }
  else
    {
      /* "arn:aws:iot:us-east-1:123456789012:thing/MyThing" → the prefix
       * other things of the account share. */
      slash = strrchr (arn, '/');
      if (slash != NULL)
        {
          g_free (priv->arn_prefix);
          priv->arn_prefix = g_strndup (arn, slash - arn + 1);
        }
    }

  /* A sandbox issues a new thing's certificate on CreateThing. */
  if (target->info != NULL && priv->sandbox_dir != NULL &&
      jd_sandbox_info_get_thing (target->info, priv->thing_name) == NULL &&
      JD_SESSION_GET_CLASS (self)->prepare_async == NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      load_info_async (self, priv->sandbox_dir, cancellable, reload_info_cb, g_steal_pointer (&task));
      return;
    }
  connect_thing (self, g_steal_pointer (&task));
}

static void
background_thing_ensured_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(JdSession) self = user_data;
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (object), result, &error);
  const char *slash = arn != NULL ? strrchr (arn, '/') : NULL;

  if (arn == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not make sure the thing exists: %s", error->message);
  if (slash != NULL)
    {
      g_free (priv->arn_prefix);
      priv->arn_prefix = g_strndup (arn, slash - arn + 1);
    }
}

static void
start_operator (JdSession *self,
                GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (target->credentials == NULL)
    {
      g_autoptr(GError) missing = target->credentials_error != NULL
        ? g_error_copy (target->credentials_error)
        : g_error_new_literal (JD_CREDENTIALS_ERROR, JD_CREDENTIALS_ERROR_NOT_FOUND,
                               _("No AWS credentials were found"));

      if (priv->require_control_plane)
        {
          fail_start (self, task, g_steal_pointer (&missing));
          return;
        }
      /* The operator side needs credentials; without them the device side still runs. */
      set_error_message (self, missing->message);
      connect_thing (self, task);
      return;
    }

  if (target->region == NULL)
    target->region = g_strdup (jd_credentials_get_region (target->credentials));
  if (target->region == NULL)
    {
      fail_start (self, task,
                  g_error_new_literal (JD_PROFILE_ERROR, JD_PROFILE_ERROR_INVALID_REGION,
                                       _("No region: give one, or set AWS_REGION")));
      return;
    }

  /* What the device trusts for signed files in job documents. */
  g_clear_pointer (&priv->codesign_certificates, g_strfreev);
  if (priv->profile != NULL)
    priv->codesign_certificates = jd_profile_dup_trusted_codesign_certificates (priv->profile, target->info);
  else if (target->info != NULL && target->info->codesign_certificate_path != NULL)
    priv->codesign_certificates = g_strdupv ((char *[]) { target->info->codesign_certificate_path, NULL });
  g_free (priv->download_ca_path);
  priv->download_ca_path = g_strdup (target->control_plane_ca_path);

  priv->control_plane = jd_control_plane_new (target->region, target->control_plane_url,
                                              target->control_plane_ca_path,
                                              target->credentials, &error);
  if (priv->control_plane == NULL)
    {
      if (priv->require_control_plane || target->info != NULL)
        {
          fail_start (self, task, g_steal_pointer (&error));
          return;
        }
      set_error_message (self, error->message);
      connect_thing (self, task);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);
  if (!priv->require_control_plane && target->info == NULL)
    {
      /* The app on AWS: connect at once; the thing's ARN comes when known. */
      jd_control_plane_ensure_thing_async (priv->control_plane, priv->thing_name, priv->cancellable,
                                           background_thing_ensured_cb, g_object_ref (self));
      connect_thing (self, task);
      return;
    }
  if (target->info != NULL && target->info->account_id != NULL)
    priv->arn_prefix = g_strdup_printf ("arn:aws:iot:%s:%s:thing/", target->region, target->info->account_id);
  jd_control_plane_ensure_thing_async (priv->control_plane, priv->thing_name,
                                       g_task_get_cancellable (task),
                                       thing_ensured_cb, task);
}

/* ---- 2. and 3. credentials and the key passphrase ---- */

static void
passphrase_looked_up_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = g_task_get_source_object (task);
  Target *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  target->key_passphrase = jd_credentials_lookup_secret_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  start_operator (self, task);
}

static void
credentials_looked_up_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);

  if (JD_IS_PROFILE (object))
    target->credentials = jd_profile_lookup_credentials_finish (JD_PROFILE (object), result,
                                                                &target->credentials_error);
  else
    target->credentials = jd_credentials_lookup_finish (result, &target->credentials_error);
  if (g_error_matches (target->credentials_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail_start (self, task, g_steal_pointer (&target->credentials_error));
      return;
    }

  if (priv->profile != NULL && target->key_passphrase == NULL)
    {
      jd_credentials_lookup_secret_async (jd_profile_get_id (priv->profile), JD_SECRET_KIND_KEY_PASSPHRASE,
                                          g_task_get_cancellable (task),
                                          passphrase_looked_up_cb, task);
      return;
    }
  start_operator (self, task);
}

static void
look_up_credentials (JdSession *self,
                     GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);

  if (target->credentials != NULL)
    {
      start_operator (self, task);
      return;
    }
  set_state (self, JD_SESSION_STATE_STARTING, _("Looking up credentials…"));
  if (priv->profile != NULL)
    jd_profile_lookup_credentials_async (priv->profile, g_task_get_cancellable (task),
                                         credentials_looked_up_cb, task);
  else
    jd_credentials_lookup_async (JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT | JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES,
                                 NULL, NULL, g_task_get_cancellable (task),
                                 credentials_looked_up_cb, task);
}

/* ---- 1. where ---- */

static void
use_info (JdSession     *self,
          GTask         *task,
          JdSandboxInfo *info)
{
  Target *target = g_task_get_task_data (task);

  target->host = g_strdup (info->mqtt_host);
  target->port = info->mqtt_port;
  target->ca_path = g_strdup (info->ca_path);
  target->region = g_strdup (info->region);
  target->control_plane_url = g_strdup (info->control_plane_endpoint);
  target->control_plane_ca_path = g_strdup (info->ca_path);
  target->credentials = jd_credentials_new (info->access_key_id, info->secret_access_key,
                                            NULL, info->region);
  target->info = info;
  look_up_credentials (self, task);
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = JD_SESSION (object);
  g_autoptr(GError) error = NULL;
  JdSandboxInfo *info;

  if (g_task_get_source_tag (G_TASK (result)) == load_info_async)
    info = g_task_propagate_pointer (G_TASK (result), &error);
  else
    info = JD_SESSION_GET_CLASS (self)->prepare_finish (self, result, &error);
  if (info == NULL)
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  use_info (self, task, info);
}

static void
files_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = JD_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (!jd_session_check_files_finish (result, &error))
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  look_up_credentials (self, task);
}

static void
start_from_options (JdSession *self,
                    GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  const JdSessionOptions *options = &priv->options;
  Target *target = g_task_get_task_data (task);

  if (options->control_plane_endpoint != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!jd_session_check_control_plane_url (options->control_plane_endpoint, NULL, &error))
        {
          fail_start (self, task, g_steal_pointer (&error));
          return;
        }
    }
  target->host = g_strdup (options->endpoint);
  target->port = options->port != 0 ? options->port : 8883;
  target->ca_path = g_strdup (options->ca_path);
  target->cert_path = g_strdup (options->certificate_path);
  target->key_path = g_strdup (options->key_path);
  target->key_passphrase = g_strdup (options->key_passphrase);
  target->region = g_strdup (options->region);
  target->control_plane_url = g_strdup (options->control_plane_endpoint);
  target->control_plane_ca_path = g_strdup (options->ca_path);
  if (options->credentials != NULL)
    target->credentials = g_object_ref (options->credentials);

  jd_session_check_files_async (self, options->certificate_path, options->key_path, options->ca_path,
                                options->key_passphrase, g_task_get_cancellable (task),
                                files_checked_cb, task);
}

static void
start_from_profile (JdSession *self,
                    GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_instance_private (self);
  Target *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!jd_profile_check_thing_name (priv->thing_name, &error))
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  target->host = dup_nonempty (jd_profile_dup_endpoint (priv->profile));
  target->port = (guint16) jd_profile_get_port (priv->profile);
  target->ca_path = dup_nonempty (jd_profile_dup_ca_path (priv->profile));
  target->cert_path = dup_nonempty (jd_profile_dup_certificate_path (priv->profile));
  target->key_path = dup_nonempty (jd_profile_dup_key_path (priv->profile));
  target->region = dup_nonempty (jd_profile_dup_region (priv->profile));
  target->control_plane_url = dup_nonempty (jd_profile_dup_control_plane_url (priv->profile));
  target->control_plane_ca_path = dup_nonempty (jd_profile_dup_control_plane_ca_path (priv->profile));
  look_up_credentials (self, task);
}

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
        priv->client_id = dup_nonempty (jd_profile_dup_client_id (priv->profile));
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
  JdSessionClass *klass;
  GTask *task;

  g_return_if_fail (JD_IS_SESSION (self));

  klass = JD_SESSION_GET_CLASS (self);
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
  g_task_set_task_data (task, g_new0 (Target, 1), (GDestroyNotify) target_free);

  set_error_message (self, NULL);
  set_state (self, JD_SESSION_STATE_STARTING,
             priv->sandbox_dir != NULL ? _("Starting the local sandbox…") : _("Looking up credentials…"));

  if (klass->prepare_async != NULL)
    klass->prepare_async (self, priv->cancellable, prepared_cb, task);
  else if (priv->sandbox_dir != NULL)
    load_info_async (self, priv->sandbox_dir, priv->cancellable, prepared_cb, task);
  else if (priv->has_options)
    start_from_options (self, task);
  else
    start_from_profile (self, task);
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
  set_state (self, JD_SESSION_STATE_STOPPED, _("Offline"));
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
    set_state (self, JD_SESSION_STATE_STARTING, status);
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
