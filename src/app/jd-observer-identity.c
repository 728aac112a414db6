/* jd-observer-identity.c — issuing the sandbox's observer identity (see the
 * header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-observer-identity"

#include "jd-observer-identity.h"
#include "jd-sandbox.h"
#include "jd-sandbox-certs.h"
#include "jd-sandbox-info.h"

/* The folder's CA key, beside ca.pem (see jd-sandbox.c). */
#define CA_KEY_FILE "ca.key"

/* Two fleet windows may ask at once: one issues, the other reuses. */
static GMutex issue_lock;

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
  g_autoptr(JdObserverIdentity) identity = g_new0 (JdObserverIdentity, 1);
  g_autofree char *ca_key = g_build_filename (dir, CA_KEY_FILE, NULL);
  JdSandboxCa *ca = NULL;
  gboolean reissue = TRUE;
  GError *error = NULL;
  gboolean ok;

  info = jd_sandbox_info_load (dir, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_file_test (ca_key, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The sandbox folder %s has no CA key to issue the observer identity with", dir);
      return;
    }
  identity->host = g_strdup (info->mqtt_host);
  identity->port = info->mqtt_port;
  identity->ca_path = g_strdup (info->ca_path);
  identity->cert_path = g_build_filename (dir, JD_SANDBOX_OBSERVER_IDENTITY ".crt", NULL);
  identity->key_path = g_build_filename (dir, JD_SANDBOX_OBSERVER_IDENTITY ".key", NULL);

  g_mutex_lock (&issue_lock);
  ca = jd_sandbox_ca_load_or_create (identity->ca_path, ca_key, &error);
  ok = ca != NULL;
  if (ok && g_file_test (identity->cert_path, G_FILE_TEST_EXISTS) &&
      g_file_test (identity->key_path, G_FILE_TEST_EXISTS))
    ok = jd_sandbox_ca_needs_reissue (ca, identity->cert_path, g_get_real_time () / G_USEC_PER_SEC,
                                      &reissue, &error);
  if (ok && reissue)
    ok = jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_CLIENT, JD_SANDBOX_OBSERVER_IDENTITY,
                              identity->cert_path, identity->key_path, &error);
  g_clear_pointer (&ca, jd_sandbox_ca_free);
  g_mutex_unlock (&issue_lock);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&identity), (GDestroyNotify) jd_observer_identity_free);
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
