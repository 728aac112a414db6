/* jd-session-checks.c — what a session checks before it connects with
 * explicit options: the files (readable; the key the certificate's), in a
 * worker thread, and the control-plane URL (https://, or http:// to a
 * loopback address only).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-session"

#include <glib/gi18n.h>

#include "jd-session.h"
#include "jd-session-private.h"

typedef struct {
  char    *cert_path;
  char    *key_path;
  char    *ca_path;
  char    *passphrase;
} FileCheck;

static void
file_check_free (FileCheck *check)
{
  g_free (check->cert_path);
  g_free (check->key_path);
  g_free (check->ca_path);
  g_free (check->passphrase);
  g_free (check);
}

static void
check_files_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  FileCheck *check = task_data;
  GError *error = NULL;
  g_autofree char *ca_text = NULL;

  if (check->ca_path != NULL &&
      !g_file_get_contents (check->ca_path, &ca_text, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (check->cert_path != NULL &&
      !jd_profile_check_key_pair (check->cert_path, check->key_path, check->passphrase, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
jd_session_check_files_async (JdSession           *session,
                              const char          *cert_path,
                              const char          *key_path,
                              const char          *ca_path,
                              const char          *key_passphrase,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (session, cancellable, callback, user_data);
  FileCheck *check = g_new0 (FileCheck, 1);

  g_task_set_source_tag (task, jd_session_check_files_async);
  check->cert_path = g_strdup (cert_path);
  check->key_path = g_strdup (key_path);
  check->ca_path = g_strdup (ca_path);
  check->passphrase = g_strdup (key_passphrase);
  g_task_set_task_data (task, check, (GDestroyNotify) file_check_free);
  g_task_run_in_thread (task, check_files_thread);
}

gboolean
jd_session_check_files_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
jd_session_check_control_plane_url (const char  *url,
                                    gboolean    *plain_http,
                                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (url != NULL, FALSE);

  if (plain_http != NULL)
    *plain_http = FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || host[0] == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION,
                   _("“%s” is not a control-plane URL such as “https://iot.us-east-1.amazonaws.com”"), url);
      return FALSE;
    }
  if (g_strcmp0 (scheme, "http") == 0)
    {
      /* Credentials and requests in clear text: only on this machine. */
      if (!is_loopback_host (host))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION,
                       _("“%s” is plain HTTP to another machine; use https:// (http:// is only for loopback addresses)"),
                       url);
          return FALSE;
        }
      if (plain_http != NULL)
        *plain_http = TRUE;
    }
  return TRUE;
}
