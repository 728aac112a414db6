/* jd-fleet-events.c — job events into a JdFleetModel (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet-events"

#include <string.h>

#include "jd-fleet-events.h"
#include "jd-jobs-error.h"
#include "jd-topic.h"

struct _JdFleetEvents
{
  GObject             parent_instance;

  JdFleetModel       *model;
  JdMqttConnection   *connection;
  GCancellable       *cancellable;
  JdFleetEventsState  state;
  GError             *error;
  GError             *last_rejection;
  guint               n_applied;
  guint               n_rejected;
  guint               grace;
  gint64              subscribed_at;   /* epoch seconds */
  gboolean            confirmed;       /* an event arrived */
  GHashTable         *seen;            /* things an execution event was applied for */
  gulong              message_id;
  gulong              state_id;
};

G_DEFINE_FINAL_TYPE (JdFleetEvents, jd_fleet_events, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (JdFleetEventsState, jd_fleet_events_state,
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_SUBSCRIBED, "subscribed"),
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_LIVE, "live"),
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_INTERRUPTED, "interrupted"),
  G_DEFINE_ENUM_VALUE (JD_FLEET_EVENTS_UNAVAILABLE, "unavailable"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  JOB_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (JdFleetEvents      *self,
           JdFleetEventsState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
give_up (JdFleetEvents *self,
         const GError  *error)
{
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  g_debug ("events for %s unavailable: %s", jd_fleet_model_get_job_id (self->model), error->message);
  /* No reconnecting for a refused identity: the poller takes over. */
  jd_mqtt_connection_disconnect (self->connection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  set_state (self, JD_FLEET_EVENTS_UNAVAILABLE);
}

static void
confirm (JdFleetEvents *self)
{
  self->confirmed = TRUE;
  if (self->state == JD_FLEET_EVENTS_SUBSCRIBED)
    set_state (self, JD_FLEET_EVENTS_LIVE);
}

static void
reject (JdFleetEvents *self,
        GError        *error)
{
  self->n_rejected++;
  g_debug ("%s", error->message);
  g_clear_error (&self->last_rejection);
  self->last_rejection = error;
}

static void
message_cb (JdMqttConnection *connection,
            const char       *topic,
            GBytes           *payload,
            JdFleetEvents    *self)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *operation = NULL;
  GError *error = NULL;
  gboolean execution = FALSE;
  JsonNode *root;
  JsonObject *object = NULL;
  gsize size = 0;
  const char *data;

  if (!jd_topic_parse_event (topic, -1, &execution, &job_id, &operation) ||
      strcmp (job_id, jd_fleet_model_get_job_id (self->model)) != 0)
    return;

  data = g_bytes_get_data (payload, &size);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", size, &error))
    {
      reject (self, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                                 "event on %s is not JSON: %s", topic, error->message));
      g_clear_error (&error);
      return;
    }
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);

  if (!execution)
    {
      if (object == NULL)
        {
          reject (self, g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                                     "job event on %s: the payload is not a JSON object", topic));
          return;
        }
      confirm (self);
      g_signal_emit (self, signals[JOB_EVENT], 0, operation, object);
      return;
    }

  if (jd_fleet_model_apply_event (self->model, topic, object, &error))
    {
      const char *arn = json_object_get_string_member_with_default (object, "thingArn", NULL);
      const char *thing = arn != NULL ? strrchr (arn, '/') : NULL;

      self->n_applied++;
      if (thing != NULL)
        g_hash_table_add (self->seen, g_strdup (thing + 1));
      confirm (self);
    }
  else if (error != NULL)
    reject (self, error);
}

static void
connection_state_cb (JdMqttConnection *connection,
                     GParamSpec       *pspec,
                     JdFleetEvents    *self)
{
  JdMqttState state = jd_mqtt_connection_get_state (connection);

  /* Reconnecting re-subscribes before it says CONNECTED. */
  if ((self->state == JD_FLEET_EVENTS_LIVE || self->state == JD_FLEET_EVENTS_SUBSCRIBED) &&
      state != JD_MQTT_STATE_CONNECTED)
    set_state (self, JD_FLEET_EVENTS_INTERRUPTED);
  else if (self->state == JD_FLEET_EVENTS_INTERRUPTED && state == JD_MQTT_STATE_CONNECTED)
    set_state (self, self->confirmed ? JD_FLEET_EVENTS_LIVE : JD_FLEET_EVENTS_SUBSCRIBED);
}

static void
subscribed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JdFleetEvents) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_mqtt_connection_subscribe_finish (JD_MQTT_CONNECTION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        give_up (self, error);
      return;
    }
  if (self->subscribed_at == 0)
    self->subscribed_at = g_get_real_time () / G_USEC_PER_SEC;
  if (jd_mqtt_connection_get_state (self->connection) != JD_MQTT_STATE_CONNECTED)
    set_state (self, JD_FLEET_EVENTS_INTERRUPTED);
  else
    set_state (self, self->confirmed ? JD_FLEET_EVENTS_LIVE : JD_FLEET_EVENTS_SUBSCRIBED);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdFleetEvents) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *executions = NULL;
  g_autofree char *jobs = NULL;
  const char *job_id;

  if (!jd_mqtt_connection_connect_finish (JD_MQTT_CONNECTION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        give_up (self, error);
      return;
    }

  job_id = jd_fleet_model_get_job_id (self->model);
  executions = jd_topic_build_event (TRUE, job_id, "#");
  jobs = jd_topic_build_event (FALSE, job_id, "#");
  {
    const char *filters[] = { executions, jobs, NULL };

    jd_mqtt_connection_subscribe_async (self->connection, filters, 1, self->cancellable,
                                        subscribed_cb, g_object_ref (self));
  }
}

static void
jd_fleet_events_dispose (GObject *object)
{
  JdFleetEvents *self = JD_FLEET_EVENTS (object);

  if (self->connection != NULL)
    {
      jd_fleet_events_stop (self);
      g_clear_signal_handler (&self->message_id, self->connection);
      g_clear_signal_handler (&self->state_id, self->connection);
    }
  g_clear_object (&self->connection);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (jd_fleet_events_parent_class)->dispose (object);
}

static void
jd_fleet_events_finalize (GObject *object)
{
  JdFleetEvents *self = JD_FLEET_EVENTS (object);

  g_clear_error (&self->error);
  g_clear_error (&self->last_rejection);
  g_hash_table_unref (self->seen);

  G_OBJECT_CLASS (jd_fleet_events_parent_class)->finalize (object);
}

static void
jd_fleet_events_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JdFleetEvents *self = JD_FLEET_EVENTS (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_fleet_events_class_init (JdFleetEventsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = jd_fleet_events_dispose;
  object_class->finalize = jd_fleet_events_finalize;
  object_class->get_property = jd_fleet_events_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, JD_TYPE_FLEET_EVENTS_STATE, JD_FLEET_EVENTS_STOPPED, flags);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdFleetEvents::job-event:
   * @operation: the topic's last level (`completed`, `canceled`, `deleted`, …)
   * @payload: the event (a JsonObject)
   *
   * An event on `$aws/events/job/<jobId>/<operation>`.
   */
  signals[JOB_EVENT] =
    g_signal_new ("job-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
jd_fleet_events_init (JdFleetEvents *self)
{
  self->state = JD_FLEET_EVENTS_STOPPED;
  self->grace = JD_FLEET_EVENTS_GRACE_S;
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

JdFleetEvents *
jd_fleet_events_new (JdFleetModel     *model,
                     JdMqttConnection *connection)
{
  JdFleetEvents *self;

  g_return_val_if_fail (JD_IS_FLEET_MODEL (model), NULL);
  g_return_val_if_fail (JD_IS_MQTT_CONNECTION (connection), NULL);

  self = g_object_new (JD_TYPE_FLEET_EVENTS, NULL);
  self->model = g_object_ref (model);
  self->connection = g_object_ref (connection);
  self->message_id = g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  self->state_id = g_signal_connect (connection, "notify::state", G_CALLBACK (connection_state_cb), self);
  return self;
}

void
jd_fleet_events_start (JdFleetEvents *self)
{
  g_return_if_fail (JD_IS_FLEET_EVENTS (self));

  if (self->state != JD_FLEET_EVENTS_STOPPED && self->state != JD_FLEET_EVENTS_UNAVAILABLE)
    return;
  self->subscribed_at = 0;
  self->confirmed = FALSE;
  g_hash_table_remove_all (self->seen);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, JD_FLEET_EVENTS_CONNECTING);
  jd_mqtt_connection_connect_async (self->connection, self->cancellable, connected_cb, g_object_ref (self));
}

void
jd_fleet_events_stop (JdFleetEvents *self)
{
  g_return_if_fail (JD_IS_FLEET_EVENTS (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->state != JD_FLEET_EVENTS_STOPPED && self->state != JD_FLEET_EVENTS_UNAVAILABLE)
    jd_mqtt_connection_disconnect (self->connection);
  set_state (self, JD_FLEET_EVENTS_STOPPED);
}

void
jd_fleet_events_set_grace (JdFleetEvents *self,
                           guint          seconds)
{
  g_return_if_fail (JD_IS_FLEET_EVENTS (self));
  self->grace = seconds;
}

static gboolean
is_terminal (JdExecutionStatus status)
{
  return status != JD_EXECUTION_STATUS_UNKNOWN && status != JD_EXECUTION_STATUS_QUEUED &&
         status != JD_EXECUTION_STATUS_IN_PROGRESS;
}

gboolean
jd_fleet_events_verify (JdFleetEvents *self)
{
  GListModel *rows;
  gint64 now;
  guint n;

  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), FALSE);

  if (self->state != JD_FLEET_EVENTS_SUBSCRIBED && self->state != JD_FLEET_EVENTS_LIVE)
    return self->state != JD_FLEET_EVENTS_UNAVAILABLE;

  /* Every execution that ended after the subscription, long enough ago,
   * must have come as an event: AWS sends one for each terminal status. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  rows = G_LIST_MODEL (self->model);
  n = g_list_model_get_n_items (rows);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JdFleetRow) row = g_list_model_get_item (rows, i);
      GDateTime *updated = jd_fleet_row_get_last_updated_at (row);
      gint64 t;

      if (updated == NULL || !is_terminal (jd_fleet_row_get_status (row)))
        continue;
      t = g_date_time_to_unix (updated);
      /* Seconds: one that ended in the subscription's second counts (when in
       * doubt, poll). */
      if (t < self->subscribed_at || t + (gint64) self->grace > now ||
          g_hash_table_contains (self->seen, jd_fleet_row_get_thing_name (row)))
        continue;

      {
        g_autoptr(GError) error =
          g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_SUBSCRIPTION_REFUSED,
                       "subscribed to the events of job %s, but none came for %s's execution, which ended "
                       "%" G_GINT64_FORMAT " s ago: the identity may not receive them, or job events are off",
                       jd_fleet_model_get_job_id (self->model), jd_fleet_row_get_thing_name (row), now - t);

        give_up (self, error);
      }
      return FALSE;
    }
  return TRUE;
}

JdFleetEventsState
jd_fleet_events_get_state (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), JD_FLEET_EVENTS_STOPPED);
  return self->state;
}

const GError *
jd_fleet_events_get_error (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), NULL);
  return self->error;
}

JdMqttConnection *
jd_fleet_events_get_connection (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), NULL);
  return self->connection;
}

guint
jd_fleet_events_get_n_applied (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), 0);
  return self->n_applied;
}

guint
jd_fleet_events_get_n_rejected (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), 0);
  return self->n_rejected;
}

const GError *
jd_fleet_events_get_last_rejection (JdFleetEvents *self)
{
  g_return_val_if_fail (JD_IS_FLEET_EVENTS (self), NULL);
  return self->last_rejection;
}
