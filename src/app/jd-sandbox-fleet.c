/* jd-sandbox-fleet.c — the app's simulated devices (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include "jd-sandbox-fleet.h"
#include "jd-service-fleet.h"

#define SETTING         "simulated-devices"
#define ONLINE_WAIT_MS  30000
/* A spin button changes the setting at each step: follow it once it rests. */
#define SETTLE_MS       800

struct _JdSandboxFleet
{
  GObject         parent_instance;

  JdSandbox      *sandbox;
  GSettings      *settings;
  gulong          changed_id;
  guint           settle_id;
  JdServiceFleet *fleet;          /* the devices running or starting */
  GCancellable   *cancellable;    /* their start */
  guint           n_online;
  guint           generation;     /* a start that ended after a newer one was asked for is dropped */
};

G_DEFINE_FINAL_TYPE (JdSandboxFleet, jd_sandbox_fleet, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_n_online (JdSandboxFleet *self,
              guint           n)
{
  if (self->n_online == n)
    return;
  self->n_online = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ONLINE]);
}

static void
stop_devices (JdSandboxFleet *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->fleet != NULL)
    jd_service_fleet_stop (self->fleet);
  g_clear_object (&self->fleet);
  set_n_online (self, 0);
}

typedef struct {
  JdSandboxFleet *self;
  guint           generation;
} Start;

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Start *start = user_data;
  g_autoptr(JdSandboxFleet) self = start->self;
  g_autoptr(GError) error = NULL;
  guint n_online = 0;
  gboolean ok = jd_service_fleet_start_finish (JD_SERVICE_FLEET (source), result, &n_online, &error);
  gboolean current = start->generation == self->generation;

  g_free (start);
  if (!current || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      g_warning ("The simulated devices could not start: %s", error->message);
      stop_devices (self);
      return;
    }
  g_message ("%u simulated devices online", n_online);
  set_n_online (self, n_online);
}

static void
follow_setting (JdSandboxFleet *self)
{
  JdServiceFleetConfig config = { 0 };
  JdDeviceBehavior behavior = JD_DEVICE_BEHAVIOR_INIT;
  guint wanted = g_settings_get_uint (self->settings, SETTING);
  Start *start;

  stop_devices (self);
  self->generation++;
  if (wanted == 0 || self->sandbox == NULL || !jd_sandbox_get_running (self->sandbox))
    return;

  config.n_devices = wanted;
  config.prefix = JD_SERVICE_FLEET_DEFAULT_PREFIX;
  config.seed = 1;
  config.behavior = behavior;
  self->fleet = jd_service_fleet_new (self->sandbox, &config);
  self->cancellable = g_cancellable_new ();
  start = g_new0 (Start, 1);
  start->self = g_object_ref (self);
  start->generation = self->generation;
  jd_service_fleet_start_async (self->fleet, ONLINE_WAIT_MS, self->cancellable, started_cb, start);
}

static gboolean
settled_cb (gpointer user_data)
{
  JdSandboxFleet *self = user_data;

  self->settle_id = 0;
  follow_setting (self);
  return G_SOURCE_REMOVE;
}

static void
setting_changed_cb (GSettings      *settings,
                    const char     *key,
                    JdSandboxFleet *self)
{
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->settle_id = g_timeout_add (SETTLE_MS, settled_cb, self);
}

JdSandboxFleet *
jd_sandbox_fleet_new (JdSandbox *sandbox,
                      GSettings *settings)
{
  JdSandboxFleet *self;

  g_return_val_if_fail (JD_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (JD_TYPE_SANDBOX_FLEET, NULL);
  self->sandbox = g_object_ref (sandbox);
  self->settings = g_object_ref (settings);
  self->changed_id = g_signal_connect (settings, "changed::" SETTING, G_CALLBACK (setting_changed_cb), self);
  follow_setting (self);
  return self;
}

guint
jd_sandbox_fleet_get_n_online (JdSandboxFleet *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX_FLEET (self), 0);

  return self->n_online;
}

guint
jd_sandbox_fleet_get_n_wanted (JdSandboxFleet *self)
{
  g_return_val_if_fail (JD_IS_SANDBOX_FLEET (self), 0);

  return g_settings_get_uint (self->settings, SETTING);
}

void
jd_sandbox_fleet_stop (JdSandboxFleet *self)
{
  g_return_if_fail (JD_IS_SANDBOX_FLEET (self));

  g_clear_signal_handler (&self->changed_id, self->settings);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->generation++;
  stop_devices (self);
}

static void
jd_sandbox_fleet_dispose (GObject *object)
{
  JdSandboxFleet *self = JD_SANDBOX_FLEET (object);

  if (self->settings != NULL)
    jd_sandbox_fleet_stop (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->sandbox);
  G_OBJECT_CLASS (jd_sandbox_fleet_parent_class)->dispose (object);
}

static void
jd_sandbox_fleet_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JdSandboxFleet *self = JD_SANDBOX_FLEET (object);

  switch (prop_id)
    {
    case PROP_N_ONLINE:
      g_value_set_uint (value, self->n_online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_sandbox_fleet_class_init (JdSandboxFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_sandbox_fleet_dispose;
  object_class->get_property = jd_sandbox_fleet_get_property;

  properties[PROP_N_ONLINE] =
    g_param_spec_uint ("n-online", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_sandbox_fleet_init (JdSandboxFleet *self)
{
}
