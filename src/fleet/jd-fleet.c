/* jd-fleet.c — many simulated devices in one main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet"

#include "jd-fleet.h"

struct _JdFleet
{
  GObject           parent_instance;

  char             *host;
  guint16           port;
  char             *ca_path;
  guint32           seed;
  JdDeviceBehavior  behavior;
  GPtrArray        *agents;
  gboolean          running;
};

static void jd_fleet_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JdFleet, jd_fleet, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, jd_fleet_list_model_init))

static GType
jd_fleet_get_item_type (GListModel *model)
{
  return JD_TYPE_DEVICE_AGENT;
}

static guint
jd_fleet_get_n_items (GListModel *model)
{
  return JD_FLEET (model)->agents->len;
}

static gpointer
jd_fleet_get_item (GListModel *model,
                   guint       position)
{
  JdFleet *self = JD_FLEET (model);

  if (position >= self->agents->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->agents, position));
}

static void
jd_fleet_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = jd_fleet_get_item_type;
  iface->get_n_items = jd_fleet_get_n_items;
  iface->get_item = jd_fleet_get_item;
}

static void
jd_fleet_dispose (GObject *object)
{
  JdFleet *self = JD_FLEET (object);

  if (self->agents != NULL)
    jd_fleet_stop (self);
  g_clear_pointer (&self->agents, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_fleet_parent_class)->dispose (object);
}

static void
jd_fleet_finalize (GObject *object)
{
  JdFleet *self = JD_FLEET (object);

  g_free (self->host);
  g_free (self->ca_path);

  G_OBJECT_CLASS (jd_fleet_parent_class)->finalize (object);
}

static void
jd_fleet_class_init (JdFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_fleet_dispose;
  object_class->finalize = jd_fleet_finalize;
}

static void
jd_fleet_init (JdFleet *self)
{
  JdDeviceBehavior defaults = JD_DEVICE_BEHAVIOR_INIT;

  self->behavior = defaults;
  self->agents = g_ptr_array_new_with_free_func (g_object_unref);
}

JdFleet *
jd_fleet_new (const char *host,
              guint16     port,
              const char *ca_path,
              guint32     seed)
{
  JdFleet *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (JD_TYPE_FLEET, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->ca_path = g_strdup (ca_path);
  self->seed = seed;
  return self;
}

JdDeviceAgent *
jd_fleet_add_device (JdFleet                *self,
                     const char             *thing_name,
                     const char             *cert_path,
                     const char             *key_path,
                     const JdDeviceBehavior *behavior)
{
  g_autoptr(JdMqttConnection) connection = NULL;
  JdDeviceAgent *agent;
  guint position;

  g_return_val_if_fail (JD_IS_FLEET (self), NULL);
  g_return_val_if_fail (thing_name != NULL && cert_path != NULL && key_path != NULL, NULL);

  /* The client id is the thing name, as AWS requires of things. */
  connection = jd_mqtt_connection_new (self->host, self->port, thing_name);
  jd_mqtt_connection_set_tls_files (connection, self->ca_path, cert_path, key_path, NULL);
  position = self->agents->len;
  agent = jd_device_agent_new (connection, thing_name, behavior != NULL ? behavior : &self->behavior,
                               self->seed * 2654435761u + position);
  g_ptr_array_add (self->agents, agent);
  if (self->running)
    jd_device_agent_start (agent);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  return agent;
}

void
jd_fleet_set_behavior (JdFleet                *self,
                       const JdDeviceBehavior *behavior)
{
  g_return_if_fail (JD_IS_FLEET (self));
  g_return_if_fail (behavior != NULL);

  self->behavior = *behavior;
  for (guint i = 0; i < self->agents->len; i++)
    jd_device_agent_set_behavior (g_ptr_array_index (self->agents, i), behavior);
}

const JdDeviceBehavior *
jd_fleet_get_behavior (JdFleet *self)
{
  g_return_val_if_fail (JD_IS_FLEET (self), NULL);
  return &self->behavior;
}

void
jd_fleet_start (JdFleet *self)
{
  g_return_if_fail (JD_IS_FLEET (self));

  self->running = TRUE;
  for (guint i = 0; i < self->agents->len; i++)
    jd_device_agent_start (g_ptr_array_index (self->agents, i));
}

void
jd_fleet_stop (JdFleet *self)
{
  g_return_if_fail (JD_IS_FLEET (self));

  self->running = FALSE;
  for (guint i = 0; i < self->agents->len; i++)
    jd_device_agent_stop (g_ptr_array_index (self->agents, i));
}

guint
jd_fleet_get_n_devices (JdFleet *self)
{
  g_return_val_if_fail (JD_IS_FLEET (self), 0);
  return self->agents->len;
}

JdDeviceAgent *
jd_fleet_get_device (JdFleet *self,
                     guint    position)
{
  g_return_val_if_fail (JD_IS_FLEET (self), NULL);
  g_return_val_if_fail (position < self->agents->len, NULL);
  return g_ptr_array_index (self->agents, position);
}

guint
jd_fleet_count_online (JdFleet *self)
{
  guint n = 0;

  g_return_val_if_fail (JD_IS_FLEET (self), 0);

  for (guint i = 0; i < self->agents->len; i++)
    if (jd_device_agent_get_state (g_ptr_array_index (self->agents, i)) != JD_DEVICE_AGENT_OFFLINE)
      n++;
  return n;
}

void
jd_fleet_count_finished (JdFleet *self,
                         guint   *succeeded,
                         guint   *failed,
                         guint   *rejected)
{
  guint s = 0, f = 0, r = 0;

  g_return_if_fail (JD_IS_FLEET (self));

  for (guint i = 0; i < self->agents->len; i++)
    {
      JdDeviceAgent *agent = g_ptr_array_index (self->agents, i);

      s += jd_device_agent_get_n_succeeded (agent);
      f += jd_device_agent_get_n_failed (agent);
      r += jd_device_agent_get_n_rejected (agent);
    }
  if (succeeded != NULL)
    *succeeded = s;
  if (failed != NULL)
    *failed = f;
  if (rejected != NULL)
    *rejected = r;
}
