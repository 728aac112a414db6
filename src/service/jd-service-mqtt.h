/* jd-service-mqtt.h — JdServiceMqtt: the jobs service's MQTT side. It connects
 * to the broker as the privileged `jobs-service` identity (mutual TLS), listens
 * to every thing's Jobs request topics, answers each request through
 * jd-device-api on `<request topic>/accepted|rejected`, and publishes `notify`
 * and `notify-next` when the store says a thing's pending set or `$next`
 * execution changed — and never otherwise. libmosquitto runs inside the GLib
 * main loop (a GSource on its socket); nothing blocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-file-store.h"

#include "jd-store.h"

G_BEGIN_DECLS

#define JD_TYPE_SERVICE_MQTT (jd_service_mqtt_get_type ())
G_DECLARE_FINAL_TYPE (JdServiceMqtt, jd_service_mqtt, JD, SERVICE_MQTT, GObject)

JdServiceMqtt *jd_service_mqtt_new              (JdStore             *store,
                                                 const char          *host,
                                                 guint16              port,
                                                 const char          *ca_path,
                                                 const char          *cert_path,
                                                 const char          *key_path);

/* Publishes the $aws/events/job… and $aws/events/jobExecution… fleet events
 * that JdStore::jobs-events reports for the types the store's event
 * configuration enables (off until UpdateEventConfigurations, as on AWS);
 * @enabled forces both on whatever the configuration says (the daemon's
 * --fleet-events). @region and @account_id (nullable when @enabled is
 * FALSE) make the ARNs; no event goes out before they were given once. */
void           jd_service_mqtt_set_fleet_events (JdServiceMqtt       *self,
                                                 gboolean             enabled,
                                                 const char          *region,
                                                 const char          *account_id);

/* Completes once connected and subscribed; afterwards the connection comes
 * back by itself (with backoff) whenever the broker drops it. */
void           jd_service_mqtt_connect_async    (JdServiceMqtt       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean       jd_service_mqtt_connect_finish   (JdServiceMqtt       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Sends DISCONNECT and stops reconnecting. */
void           jd_service_mqtt_disconnect       (JdServiceMqtt       *self);

gboolean       jd_service_mqtt_get_connected    (JdServiceMqtt       *self);
/* Requests answered so far (for tests and the log). */
guint64        jd_service_mqtt_get_n_requests   (JdServiceMqtt       *self);
/* Replies and notifications waiting in the publish queue; @longest: the
 * most that ever waited (tests, benchmarks). */
guint          jd_service_mqtt_get_queue_length (JdServiceMqtt       *self,
                                                 guint               *longest);

/* Documents in replies and notifications go out with their s3-presigned-url
 * placeholders replaced by @file_store's URLs (nullable: as stored). */
void           jd_service_mqtt_set_file_store   (JdServiceMqtt       *self,
                                                 JdFileStore         *file_store);

G_END_DECLS
