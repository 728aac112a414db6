/* jd-fleet-events.h — keeps a JdFleetModel live from AWS IoT Jobs events:
 * over its own MQTT connection (an operator identity whose policy may read
 * `$aws/events/#`, such as the sandbox's observer), subscribes to
 * `$aws/events/jobExecution/<jobId>/#` and `$aws/events/job/<jobId>/#`,
 * applies each execution event to the model and hands job events (completed,
 * canceled, deleted) to whoever listens. When the identity may not subscribe
 * (a refused SUBACK) or cannot connect, the state says so and the caller
 * polls instead (JdFleetPoller). Everything runs on the main loop through
 * JdMqttConnection; nothing blocks.
 *
 * A granted subscription does not prove that events arrive: mosquitto grants
 * any filter and drops what the ACL forbids at delivery, and on AWS job
 * events are off until UpdateEventConfigurations turns them on. So the state
 * is LIVE only once an event arrived, and jd_fleet_events_verify(), called
 * after each poll, gives up when a poll saw an execution end (after the
 * subscription, longer than the grace ago) that no event reported.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-fleet-model.h"
#include "jd-mqtt-connection.h"

G_BEGIN_DECLS

typedef enum {
  JD_FLEET_EVENTS_STOPPED,
  JD_FLEET_EVENTS_CONNECTING,    /* connecting and subscribing */
  JD_FLEET_EVENTS_SUBSCRIBED,    /* granted, no event yet: keep polling */
  JD_FLEET_EVENTS_LIVE,          /* events arrive: changes come as they happen */
  JD_FLEET_EVENTS_INTERRUPTED,   /* was live; the connection dropped and comes back */
  JD_FLEET_EVENTS_UNAVAILABLE,   /* refused or unreachable: poll instead (see the error) */
} JdFleetEventsState;

#define JD_TYPE_FLEET_EVENTS_STATE (jd_fleet_events_state_get_type ())
GType jd_fleet_events_state_get_type (void) G_GNUC_CONST;

#define JD_TYPE_FLEET_EVENTS (jd_fleet_events_get_type ())
G_DECLARE_FINAL_TYPE (JdFleetEvents, jd_fleet_events, JD, FLEET_EVENTS, GObject)

/* @connection: configured (host, TLS files) and not yet connected; the
 * events object connects and disconnects it. */
JdFleetEvents      *jd_fleet_events_new         (JdFleetModel     *model,
                                                 JdMqttConnection *connection);
void                jd_fleet_events_start       (JdFleetEvents    *self);
void                jd_fleet_events_stop        (JdFleetEvents    *self);

/* How long after a poll saw an execution end its event may still come
 * (seconds; default JD_FLEET_EVENTS_GRACE_S). */
#define JD_FLEET_EVENTS_GRACE_S 15
void                jd_fleet_events_set_grace   (JdFleetEvents    *self,
                                                 guint             seconds);
/* Checks the model against the events seen (see above); FALSE when it gave
 * up (the state is then UNAVAILABLE). */
gboolean            jd_fleet_events_verify      (JdFleetEvents    *self);

/* "state" */
JdFleetEventsState  jd_fleet_events_get_state   (JdFleetEvents    *self);
/* Why the state is UNAVAILABLE, or NULL ("error"). */
const GError       *jd_fleet_events_get_error   (JdFleetEvents    *self);
JdMqttConnection   *jd_fleet_events_get_connection (JdFleetEvents *self);
/* Execution events applied, and those rejected as malformed. */
guint               jd_fleet_events_get_n_applied  (JdFleetEvents *self);
guint               jd_fleet_events_get_n_rejected (JdFleetEvents *self);
/* The last rejection, for the log and tests, or NULL. */
const GError       *jd_fleet_events_get_last_rejection (JdFleetEvents *self);

G_END_DECLS
