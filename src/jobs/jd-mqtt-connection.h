/* jd-mqtt-connection.h — an MQTT 3.1.1 connection with mutual TLS, driven by
 * libmosquitto from the GLib main loop: QoS 1 publish and subscribe that
 * complete on their acks, automatic reconnect with backoff and jitter, and
 * re-subscription.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  JD_MQTT_STATE_DISCONNECTED,
  JD_MQTT_STATE_CONNECTING,     /* first attempt after jd_mqtt_connection_connect() */
  JD_MQTT_STATE_CONNECTED,      /* CONNACK received and subscriptions granted */
  JD_MQTT_STATE_RECONNECTING,   /* lost or failed; waiting for or making the next attempt */
} JdMqttState;

#define JD_TYPE_MQTT_STATE (jd_mqtt_state_get_type ())
GType jd_mqtt_state_get_type (void) G_GNUC_CONST;

#define JD_MQTT_ALPN_AWS_MQTT_CA "x-amzn-mqtt-ca"

#define JD_TYPE_MQTT_CONNECTION (jd_mqtt_connection_get_type ())
G_DECLARE_FINAL_TYPE (JdMqttConnection, jd_mqtt_connection, JD, MQTT_CONNECTION, GObject)

JdMqttConnection *jd_mqtt_connection_new              (const char        *host,
                                                       guint16            port,
                                                       const char        *client_id);

/* Settings, read at each connection attempt. */
void              jd_mqtt_connection_set_tls_files    (JdMqttConnection  *self,
                                                       const char        *ca_path,
                                                       const char        *cert_path,
                                                       const char        *key_path,
                                                       const char        *key_passphrase);
void              jd_mqtt_connection_set_keepalive    (JdMqttConnection  *self,
                                                       guint              seconds);
void              jd_mqtt_connection_set_clean_session (JdMqttConnection *self,
                                                       gboolean           clean_session);
void              jd_mqtt_connection_set_no_local      (JdMqttConnection *self,
                                                       gboolean           no_local);
void              jd_mqtt_connection_set_connect_timeout (JdMqttConnection *self,
                                                       guint              msec);
void              jd_mqtt_connection_set_backoff      (JdMqttConnection  *self,
                                                       guint              min_msec,
                                                       guint              max_msec,
                                                       guint              stable_msec);

const char       *jd_mqtt_connection_get_host         (JdMqttConnection  *self);
guint16           jd_mqtt_connection_get_port         (JdMqttConnection  *self);
const char       *jd_mqtt_connection_get_client_id    (JdMqttConnection  *self);
const char       *jd_mqtt_connection_get_alpn         (JdMqttConnection  *self);
JdMqttState       jd_mqtt_connection_get_state        (JdMqttConnection  *self);
const GError     *jd_mqtt_connection_get_last_error   (JdMqttConnection  *self);
const char       *jd_mqtt_connection_get_last_error_message (JdMqttConnection *self);
guint             jd_mqtt_connection_get_reconnect_delay (JdMqttConnection *self);

/* Starts connecting and keeps the connection up until disconnect(). */
void              jd_mqtt_connection_connect          (JdMqttConnection  *self);
/* Like connect(); completes on the first CONNECTED or the first failure
 * (reconnecting goes on after a failure). */
void              jd_mqtt_connection_connect_async    (JdMqttConnection  *self,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
gboolean          jd_mqtt_connection_connect_finish   (JdMqttConnection  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
void              jd_mqtt_connection_disconnect       (JdMqttConnection  *self);

/* QoS 0 completes once written, QoS 1 on PUBACK. Fails with
 * JD_JOBS_ERROR_DISCONNECTED when not connected or when the connection drops
 * before the ack. */
void              jd_mqtt_connection_publish_async    (JdMqttConnection  *self,
                                                       const char        *topic,
                                                       GBytes            *payload,
                                                       int                qos,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
/* Fire and forget: FALSE only when it could not be queued at all. */
gboolean          jd_mqtt_connection_publish          (JdMqttConnection  *self,
                                                       const char        *topic,
                                                       GBytes            *payload,
                                                       int                qos,
                                                       GError           **error);
gboolean          jd_mqtt_connection_publish_finish   (JdMqttConnection  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);

/* Remembers the filters (re-subscribed on every reconnect) and completes on
 * their SUBACK: now if connected, else after the next connection's. Fails
 * with JD_JOBS_ERROR_SUBSCRIPTION_REFUSED (and forgets them) if any is refused. */
void              jd_mqtt_connection_subscribe_async  (JdMqttConnection  *self,
                                                       const char *const *filters,
                                                       int                qos,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
gboolean          jd_mqtt_connection_subscribe_finish (JdMqttConnection  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);

G_END_DECLS
