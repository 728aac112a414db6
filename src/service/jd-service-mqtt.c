/* jd-service-mqtt.c — the jobs service's MQTT transport.
 *
 * libmosquitto is driven from the GLib main loop with its external-loop API
 * (mosquitto_loop_read/write/misc) from a small GSource that polls the client's
 * socket, for reading always and for writing while libmosquitto has queued
 * bytes. All callbacks therefore run on the main context, like the store.
 *
 * The service speaks MQTT 5 only for the subscription's no-local flag: it
 * publishes replies on topics under its own filter and must not receive them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-mqtt"

#include <string.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "jd-device-api.h"
#include "jd-sandbox.h"
#include "jd-service-error.h"
#include "jd-service-mqtt.h"

#define REQUEST_FILTER        "$aws/things/+/jobs/#"
#define KEEPALIVE_SECONDS     60
#define MISC_INTERVAL_US      (G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_S     10
#define BACKOFF_MIN_MS        100
#define BACKOFF_MAX_MS        5000

typedef struct
{
  GSource           source;
  struct mosquitto *mosq;
  int               fd;
  gpointer          tag;
  gint64            next_misc;
} MosqSource;

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
  gboolean          fleet_events;

  struct mosquitto *mosq;
  GSource          *source;
  gboolean          wanted;          /* connect asked and no disconnect since */
  gboolean          connected;       /* CONNACK ok and SUBACK received */
  int               subscribe_mid;
  guint             backoff_ms;
  guint             reconnect_source;
  guint             connect_timeout_source;
  GTask            *connect_task;
  guint64           n_requests;
};

G_DEFINE_TYPE (JdServiceMqtt, jd_service_mqtt, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the GSource around libmosquitto's socket ---- */

static gboolean
mosq_source_prepare (GSource *source,
                     gint    *timeout)
{
  MosqSource *ms = (MosqSource *) source;
  int fd = mosquitto_socket (ms->mosq);
  gint64 now = g_source_get_time (source);

  if (fd != ms->fd)
    {
      if (ms->tag != NULL)
        g_source_remove_unix_fd (source, ms->tag);
      ms->tag = fd >= 0 ? g_source_add_unix_fd (source, fd, G_IO_IN) : NULL;
      ms->fd = fd;
    }
  if (ms->tag != NULL)
    g_source_modify_unix_fd (source, ms->tag,
                             G_IO_IN | G_IO_ERR | G_IO_HUP |
                             (mosquitto_want_write (ms->mosq) ? G_IO_OUT : 0));

  if (now >= ms->next_misc)
    {
      *timeout = 0;
      return TRUE;
    }
  *timeout = (gint) ((ms->next_misc - now + 999) / 1000);
  return FALSE;
}

static gboolean
mosq_source_check (GSource *source)
{
  MosqSource *ms = (MosqSource *) source;

  if (g_source_get_time (source) >= ms->next_misc)
    return TRUE;
  return ms->tag != NULL && g_source_query_unix_fd (source, ms->tag) != 0;
}

static gboolean
mosq_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  MosqSource *ms = (MosqSource *) source;
  GIOCondition revents = ms->tag != NULL ? g_source_query_unix_fd (source, ms->tag) : 0;

  if (revents & (G_IO_IN | G_IO_ERR | G_IO_HUP))
    mosquitto_loop_read (ms->mosq, 1);
  /* Reading may have closed the socket (and run on_disconnect). */
  if ((revents & G_IO_OUT) && mosquitto_socket (ms->mosq) >= 0)
    mosquitto_loop_write (ms->mosq, 1);
  if (g_source_get_time (source) >= ms->next_misc)
    {
      ms->next_misc = g_source_get_time (source) + MISC_INTERVAL_US;
      if (mosquitto_socket (ms->mosq) >= 0)
        mosquitto_loop_misc (ms->mosq);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mosq_source_funcs = {
  .prepare = mosq_source_prepare,
  .check = mosq_source_check,
  .dispatch = mosq_source_dispatch,
};

static GSource *
mosq_source_new (struct mosquitto *mosq)
{
  GSource *source = g_source_new (&mosq_source_funcs, sizeof (MosqSource));
  MosqSource *ms = (MosqSource *) source;

  ms->mosq = mosq;
  ms->fd = -1;
  ms->next_misc = g_get_monotonic_time () + MISC_INTERVAL_US;
  g_source_set_static_name (source, "JdServiceMqtt");
  return source;
}

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

static void
finish_connect (JdServiceMqtt *self,
                GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  if (task == NULL)
    {
      if (error != NULL)
        g_error_free (error);
      return;
    }
  if (error != NULL)
    {
      /* A first connection that fails is the caller's to retry. */
      self->wanted = FALSE;
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      mosquitto_disconnect (self->mosq);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
publish (JdServiceMqtt *self,
         const char    *topic,
         const char    *payload)
{
  int rc;

  rc = mosquitto_publish (self->mosq, NULL, topic, (int) strlen (payload), payload, 1, false);
  if (rc != MOSQ_ERR_SUCCESS)
    g_debug ("Could not publish on %s: %s", topic, mosquitto_strerror (rc));
}

static gboolean
is_reply_topic (const char *topic)
{
  return g_str_has_suffix (topic, "/accepted") || g_str_has_suffix (topic, "/rejected");
}

/* ---- requests ---- */

static void
handle_message (JdServiceMqtt                  *self,
                const struct mosquitto_message *msg)
{
  g_autofree char *thing = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *reply_topic = NULL;
  JdDeviceTopicKind kind;
  JdDeviceOp op = JD_DEVICE_OP_GET_PENDING;
  gboolean accepted = FALSE;

  kind = jd_device_api_parse_topic (msg->topic, &thing, &op, &job_id);
  if (kind == JD_DEVICE_TOPIC_NONE)
    return;   /* replies and notifications: what we (or AWS) publish */
  if (kind == JD_DEVICE_TOPIC_INVALID && is_reply_topic (msg->topic))
    return;   /* answering these would feed on itself */

  self->n_requests++;
  if (kind == JD_DEVICE_TOPIC_INVALID)
    reply = jd_device_api_build_invalid_topic (msg->topic, msg->payload, msg->payloadlen);
  else
    jd_device_api_handle (self->store, thing, op, job_id, msg->payload, msg->payloadlen,
                          &accepted, &reply);

  reply_topic = jd_device_api_reply_topic (msg->topic, accepted);
  publish (self, reply_topic, reply);
}

/* ---- notifications ---- */

static void
publish_notifications (JdServiceMqtt *self,
                       const char    *thing,
                       gboolean       pending_changed,
                       gboolean       next_changed)
{
  g_autoptr(GError) error = NULL;

  if (pending_changed)
    {
      g_autofree char *payload = jd_device_api_build_notify (self->store, thing, &error);
      g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/notify", thing);

      if (payload != NULL)
        publish (self, topic, payload);
      else
        g_message ("No notify for %s: %s", thing, error->message);
      g_clear_error (&error);
    }
  if (next_changed)
    {
      g_autofree char *payload = jd_device_api_build_notify_next (self->store, thing, &error);
      g_autofree char *topic = g_strdup_printf ("$aws/things/%s/jobs/notify-next", thing);

      if (payload != NULL)
        publish (self, topic, payload);
      else
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

      publish_notifications (self, change->thing_name,
                             change->pending_changed, change->next_changed);
    }
}

/* ---- libmosquitto callbacks (on the main context, from the GSource) ---- */

static void
on_connect (struct mosquitto *mosq,
            void             *obj,
            int               rc)
{
  JdServiceMqtt *self = obj;
  int sub_rc;

  if (rc != 0)
    {
      /* Refused (a bad certificate maps to "not authorized"): retrying the
       * same identity cannot help a first connect. */
      finish_connect (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                                         "The broker refused the jobs service: %s",
                                         mosquitto_reason_string (rc)));
      return;
    }

  self->backoff_ms = BACKOFF_MIN_MS;
  sub_rc = mosquitto_subscribe_v5 (mosq, &self->subscribe_mid, REQUEST_FILTER, 1,
                                   MQTT_SUB_OPT_NO_LOCAL, NULL);
  if (sub_rc != MOSQ_ERR_SUCCESS)
    finish_connect (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                                       "The jobs service could not subscribe: %s",
                                       mosquitto_strerror (sub_rc)));
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *obj,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  JdServiceMqtt *self = obj;

  if (mid != self->subscribe_mid)
    return;
  if (qos_count < 1 || granted_qos[0] > 2)
    {
      finish_connect (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                                         "The broker did not let the jobs service subscribe to %s",
                                         REQUEST_FILTER));
      return;
    }
  set_connected (self, TRUE);
  finish_connect (self, NULL);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  JdServiceMqtt *self = user_data;
  int rc;

  self->reconnect_source = 0;
  if (!self->wanted)
    return G_SOURCE_REMOVE;
  rc = mosquitto_reconnect_async (self->mosq);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
      self->reconnect_source = g_timeout_add (self->backoff_ms, reconnect_cb, self);
    }
  return G_SOURCE_REMOVE;
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *obj,
               int               rc)
{
  JdServiceMqtt *self = obj;
  guint delay;

  set_connected (self, FALSE);
  if (!self->wanted || self->reconnect_source != 0)
    return;
  /* Jitter keeps a restarted broker from seeing every client at once. */
  delay = self->backoff_ms + g_random_int_range (0, self->backoff_ms / 2 + 1);
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
  g_debug ("Disconnected from the broker (%s); reconnecting in %u ms",
           mosquitto_strerror (rc), delay);
  self->reconnect_source = g_timeout_add (delay, reconnect_cb, self);
}

static void
on_message (struct mosquitto               *mosq,
            void                           *obj,
            const struct mosquitto_message *msg)
{
  handle_message (obj, msg);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  JdServiceMqtt *self = user_data;

  self->connect_timeout_source = 0;
  finish_connect (self, g_error_new (JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                                     "The jobs service could not connect to the broker at %s:%u "
                                     "within %d seconds",
                                     self->host, self->port, CONNECT_TIMEOUT_S));
  return G_SOURCE_REMOVE;
}

/* ---- GObject ---- */

static void
jd_service_mqtt_dispose (GObject *object)
{
  JdServiceMqtt *self = JD_SERVICE_MQTT (object);

  jd_service_mqtt_disconnect (self);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (jd_service_mqtt_parent_class)->dispose (object);
}

static void
jd_service_mqtt_finalize (GObject *object)
{
  JdServiceMqtt *self = JD_SERVICE_MQTT (object);

  g_clear_pointer (&self->mosq, mosquitto_destroy);
  g_free (self->host);
  g_free (self->ca_path);
  g_free (self->cert_path);
  g_free (self->key_path);
  mosquitto_lib_cleanup ();

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
  mosquitto_lib_init ();
  self->backoff_ms = BACKOFF_MIN_MS;
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
  self->host = g_strdup (host);
  self->port = port;
  self->ca_path = g_strdup (ca_path);
  self->cert_path = g_strdup (cert_path);
  self->key_path = g_strdup (key_path);
  self->changed_id = g_signal_connect (store, "things-changed", G_CALLBACK (things_changed_cb), self);
  return self;
}

void
jd_service_mqtt_set_fleet_events (JdServiceMqtt *self,
                                  gboolean       enabled)
{
  g_return_if_fail (JD_IS_SERVICE_MQTT (self));
  self->fleet_events = enabled;
}

void
jd_service_mqtt_connect_async (JdServiceMqtt       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  int rc;

  g_return_if_fail (JD_IS_SERVICE_MQTT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_service_mqtt_connect_async);

  if (self->wanted)
    {
      g_task_return_new_error (task, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_BUSY,
                               "The jobs service is already connected or connecting");
      return;
    }

  if (self->mosq == NULL)
    {
      self->mosq = mosquitto_new (JD_SANDBOX_SERVICE_IDENTITY, true, self);
      mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
      /* Replies are small packets: Nagle would hold each one for an ACK. */
      mosquitto_int_option (self->mosq, MOSQ_OPT_TCP_NODELAY, 1);
      mosquitto_connect_callback_set (self->mosq, on_connect);
      mosquitto_disconnect_callback_set (self->mosq, on_disconnect);
      mosquitto_subscribe_callback_set (self->mosq, on_subscribe);
      mosquitto_message_callback_set (self->mosq, on_message);
      rc = mosquitto_tls_set (self->mosq, self->ca_path, NULL, self->cert_path, self->key_path, NULL);
      if (rc != MOSQ_ERR_SUCCESS)
        {
          g_task_return_new_error (task, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                                   "The jobs service's certificate files are unusable: %s",
                                   mosquitto_strerror (rc));
          return;
        }
      self->source = mosq_source_new (self->mosq);
      g_source_attach (self->source, g_main_context_get_thread_default ());
    }

  rc = mosquitto_connect_async (self->mosq, self->host, self->port, KEEPALIVE_SECONDS);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_task_return_new_error (task, JD_SANDBOX_ERROR, JD_SANDBOX_ERROR_SERVICE,
                               "The jobs service could not connect to the broker at %s:%u: %s",
                               self->host, self->port, mosquitto_strerror (rc));
      return;
    }
  self->wanted = TRUE;
  self->connect_task = g_steal_pointer (&task);
  self->connect_timeout_source = g_timeout_add_seconds (CONNECT_TIMEOUT_S, connect_timeout_cb, self);
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
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->connect_task != NULL)
    finish_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       "The jobs service was stopped while connecting"));
  if (self->mosq != NULL)
    mosquitto_disconnect (self->mosq);
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
