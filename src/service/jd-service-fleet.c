/* jd-service-fleet.c — the simulated devices of `jobdeck-service --fleet`:
 * their things made in one batch, then one JdFleet on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-service"

#include "jd-sandbox-folder.h"
#include "jd-service-fleet.h"

struct _JdServiceFleet
{
  GObject           parent_instance;

  JdSandbox        *sandbox;
  JdServiceFleetConfig config;
  char             *prefix;
  GStrv             thing_names;
  JdFleet          *fleet;
  GTask            *start_task;      /* until every device is online */
  guint             online_timeout_ms;
  guint             online_timeout_id;
  gulong           *state_ids;       /* one per device while starting */
};

G_DEFINE_FINAL_TYPE (JdServiceFleet, jd_service_fleet, G_TYPE_OBJECT)

static void
disconnect_states (JdServiceFleet *self)
{
  if (self->state_ids == NULL)
    return;
  for (guint i = 0; i < jd_fleet_get_n_devices (self->fleet); i++)
    g_clear_signal_handler (&self->state_ids[i], jd_fleet_get_device (self->fleet, i));
  g_clear_pointer (&self->state_ids, g_free);
}

static void
start_complete (JdServiceFleet *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_clear_handle_id (&self->online_timeout_id, g_source_remove);
  disconnect_states (self);
  if (task != NULL)
    g_task_return_int (task, jd_fleet_count_online (self->fleet));
}

static void
state_changed_cb (JdDeviceAgent  *agent,
                  GParamSpec     *pspec,
                  JdServiceFleet *self)
{
  if (jd_device_agent_get_state (agent) != JD_DEVICE_AGENT_OFFLINE &&
      jd_fleet_count_online (self->fleet) == jd_fleet_get_n_devices (self->fleet))
    start_complete (self);
}

static gboolean
online_timeout_cb (gpointer user_data)
{
  JdServiceFleet *self = user_data;

  self->online_timeout_id = 0;
  start_complete (self);
  return G_SOURCE_REMOVE;
}

static void
things_added_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JdServiceFleet) self = user_data;
  JdSandbox *sandbox = JD_SANDBOX (source);
  GError *error = NULL;
  guint n;

  if (!jd_sandbox_add_things_finish (sandbox, result, &error))
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      if (task != NULL)
        g_task_return_error (task, error);
      else
        g_error_free (error);
      return;
    }
  if (self->start_task == NULL)
    return;   /* stopped meanwhile: the things stay, no device starts */

  self->fleet = jd_fleet_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                              jd_sandbox_get_ca_path (sandbox), self->config.seed);
  jd_fleet_set_behavior (self->fleet, &self->config.behavior);
  n = g_strv_length (self->thing_names);
  self->state_ids = g_new0 (gulong, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;
      JdDeviceAgent *agent;

      if (!jd_sandbox_get_thing_files (sandbox, self->thing_names[i], &cert_path, &key_path))
        g_assert_not_reached ();   /* the batch just made them */
      agent = jd_fleet_add_device (self->fleet, self->thing_names[i], cert_path, key_path, NULL);
      self->state_ids[i] = g_signal_connect (agent, "notify::state", G_CALLBACK (state_changed_cb), self);
    }
  self->online_timeout_id = g_timeout_add (self->online_timeout_ms, online_timeout_cb, self);
  jd_fleet_start (self->fleet);
}

static void
jd_service_fleet_dispose (GObject *object)
{
  JdServiceFleet *self = JD_SERVICE_FLEET (object);

  g_clear_handle_id (&self->online_timeout_id, g_source_remove);
  if (self->fleet != NULL)
    {
      disconnect_states (self);
      jd_fleet_stop (self->fleet);
    }
  g_clear_object (&self->fleet);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (jd_service_fleet_parent_class)->dispose (object);
}

static void
jd_service_fleet_finalize (GObject *object)
{
  JdServiceFleet *self = JD_SERVICE_FLEET (object);

  g_free (self->prefix);
  g_strfreev (self->thing_names);

  G_OBJECT_CLASS (jd_service_fleet_parent_class)->finalize (object);
}

static void
jd_service_fleet_class_init (JdServiceFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_fleet_dispose;
  object_class->finalize = jd_service_fleet_finalize;
}

static void
jd_service_fleet_init (JdServiceFleet *self)
{
}

GStrv
jd_service_fleet_make_thing_names (const char  *prefix,
                                   guint        n_devices,
                                   GError     **error)
{
  g_autofree char *width_text = g_strdup_printf ("%u", n_devices);
  int width = (int) strlen (width_text);
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (n_devices > 0, NULL);

  if (prefix == NULL)
    prefix = JD_SERVICE_FLEET_DEFAULT_PREFIX;
  names = g_new0 (char *, n_devices + 1);
  for (guint i = 0; i < n_devices; i++)
    names[i] = g_strdup_printf ("%s-%0*u", prefix, width, i + 1);
  /* Every name differs only in its digits: checking the last checks all. */
  if (!jd_sandbox_check_thing_name (names[n_devices - 1], error))
    return NULL;
  return g_steal_pointer (&names);
}

/**
 * jd_service_fleet_new:
 * @sandbox: the daemon's sandbox
 * @config: how many devices, their names and behaviour
 *
 * Returns: (transfer full): a fleet not yet started
 */
JdServiceFleet *
jd_service_fleet_new (JdSandbox                  *sandbox,
                      const JdServiceFleetConfig *config)
{
  JdServiceFleet *self;

  g_return_val_if_fail (JD_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->n_devices > 0 && config->n_devices <= JD_SERVICE_FLEET_MAX_DEVICES, NULL);

  self = g_object_new (JD_TYPE_SERVICE_FLEET, NULL);
  self->sandbox = g_object_ref (sandbox);
  self->config = *config;
  self->prefix = g_strdup (config->prefix != NULL ? config->prefix : JD_SERVICE_FLEET_DEFAULT_PREFIX);
  self->config.prefix = self->prefix;
  return self;
}

void
jd_service_fleet_start_async (JdServiceFleet      *self,
                              guint                online_timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (JD_IS_SERVICE_FLEET (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_service_fleet_start_async);
  if (self->start_task != NULL || self->fleet != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The fleet was started already");
      return;
    }
  self->thing_names = jd_service_fleet_make_thing_names (self->prefix, self->config.n_devices, &error);
  if (self->thing_names == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self->start_task = g_steal_pointer (&task);
  self->online_timeout_ms = online_timeout_ms;
  jd_sandbox_add_things_async (self->sandbox, (const char * const *) self->thing_names, cancellable,
                               things_added_cb, g_object_ref (self));
}

gboolean
jd_service_fleet_start_finish (JdServiceFleet  *self,
                               GAsyncResult    *result,
                               guint           *n_online,
                               GError         **error)
{
  gssize online;

  g_return_val_if_fail (JD_IS_SERVICE_FLEET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  online = g_task_propagate_int (G_TASK (result), error);
  if (online < 0)
    return FALSE;
  if (n_online != NULL)
    *n_online = (guint) online;
  return TRUE;
}

void
jd_service_fleet_stop (JdServiceFleet *self)
{
  g_return_if_fail (JD_IS_SERVICE_FLEET (self));

  if (self->start_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      g_clear_handle_id (&self->online_timeout_id, g_source_remove);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The fleet was stopped while starting");
    }
  if (self->fleet == NULL)
    return;
  disconnect_states (self);
  jd_fleet_stop (self->fleet);
}

/**
 * jd_service_fleet_get_fleet:
 * @self: a #JdServiceFleet
 *
 * Returns: (transfer none) (nullable): the devices
 */
JdFleet *
jd_service_fleet_get_fleet (JdServiceFleet *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_FLEET (self), NULL);
  return self->fleet;
}

const char * const *
jd_service_fleet_get_thing_names (JdServiceFleet *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_FLEET (self), NULL);
  return (const char * const *) self->thing_names;
}
