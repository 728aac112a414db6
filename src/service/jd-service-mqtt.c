/* jd-service-mqtt.c — the jobs service's MQTT transport, on JdMqttConnection
 * (libmosquitto in the GLib main loop, reconnect with backoff, re-subscribe).
 *
 * The subscription `$aws/things/+/jobs/#` would also bring back what the
 * service publishes itself (replies, notifications): the connection speaks
 * MQTT 5 and subscribes with No Local, so the broker keeps them back (half
 * the deliveries per request, for the broker and for us). Should one come
 * anyway, jd_device_api_parse_topic() classifies it as no request and it is
 * dropped unanswered.
 *
 * Every publish — replies, notify, notify-next, fleet events — goes through
 * one FIFO queue drained by a GSource on the main loop, at most
 * DRAIN_SLICE_US of publishing per dispatch and then a DRAIN_PAUSE_US pause
 * while more waits: a job for a group of 10,000 things queues 20,000
 * notifications in one ::things-changed, and publishing them in that one
 * dispatch held the loop for as long as that took, growing with the job
 * (10,000 messages: 17–22 ms measured, libmosquitto only queueing beyond its
 * in-flight window; HTTP, MQTT requests and the app's frames wait meanwhile).
 * One queue keeps AWS's order: a
 * request's notifications before its reply, notify before notify-next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-mqtt"

#include <string.h>

#include "jd-device-api.h"
#include "jd-mqtt-connection.h"
#include "jd-sandbox.h"
#include "jd-service-error.h"
#include "jd-service-mqtt.h"
#include "jd-topic.h"

#define REQUEST_FILTER        JD_TOPIC_SERVICE_REQUESTS_FILTER
#define CONNECT_TIMEOUT_MS    10000
#define BACKOFF_MIN_MS        100
#define BACKOFF_MAX_MS        5000
#define BACKOFF_STABLE_MS     30000
#define DRAIN_SLICE_US        3000   /* publishing per dispatch of the queue's source */
#define DRAIN_PAUSE_US        1000   /* then the loop's other sources, lower priorities too */

struct _JdServiceMqtt
{
  GObject           parent_instance;

  JdStore          *store;
  gulong            changed_id;
  char             *host;
  guint16           port;
  char             *ca_path;
  char             *cert_path;
  char             *key_path;
  gulong            events_id;       /* JdStore::jobs-events, while fleet events are on */
  gulong            configurations_id;  /* JdStore::event-configurations-changed */
  gboolean          events_forced;   /* jd_service_mqtt_set_fleet_events (TRUE) */
  char             *region;
  char             *account_id;
  JdFileStore      *file_store;      /* nullable */

  JdMqttConnection *connection;
  gboolean          wanted;          /* connect asked and no disconnect since */
  gboolean          connected;
  guint64           n_requests;

  GQueue            outgoing;        /* Outgoing, oldest first */
  GSource          *drain;           /* ready while @outgoing is not empty */
  guint             longest_queue;   /* for tests and benchmarks */
};

G_DEFINE_FINAL_TYPE (JdServiceMqtt, jd_service_mqtt, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ---- */

static void
set_connected (JdServiceMqtt *self,
               gboolean       connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* ---- the publish queue ---- */

typedef struct {
  char *topic;
  char *payload;
} Outgoing;

static void
outgoing_free (gpointer data)
{
  Outgoing *outgoing = data;

  g_free (outgoing->topic);
  g_free (outgoing->payload);
  g_free (outgoing);
}

static void
publish_now (JdServiceMqtt *self,
             const char    *topic,
             const char    *payload)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *substituted = NULL;

  /* Placeholders only occur in job documents: a reply or notification with
   * none goes out untouched. Substituted as it leaves, so a presigned URL's
   * expiry counts from its publish. */
  if (self->file_store != NULL)
    substituted = jd_file_store_substitute (self->file_store, payload, g_get_real_time () / G_USEC_PER_SEC,
                                            JD_FILE_STORE_DEFAULT_EXPIRES);
  if (substituted != NULL)
    payload = substituted;
  bytes = substituted != NULL ? g_bytes_new_take (g_steal_pointer (&substituted), strlen (payload))
                              : g_bytes_new_static (payload, strlen (payload));

  /* A reply lost with the connection is lost on AWS too; the device retries.
   * libmosquitto copies the payload. */
  if (!jd_mqtt_connection_publish (self->connection, topic, bytes, 1, &error))
    g_debug ("A reply or notification was not delivered: %s", error->message);
}

/* Drops what waits (a disconnect, dispose): it could only fail now, as a
 * publish without a connection always did. */
static void
drop_outgoing (JdServiceMqtt *self)
{
  if (g_queue_is_empty (&self->outgoing))
    return;
  g_debug ("%u replies or notifications dropped with the connection", self->outgoing.length);
  g_queue_clear_full (&self->outgoing, outgoing_free);
  if (self->drain != NULL)
    g_source_set_ready_time (self->drain, -1);
}

static gboolean
drain_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  JdServiceMqtt *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 deadline = now + DRAIN_SLICE_US;

  if (self->connection == NULL || !self->connected)
    {
      drop_outgoing (self);
      return G_SOURCE_CONTINUE;
    }

  /* At least one each time, so a slow publish cannot stop the queue. */
  do
    {
      Outgoing *outgoing = g_queue_pop_head (&self->outgoing);

      if (outgoing == NULL)
        break;
      publish_now (self, outgoing->topic, outgoing->payload);
      outgoing_free (outgoing);
      now = g_get_monotonic_time ();
    }
  while (now < deadline);

  if (g_queue_is_empty (&self->outgoing))
    g_source_set_ready_time (source, -1);
  else
    g_source_set_ready_time (source, now + DRAIN_PAUSE_US);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs drain_funcs = {
  .dispatch = drain_dispatch,
};

/* Queues @payload for @topic behind everything queued before; takes both. */
static void
publish_take (JdServiceMqtt *self,
              char          *topic,
              char          *payload)
{
  Outgoing *outgoing = g_new (Outgoing, 1);

  outgoing->topic = topic;
  outgoing->payload = payload;
  g_queue_push_tail (&self->outgoing, outgoing);
  self->longest_queue = MAX (self->longest_queue, self->outgoing.length);
  /* Not yet ready: now. Waiting out a pause: it stays. */
  if (self->drain != NULL && g_source_get_ready_time (self->drain) == -1)
    g_source_set_ready_time (self->drain, 0);
}

static gboolean
is_reply_topic (const char *topic)
{
  return g_str_has_suffix (topic, "/accepted") || g_str_has_suffix (topic, "/rejected");
}

/* ---- requests ----
 *
 * Each request runs on the store's worker (jd_store_call_async): a lock held
 * on the database by another process, a slow disk or an fsync costs that
 * thread, never the main loop (issue 16.5). Calls run one at a time in the
 * order they came, so a device's requests are answered in order; the
 * notifications of a request's commit are published (from ::things-changed,
 * their payloads built on the worker by prepare_change) just before its
 * reply. */

typedef struct {
  char       *topic;
  char       *thing;
  char       *job_id;
  JdDeviceOp  op;
  GBytes     *payload;
} Request;

typedef struct {
  char     *topic;
  char     *reply;
} Answer;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_free (request->topic);
  g_free (request->thing);
  g_free (request->job_id);
  g_bytes_unref (request->payload);
  g_free (request);
}

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_free (answer->topic);
  g_free (answer->reply);
  g_free (answer);
}

/* On the worker. */
static gpointer
handle_call (JdStore   *store,
             gpointer   data,
             GError   **error)
{
  Request *request = data;
  Answer *answer = g_new0 (Answer, 1);
  gsize len = 0;
  const char *payload = g_bytes_get_data (request->payload, &len);
  gboolean accepted = FALSE;

  jd_device_api_handle (store, request->thing, request->op, request->job_id, payload, len,
                        &accepted, &answer->reply);
  answer->topic = jd_device_api_reply_topic (request->topic, accepted);
  return answer;
}

static void
handled_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(JdServiceMqtt) self = user_data;
  g_autoptr(GError) error = NULL;
  Answer *answer = jd_store_call_finish (JD_STORE (source), result, &error);

  if (answer == NULL)
    {
      /* Only a store that cannot start its thread fails here. */
      g_warning ("A device request was not handled: %s", error->message);
      return;
    }
  if (self->connection != NULL)
    publish_take (self, g_steal_pointer (&answer->topic), g_steal_pointer (&answer->reply));
  answer_free (answer);
}

static void
message_cb (JdMqttConnection *connection,
            const char       *topic,
            GBytes           *payload,
            JdServiceMqtt    *self)
{
  g_autofree char *thing = NULL;
  g_autofree char *job_id = NULL;
  JdDeviceTopicKind kind;
  JdDeviceOp op = JD_DEVICE_OP_GET_PENDING;
  Request *request;

  kind = jd_device_api_parse_topic (topic, &thing, &op, &job_id);
  if (kind == JD_DEVICE_TOPIC_NONE)
    return;   /* replies and notifications: what we (or AWS) publish */
  if (kind == JD_DEVICE_TOPIC_INVALID && is_reply_topic (topic))
    return;   /* answering these would feed on itself */

  self->n_requests++;
  if (kind == JD_DEVICE_TOPIC_INVALID)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (payload, &len);
      char *reply = jd_device_api_build_invalid_topic (topic, data, len);

      publish_take (self, jd_device_api_reply_topic (topic, FALSE), reply);
      return;
    }

  request = g_new0 (Request, 1);
  request->topic = g_strdup (topic);
  request->thing = g_steal_pointer (&thing);
  request->job_id = g_steal_pointer (&job_id);
  request->op = op;
  request->payload = g_bytes_ref (payload);
  jd_store_call_async (self->store, handle_call, request, request_free, answer_free, NULL,
                       handled_cb, g_object_ref (self));
}

/* ---- notifications ---- */

/* The store's change preparer, on its worker: builds the payloads there, so
 * publishing them never reads the database on the main loop. */
static void
prepare_change (JdStore            *store,
                JdStoreThingChange *change,
                gpointer            user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean notify = change->pending_changed && change->notify_payload == NULL;
  gboolean next = change->next_changed && change->notify_next_payload == NULL;

  if ((notify || next) &&
      !jd_device_api_build_notifications (store, change->thing_name,
                                          notify ? &change->notify_payload : NULL,
                                          next ? &change->notify_next_payload : NULL, &error))
    g_message ("No notify or notify-next for %s: %s", change->thing_name, error->message);
}

static void
publish_notifications (JdServiceMqtt            *self,
                       const JdStoreThingChange *change)
{
  g_autoptr(GError) error = NULL;
  const char *thing = change->thing_name;

  if (change->pending_changed)
    {
      g_autofree char *built = change->notify_payload == NULL
                               ? jd_device_api_build_notify (self->store, thing, &error) : NULL;
      const char *payload = change->notify_payload != NULL ? change->notify_payload : built;
      g_autofree char *topic = jd_topic_build (thing, JD_TOPIC_OP_NOTIFY, NULL, JD_TOPIC_KIND_REQUEST);

      /* The store only holds valid thing names, so @topic is never NULL. */
      if (payload != NULL && topic != NULL)
        publish_take (self, g_steal_pointer (&topic), g_strdup (payload));
      else if (payload == NULL)
        g_message ("No notify for %s: %s", thing, error->message);
      g_clear_error (&error);
    }
  if (change->next_changed)
    {
      g_autofree char *built = change->notify_next_payload == NULL
                               ? jd_device_api_build_notify_next (self->store, thing, &error) : NULL;
      const char *payload = change->notify_next_payload != NULL ? change->notify_next_payload : built;
      g_autofree char *topic = jd_topic_build (thing, JD_TOPIC_OP_NOTIFY_NEXT, NULL, JD_TOPIC_KIND_REQUEST);

      /* The store only holds valid thing names, so @topic is never NULL. */
      if (payload != NULL && topic != NULL)
        publish_take (self, g_steal_pointer (&topic), g_strdup (payload));
      else if (payload == NULL)
        g_message ("No notify-next for %s: %s", thing, error->message);
    }
}

static void
things_changed_cb (JdStore       *store,
                   GPtrArray     *changes,
                   JdServiceMqtt *self)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const JdStoreThingChange *change = g_ptr_array_index (changes, i);

      publish_notifications (self, change);
    }
}

static void
jobs_events_cb (JdStore       *store,
                GPtrArray     *events,
                JdServiceMqtt *self)
{
  for (guint i = 0; i < events->len; i++)
    {
      const JdStoreEvent *event = g_ptr_array_index (events, i);
      g_autofree char *topic = NULL;
      g_autofree char *payload = NULL;

      /* The account's event configuration (UpdateEventConfigurations)
       * decides per type, unless the sandbox forces both on. */
      if (!self->events_forced
          && !jd_store_event_type_enabled (store, event->kind == JD_STORE_EVENT_JOB ? "JOB" : "JOB_EXECUTION"))
        continue;
      payload = jd_device_api_build_event (event, self->region, self->account_id, &topic);
      publish_take (self, g_steal_pointer (&topic), g_steal_pointer (&payload));
    }
}

/* The store computes events only while the signal has a handler: connect
 * one only while some event type is to be published. */
static void
update_events_handler (JdServiceMqtt *self)
{
  gboolean wanted = self->region != NULL
                    && (self->events_forced || jd_store_event_type_enabled (self->store, "JOB")
                        || jd_store_event_type_enabled (self->store, "JOB_EXECUTION"));

  if (wanted && self->events_id == 0)
    self->events_id = g_signal_connect (self->store, "jobs-events", G_CALLBACK (jobs_events_cb), self);
  else if (!wanted)
    g_clear_signal_handler (&self->events_id, self->store);
}

static void
event_configurations_changed_cb (JdStore       *store,
                                 GPtrArray     *types,
                                 JdServiceMqtt *self)
{
  update_events_handler (self);
}

/* ---- connection ---- */

static void
state_changed_cb (JdMqttConnection *connection,
                  GParamSpec       *pspec,
                  JdServiceMqtt    *self)
{
  set_connected (self, jd_mqtt_connection_get_state (connection) == JD_MQTT_STATE_CONNECTED);
}

static void
subscribed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdServiceMqtt *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!jd_mqtt_connection_subscribe_finish (JD_MQTT_CONNECTION (source), result, &error))
    {
      jd_service_mqtt_disconnect (self);
      g_prefix_error (&error, "The jobs service could not subscribe to %s: ", REQUEST_FILTER);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdServiceMqtt *self = g_task_get_source_object (task);
  const char *const filters[] = { REQUEST_FILTER, NULL };
  GCancellable *cancellable;
  GError *error = NULL;

  if (!jd_mqtt_connection_connect_finish (JD_MQTT_CONNECTION (source), result, &error))
    {
      /* A first connection that fails is the caller's to retry. */
      jd_service_mqtt_disconnect (self);
      g_prefix_error (&error, "The jobs service could not connect to the broker: ");
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  jd_mqtt_connection_subscribe_async (self->connection, filters, 1, cancellable,
                                      subscribed_cb, g_steal_pointer (&task));
}

/* ---- GObject ---- */

static void
jd_service_mqtt_dispose (GObject *object)
{
  JdServiceMqtt *self = JD_SERVICE_MQTT (object);

  drop_outgoing (self);
  if (self->drain != NULL)
    {
      g_source_destroy (self->drain);
      g_clear_pointer (&self->drain, g_source_unref);
    }
  if (self->connection != NULL)
    {
      jd_mqtt_connection_disconnect (self->connection);
      g_signal_handlers_disconnect_by_data (self->connection, self);
      g_clear_object (&self->connection);
    }
  if (self->store != NULL && self->changed_id != 0)
    jd_store_set_change_preparer (self->store, NULL, NULL);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_signal_handler (&self->events_id, self->store);
  g_clear_signal_handler (&self->configurations_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->file_store);

  G_OBJECT_CLASS (jd_service_mqtt_parent_class)->dispose (object);
}

static void
jd_service_mqtt_finalize (GObject *object)
{
  JdServiceMqtt *self = JD_SERVICE_MQTT (object);

  g_free (self->host);
  g_free (self->ca_path);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self->region);
  g_free (self->account_id);

  G_OBJECT_CLASS (jd_service_mqtt_parent_class)->finalize (object);
}

static void
jd_service_mqtt_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JdServiceMqtt *self = JD_SERVICE_MQTT (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_service_mqtt_class_init (JdServiceMqttClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_service_mqtt_dispose;
  object_class->finalize = jd_service_mqtt_finalize;
  object_class->get_property = jd_service_mqtt_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_service_mqtt_init (JdServiceMqtt *self)
{
  g_queue_init (&self->outgoing);
  /* On the context the service runs in; the source holds no reference:
   * dispose destroys it. */
  self->drain = g_source_new (&drain_funcs, sizeof (GSource));
  g_source_set_priority (self->drain, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->drain, NULL, self, NULL);
  g_source_set_static_name (self->drain, "jd-service-mqtt publish queue");
  g_source_attach (self->drain, g_main_context_get_thread_default ());
}

/* ---- public API ---- */

/**
 * jd_service_mqtt_new:
 * @store: the service's store
 * @host: the broker's address
 * @port: its TLS port
 * @ca_path: the CA that signed the broker's certificate
 * @cert_path: the service's client certificate (CN `jobs-service`)
 * @key_path: its key
 *
 * Returns: (transfer full): a disconnected service transport
 */
JdServiceMqtt *
jd_service_mqtt_new (JdStore    *store,
                     const char *host,
                     guint16     port,
                     const char *ca_path,
                     const char *cert_path,
                     const char *key_path)
{
  JdServiceMqtt *self;

  g_return_val_if_fail (JD_IS_STORE (store), NULL);
  g_return_val_if_fail (host != NULL && ca_path != NULL && cert_path != NULL && key_path != NULL, NULL);

  self = g_object_new (JD_TYPE_SERVICE_MQTT, NULL);
  self->store = g_object_ref (store);
  self->configurations_id = g_signal_connect (store, "event-configurations-changed",
                                              G_CALLBACK (event_configurations_changed_cb), self);
  self->host = g_strdup (host);
  self->port = port;
  self->ca_path = g_strdup (ca_path);
  self->cert_path = g_strdup (cert_path);
  self->key_path = g_strdup (key_path);
  self->changed_id = g_signal_connect (store, "things-changed", G_CALLBACK (things_changed_cb), self);
  jd_store_set_change_preparer (store, prepare_change, NULL);

  self->connection = jd_mqtt_connection_new (host, port, JD_SANDBOX_SERVICE_IDENTITY);
  jd_mqtt_connection_set_tls_files (self->connection, ca_path, cert_path, key_path, NULL);
  jd_mqtt_connection_set_connect_timeout (self->connection, CONNECT_TIMEOUT_MS);
  jd_mqtt_connection_set_no_local (self->connection, TRUE);
  /* The broker is local: come back quickly after it restarts. */
  jd_mqtt_connection_set_backoff (self->connection, BACKOFF_MIN_MS, BACKOFF_MAX_MS, BACKOFF_STABLE_MS);
  g_signal_connect (self->connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (self->connection, "notify::state", G_CALLBACK (state_changed_cb), self);
  return self;
}

void
jd_service_mqtt_set_fleet_events (JdServiceMqtt *self,
                                  gboolean       enabled,
                                  const char    *region,
                                  const char    *account_id)
{
  g_return_if_fail (JD_IS_SERVICE_MQTT (self));
  g_return_if_fail (!enabled || (region != NULL && account_id != NULL));

  self->events_forced = enabled;
  if (region != NULL && account_id != NULL)
    {
      g_free (self->region);
      self->region = g_strdup (region);
      g_free (self->account_id);
      self->account_id = g_strdup (account_id);
    }
  update_events_handler (self);
}

void
jd_service_mqtt_connect_async (JdServiceMqtt       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_SERVICE_MQTT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_service_mqtt_connect_async);

  if (self->wanted)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The jobs service is already connected or connecting");
      return;
    }
  self->wanted = TRUE;
  jd_mqtt_connection_connect_async (self->connection, cancellable, connected_cb, g_steal_pointer (&task));
}

gboolean
jd_service_mqtt_connect_finish (JdServiceMqtt  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (JD_IS_SERVICE_MQTT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
jd_service_mqtt_disconnect (JdServiceMqtt *self)
{
  g_return_if_fail (JD_IS_SERVICE_MQTT (self));

  self->wanted = FALSE;
  drop_outgoing (self);
  if (self->connection != NULL)
    jd_mqtt_connection_disconnect (self->connection);
  set_connected (self, FALSE);
}

gboolean
jd_service_mqtt_get_connected (JdServiceMqtt *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_MQTT (self), FALSE);
  return self->connected;
}

guint64
jd_service_mqtt_get_n_requests (JdServiceMqtt *self)
{
  g_return_val_if_fail (JD_IS_SERVICE_MQTT (self), 0);
  return self->n_requests;
}

void
jd_service_mqtt_set_file_store (JdServiceMqtt *self,
                                JdFileStore   *file_store)
{
  g_return_if_fail (JD_IS_SERVICE_MQTT (self));

  g_set_object (&self->file_store, file_store);
}

/**
 * jd_service_mqtt_get_queue_length:
 * @self: the service's transport
 * @longest: (out) (optional): the longest the queue has been
 *
 * Returns: how many replies and notifications wait to be published
 */
guint
jd_service_mqtt_get_queue_length (JdServiceMqtt *self,
                                  guint         *longest)
{
  g_return_val_if_fail (JD_IS_SERVICE_MQTT (self), 0);

  if (longest != NULL)
    *longest = self->longest_queue;
  return self->outgoing.length;
}
