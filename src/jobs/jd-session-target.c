/* jd-session-target.c — step 1 of a session's start-up: where to connect.
 * From the subclass's prepare (the app's embedded sandbox), DIR/sandbox.json
 * read in a worker thread, the profile, or the explicit options (their files
 * checked in a thread: readable, and the key the certificate's). The result
 * is the start-up task's JdSessionTarget; credentials come next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-session"

#include <string.h>

#include "jd-session.h"
#include "jd-session-private.h"

static void
target_free (JdSessionTarget *target)
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
use_info (JdSession     *self,
          GTask         *task,
          JdSandboxInfo *info)
{
  JdSessionTarget *target = g_task_get_task_data (task);

  target->host = g_strdup (info->mqtt_host);
  target->port = info->mqtt_port;
  target->ca_path = g_strdup (info->ca_path);
  target->region = g_strdup (info->region);
  target->control_plane_url = g_strdup (info->control_plane_endpoint);
  target->control_plane_ca_path = g_strdup (info->ca_path);
  target->credentials = jd_credentials_new (info->access_key_id, info->secret_access_key,
                                            NULL, info->region);
  target->info = info;
  jd_session_look_up_credentials (self, task);
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

  if (g_task_get_source_tag (G_TASK (result)) == jd_session_load_info_async)
    info = jd_session_load_info_finish (result, &error);
  else
    info = JD_SESSION_GET_CLASS (self)->prepare_finish (self, result, &error);
  if (info == NULL)
    {
      jd_session_fail_start (self, task, g_steal_pointer (&error));
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
      jd_session_fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  jd_session_look_up_credentials (self, task);
}

static void
start_from_options (JdSession *self,
                    GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  const JdSessionOptions *options = &priv->options;
  JdSessionTarget *target = g_task_get_task_data (task);

  if (options->control_plane_endpoint != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!jd_session_check_control_plane_url (options->control_plane_endpoint, NULL, &error))
        {
          jd_session_fail_start (self, task, g_steal_pointer (&error));
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
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!jd_profile_check_thing_name (priv->thing_name, &error))
    {
      jd_session_fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  target->host = jd_session_nonempty (jd_profile_dup_endpoint (priv->profile));
  target->port = (guint16) jd_profile_get_port (priv->profile);
  target->ca_path = jd_session_nonempty (jd_profile_dup_ca_path (priv->profile));
  target->cert_path = jd_session_nonempty (jd_profile_dup_certificate_path (priv->profile));
  target->key_path = jd_session_nonempty (jd_profile_dup_key_path (priv->profile));
  target->region = jd_session_nonempty (jd_profile_dup_region (priv->profile));
  target->control_plane_url = jd_session_nonempty (jd_profile_dup_control_plane_url (priv->profile));
  target->control_plane_ca_path = jd_session_nonempty (jd_profile_dup_control_plane_ca_path (priv->profile));
  jd_session_look_up_credentials (self, task);
}

char *
jd_session_nonempty (char *text)
{
  if (text != NULL && text[0] == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

void
jd_session_load_info_async (JdSession           *self,
                            const char          *dir,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, jd_session_load_info_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_info_thread);
}

JdSandboxInfo *
jd_session_load_info_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
jd_session_start_target (JdSession *self,
                         GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionClass *klass = JD_SESSION_GET_CLASS (self);

  g_task_set_task_data (task, g_new0 (JdSessionTarget, 1), (GDestroyNotify) target_free);

  if (klass->prepare_async != NULL)
    klass->prepare_async (self, priv->cancellable, prepared_cb, task);
  else if (priv->sandbox_dir != NULL)
    jd_session_load_info_async (self, priv->sandbox_dir, priv->cancellable, prepared_cb, task);
  else if (priv->has_options)
    start_from_options (self, task);
  else
    start_from_profile (self, task);
}
