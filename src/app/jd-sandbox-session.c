/* jd-sandbox-session.c — the embedded sandbox's part of a session: start it
 * before connecting (its status is the session's while it starts), hand its
 * sandbox.json contents to JdSession, and stop it after disconnecting — also
 * when the stop comes while it is still starting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-sandbox-session.h"

struct _JdSandboxSession
{
  JdSession  parent_instance;

  JdSandbox *sandbox;
  gboolean   starting;
  GTask     *pending_cleanup;   /* a stop that waits for the sandbox's start to end */
};

G_DEFINE_FINAL_TYPE (JdSandboxSession, jd_sandbox_session, JD_TYPE_SESSION)

static void
sandbox_status_changed_cb (JdSandboxSession *self)
{
  jd_session_set_starting_status (JD_SESSION (self), jd_sandbox_get_status (self->sandbox));
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

static void
sandbox_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSandboxSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gboolean started;

  started = jd_sandbox_start_finish (JD_SANDBOX (object), result, &error);
  self->starting = FALSE;

  /* Stopped while starting: now the sandbox can stop what it started. */
  if (self->pending_cleanup != NULL)
    {
      jd_sandbox_stop_async (self->sandbox, NULL, sandbox_stopped_cb, g_steal_pointer (&self->pending_cleanup));
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The session was stopped"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!started)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, jd_sandbox_dup_info (self->sandbox), (GDestroyNotify) jd_sandbox_info_free);
}

static void
jd_sandbox_session_prepare_async (JdSession           *session,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JdSandboxSession *self = JD_SANDBOX_SESSION (session);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, jd_sandbox_session_prepare_async);
  self->sandbox = jd_sandbox_new (jd_session_get_sandbox_dir (session));
  g_signal_connect_object (self->sandbox, "notify::status",
                           G_CALLBACK (sandbox_status_changed_cb), self, G_CONNECT_SWAPPED);
  if (!jd_sandbox_add_thing (self->sandbox, jd_session_get_thing_name (session), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->starting = TRUE;
  jd_sandbox_start_async (self->sandbox, cancellable, sandbox_started_cb, g_steal_pointer (&task));
}

static JdSandboxInfo *
jd_sandbox_session_prepare_finish (JdSession     *session,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
jd_sandbox_session_cleanup_async (JdSession           *session,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JdSandboxSession *self = JD_SANDBOX_SESSION (session);
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, jd_sandbox_session_cleanup_async);
  if (self->sandbox == NULL)
    g_task_return_boolean (task, TRUE);
  else if (self->starting)
    self->pending_cleanup = g_steal_pointer (&task);   /* sandbox_started_cb() stops it */
  else
    jd_sandbox_stop_async (self->sandbox, NULL, sandbox_stopped_cb, g_steal_pointer (&task));
}

static gboolean
jd_sandbox_session_cleanup_finish (JdSession     *session,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
jd_sandbox_session_dispose (GObject *object)
{
  JdSandboxSession *self = JD_SANDBOX_SESSION (object);

  g_assert (self->pending_cleanup == NULL);

  G_OBJECT_CLASS (jd_sandbox_session_parent_class)->dispose (object);

  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);
  g_clear_object (&self->sandbox);
}

static void
jd_sandbox_session_class_init (JdSandboxSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JdSessionClass *session_class = JD_SESSION_CLASS (klass);

  object_class->dispose = jd_sandbox_session_dispose;
  session_class->prepare_async = jd_sandbox_session_prepare_async;
  session_class->prepare_finish = jd_sandbox_session_prepare_finish;
  session_class->cleanup_async = jd_sandbox_session_cleanup_async;
  session_class->cleanup_finish = jd_sandbox_session_cleanup_finish;
}

static void
jd_sandbox_session_init (JdSandboxSession *self)
{
}

JdSession *
jd_sandbox_session_new (JdProfile  *profile,
                        const char *data_dir)
{
  g_return_val_if_fail (profile == NULL || JD_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (JD_TYPE_SANDBOX_SESSION, "profile", profile, "sandbox-dir", data_dir, NULL);
}

JdSandbox *
jd_sandbox_session_get_sandbox (JdSandboxSession *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX_SESSION (self), NULL);

  return self->sandbox;
}
