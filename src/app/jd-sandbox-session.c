/* jd-sandbox-session.c — the embedded sandbox's part of a session: start it
 * before connecting (its status is the session's while it starts), hand its
 * sandbox.json contents to JdSession, and stop it after disconnecting — also
 * when the stop comes while it is still starting. While it runs, it follows
 * the sandbox's broker: down when mosquitto died, and once the sandbox has
 * restarted it, the thing reconnects at once instead of after its backoff.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-sandbox-fleet.h"
#include "jd-sandbox-session.h"

struct _JdSandboxSession
{
  JdSession  parent_instance;

  JdSandbox *sandbox;
  gboolean   starting;
  GTask     *pending_cleanup;   /* a stop that waits for the sandbox's start to end */
  gint64     broker_down_since; /* monotonic µs; 0 while the broker runs */
  JdSandboxFleet *fleet;        /* the simulated devices, while the sandbox runs */
};

G_DEFINE_FINAL_TYPE (JdSandboxSession, jd_sandbox_session, JD_TYPE_SESSION)

enum {
  PROP_0,
  PROP_BROKER_DOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  BROKER_RESTARTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sandbox_broker_exited_cb (JdSandboxSession *self)
{
  if (self->broker_down_since != 0)
    return;
  self->broker_down_since = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROKER_DOWN]);
}

static void
sandbox_broker_restarted_cb (JdSandboxSession *self)
{
  double seconds;

  if (self->broker_down_since == 0)
    return;
  seconds = (g_get_monotonic_time () - self->broker_down_since) / (double) G_USEC_PER_SEC;
  self->broker_down_since = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROKER_DOWN]);
  g_signal_emit (self, signals[BROKER_RESTARTED], 0, seconds);
  /* The connection would wait for its backoff (up to a minute); the broker
   * is back now. */
  jd_session_reconnect (JD_SESSION (self));
}

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
  /* The simulated devices the preferences ask for, on the running sandbox. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID_BASE);

    g_clear_object (&self->fleet);
    self->fleet = jd_sandbox_fleet_new (self->sandbox, settings);
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
  g_signal_connect_object (self->sandbox, "broker-exited",
                           G_CALLBACK (sandbox_broker_exited_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sandbox, "broker-restarted",
                           G_CALLBACK (sandbox_broker_restarted_cb), self, G_CONNECT_SWAPPED);
  if (!jd_sandbox_add_thing (self->sandbox, jd_session_get_thing_name (session), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The fleet view follows job events as the sandbox's observer. */
  jd_sandbox_set_fleet_events (self->sandbox, TRUE);
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
  /* The devices go first: they are the sandbox's clients. */
  if (self->fleet != NULL)
    jd_sandbox_fleet_stop (self->fleet);
  g_clear_object (&self->fleet);
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

  g_clear_object (&self->fleet);
  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);
  g_clear_object (&self->sandbox);
}

static void
jd_sandbox_session_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  JdSandboxSession *self = JD_SANDBOX_SESSION (object);

  switch (prop_id)
    {
    case PROP_BROKER_DOWN:
      g_value_set_boolean (value, self->broker_down_since != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_session_class_init (JdSandboxSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  JdSessionClass *session_class = JD_SESSION_CLASS (klass);

  object_class->dispose = jd_sandbox_session_dispose;
  object_class->get_property = jd_sandbox_session_get_property;
  session_class->prepare_async = jd_sandbox_session_prepare_async;
  session_class->prepare_finish = jd_sandbox_session_prepare_finish;
  session_class->cleanup_async = jd_sandbox_session_cleanup_async;
  session_class->cleanup_finish = jd_sandbox_session_cleanup_finish;

  /**
   * JdSandboxSession:broker-down:
   *
   * The sandbox's mosquitto died and has not been restarted yet.
   */
  properties[PROP_BROKER_DOWN] =
    g_param_spec_boolean ("broker-down", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdSandboxSession::broker-restarted:
   * @seconds: how long it was down
   *
   * The sandbox's broker died and listens again on the same port; the
   * thing is reconnecting.
   */
  signals[BROKER_RESTARTED] =
    g_signal_new ("broker-restarted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
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

gboolean
jd_sandbox_session_get_broker_down (JdSandboxSession *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX_SESSION (self), FALSE);

  return self->broker_down_since != 0;
}

/**
 * jd_sandbox_session_retry:
 *
 * Retry as the user means it: when the sandbox's broker is down and its
 * restart waits after a failure, restart it now (the thing reconnects once
 * it is up); otherwise reconnect the thing now.
 */
void
jd_sandbox_session_retry (JdSandboxSession *self)
{
  g_return_if_fail (JD_IS_SANDBOX_SESSION (self));

  if (self->broker_down_since != 0 && self->sandbox != NULL)
    {
      jd_sandbox_restart_broker_now (self->sandbox);
      return;
    }
  jd_session_reconnect (JD_SESSION (self));
}

/**
 * jd_sandbox_session_get_fleet:
 *
 * Returns: (nullable) (transfer none): the simulated devices, while the
 *   sandbox runs
 */
JdSandboxFleet *
jd_sandbox_session_get_fleet (JdSandboxSession *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX_SESSION (self), NULL);

  return self->fleet;
}
