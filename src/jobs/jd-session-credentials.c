/* jd-session-credentials.c — steps 2 and 3 of a session's start-up: the
 * operator's credentials (the sandbox's, the options', the profile's chain,
 * or the standard chain: environment, then ~/.aws) and a profile's key
 * passphrase from the keyring. Missing credentials are kept in the target,
 * not failed here: whether the session can do without them is step 4's call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-session"

#include <glib/gi18n.h>

#include "jd-session.h"
#include "jd-session-private.h"

static void
passphrase_looked_up_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionTarget *target = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  target->key_passphrase = jd_credentials_lookup_secret_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      jd_session_fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  jd_session_start_operator (self, task);
}

static void
credentials_looked_up_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  JdSession *self = g_task_get_source_object (task);
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);

  if (JD_IS_PROFILE (object))
    target->credentials = jd_profile_lookup_credentials_finish (JD_PROFILE (object), result,
                                                                &target->credentials_error);
  else
    target->credentials = jd_credentials_lookup_finish (result, &target->credentials_error);
  if (g_error_matches (target->credentials_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      jd_session_fail_start (self, task, g_steal_pointer (&target->credentials_error));
      return;
    }

  if (priv->profile != NULL && target->key_passphrase == NULL)
    {
      jd_credentials_lookup_secret_async (jd_profile_get_id (priv->profile), JD_SECRET_KIND_KEY_PASSPHRASE,
                                          g_task_get_cancellable (task),
                                          passphrase_looked_up_cb, task);
      return;
    }
  jd_session_start_operator (self, task);
}

void
jd_session_look_up_credentials (JdSession *self,
                                GTask     *task)
{
  JdSessionPrivate *priv = jd_session_get_private (self);
  JdSessionTarget *target = g_task_get_task_data (task);

  if (target->credentials != NULL)
    {
      jd_session_start_operator (self, task);
      return;
    }
  jd_session_set_state (self, JD_SESSION_STATE_STARTING, _("Looking up credentials…"));
  if (priv->profile != NULL)
    jd_profile_lookup_credentials_async (priv->profile, g_task_get_cancellable (task),
                                         credentials_looked_up_cb, task);
  else
    jd_credentials_lookup_async (JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT | JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES,
                                 NULL, NULL, g_task_get_cancellable (task),
                                 credentials_looked_up_cb, task);
}
