/* jd-observer-identity.c — reading the sandbox's observer identity from
 * sandbox.json (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-observer-identity"

#include "jd-observer-identity.h"
#include "jd-sandbox-info.h"

void
jd_observer_identity_free (JdObserverIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->host);
  g_free (identity->ca_path);
  g_free (identity->cert_path);
  g_free (identity->key_path);
  g_free (identity);
}

static void
ensure_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *dir = task_data;
  g_autoptr(JdSandboxInfo) info = NULL;
  JdObserverIdentity *identity;
  GError *error = NULL;

  info = jd_sandbox_info_load (dir, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The sandbox of an older version published no observer; it does so at
   * its next start. */
  if (info->observer_certificate_path == NULL || info->observer_key_path == NULL)
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_INFO_INVALID,
                               "%s/%s names no observer identity: the sandbox was started by an "
                               "older version; restart it to have one issued",
                               dir, JD_SANDBOX_INFO_FILE);
      return;
    }
  identity = g_new0 (JdObserverIdentity, 1);
  identity->host = g_strdup (info->mqtt_host);
  identity->port = info->mqtt_port;
  identity->ca_path = g_strdup (info->ca_path);
  identity->cert_path = g_strdup (info->observer_certificate_path);
  identity->key_path = g_strdup (info->observer_key_path);
  g_task_return_pointer (task, identity, (GDestroyNotify) jd_observer_identity_free);
}

void
jd_observer_identity_ensure_async (const char          *sandbox_dir,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (sandbox_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_observer_identity_ensure_async);
  g_task_set_task_data (task, g_strdup (sandbox_dir), g_free);
  g_task_run_in_thread (task, ensure_thread);
}

JdObserverIdentity *
jd_observer_identity_ensure_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
