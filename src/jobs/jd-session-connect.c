/* jd-session-connect.c — steps 4 and 5 of a session's start-up, once it
 * knows where and with which credentials:
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

/* ---- 5. the device side ---- */

/* The connection's state becomes the session's, in words. */
static void
connection_state_changed_cb (JdSession *self)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  const char *reason = jd_mqtt_connection_get_last_error_message (priv->connection);
  g_autofree char *status = NULL;

  switch (jd_mqtt_connection_get_state (priv->connection))
    {
    case JD_MQTT_STATE_CONNECTING:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connecting as %s…"), priv->thing_name);
      jd_session_set_state (self, JD_SESSION_STATE_CONNECTING, status);
      break;

    case JD_MQTT_STATE_CONNECTED:
      /* Translators: %s is a thing name */
      status = g_strdup_printf (_("Connected as %s"), priv->thing_name);
      jd_session_set_error_message (self, NULL);
      jd_session_set_state (self, JD_SESSION_STATE_CONNECTED, status);
      break;

    case JD_MQTT_STATE_RECONNECTING:
      jd_session_set_error_message (self, reason);
      jd_session_set_state (self, JD_SESSION_STATE_RECONNECTING, _("Reconnecting…"));
      break;

    case JD_MQTT_STATE_DISCONNECTED:
    default:
      if (priv->state != JD_SESSION_STATE_STOPPED)
        jd_session_set_state (self, JD_SESSION_STATE_IDLE, _("Offline"));
      break;
    }
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
        jd_session_set_error_message (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
connect_thing (JdSession *self,
               GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);
  const char *client_id = priv->client_id != NULL ? priv->client_id : priv->thing_name;
  JdMqttConnection *connection;

  if (target->info != NULL && !priv->device_disabled)
    {
      const JdSandboxInfoThing *thing = jd_sandbox_info_get_thing (target->info, priv->thing_name);

      if (thing == NULL)
        {
          jd_session_fail_start (self, task,
                                 g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_NO_THING,
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

  connection = jd_mqtt_connection_new (target->host, target->port, client_id);
  jd_mqtt_connection_set_tls_files (connection, target->ca_path, target->cert_path,
                                    target->key_path, target->key_passphrase);
  g_signal_connect_object (connection, "notify::state",
                           G_CALLBACK (connection_state_changed_cb), self, G_CONNECT_SWAPPED);
  jd_session_take_device (self, connection, jd_jobs_client_new (connection, priv->thing_name));

  jd_mqtt_connection_connect_async (connection, g_task_get_cancellable (task),
                                    connect_done_cb, task);
}

/* ---- 4. the control plane and the thing ---- */

/* "arn:aws:iot:us-east-1:123456789012:thing/MyThing" → the prefix other
 * things of the account share. */
static void
remember_arn_prefix (JdSession  *self,
                     const char *arn)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  const char *slash = strrchr (arn, '/');

  if (slash == NULL)
    return;
  g_free (priv->arn_prefix);
  priv->arn_prefix = g_strndup (arn, slash - arn + 1);
}

static void
reload_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionTarget *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JdSandboxInfo *info = jd_session_load_info_finish (result, &error);

  if (info == NULL)
    {
      jd_session_fail_start (self, g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&target->info, jd_sandbox_info_free);
  target->info = info;
  connect_thing (self, g_steal_pointer (&task));
}

static void
thing_ensured_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  if (arn == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || priv->require_control_plane)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (&error, _("Cannot find or create the thing %s: "), priv->thing_name);
          jd_session_fail_start (self, g_steal_pointer (&task), g_steal_pointer (&error));
          return;
        }
      /* With a policy that lacks iot:CreateThing the device side works
       * anyway; the operator's calls will report what AWS says. */
      g_message ("Could not make sure the thing exists: %s", error->message);
    }
  else
    remember_arn_prefix (self, arn);

  /* A sandbox issues a new thing's certificate on CreateThing. */
  if (target->info != NULL && priv->sandbox_dir != NULL &&
      jd_sandbox_info_get_thing (target->info, priv->thing_name) == NULL &&
      JD_SESSION_GET_CLASS (self)->prepare_async == NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      jd_session_load_info_async (self, priv->sandbox_dir, cancellable, reload_info_cb, g_steal_pointer (&task));
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
  g_autoptr(GError) error = NULL;
  g_autofree char *arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  if (arn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not make sure the thing exists: %s", error->message);
      return;
    }
  remember_arn_prefix (self, arn);
}

void
jd_session_start_operator (JdSession *self,
                           GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);
  JdControlPlane *control_plane;
  g_autoptr(GError) error = NULL;

  if (target->credentials == NULL)
    {
      g_autoptr(GError) missing = target->credentials_error != NULL
        ? g_error_copy (target->credentials_error)
        : g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_NO_CREDENTIALS,
                               _("No AWS credentials were found"));

      if (priv->require_control_plane)
        {
          jd_session_fail_start (self, task, g_steal_pointer (&missing));
          return;
        }
      /* The operator side needs credentials; without them the device side still runs. */
      jd_session_set_error_message (self, missing->message);
      connect_thing (self, task);
      return;
    }

  if (target->region == NULL)
    target->region = g_strdup (jd_credentials_get_region (target->credentials));
  if (target->region == NULL)
    {
      jd_session_fail_start (self, task,
                             g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REGION,
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

  control_plane = jd_control_plane_new (target->region, target->control_plane_url,
                                        target->control_plane_ca_path,
                                        target->credentials, &error);
  if (control_plane == NULL)
    {
      if (priv->require_control_plane || target->info != NULL)
        {
          jd_session_fail_start (self, task, g_steal_pointer (&error));
          return;
        }
      jd_session_set_error_message (self, error->message);
      connect_thing (self, task);
      return;
    }
  jd_session_take_control_plane (self, control_plane);
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
