/* jd-device-agent.h — one simulated device: a real MQTT client with its own
 * certificate that runs jobs as the AWS IoT Device Client does (subscribe to
 * notify-next, start-next on connect and on every new next execution, report
 * progress in statusDetails, finish SUCCEEDED or FAILED with a `reason`,
 * REJECTED for a document it cannot run), without executing anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-jobs-client.h"
#include "jd-mqtt-connection.h"

G_BEGIN_DECLS

/* How a simulated device behaves. Chances are per job, from 0 to 1. */
typedef struct {
  double success_rate;       /* a job's chance to succeed (default 1) */
  guint  step_min_ms;        /* each step takes a time in [min, max] */
  guint  step_max_ms;
  double offline_chance;     /* goes offline in the middle of a job … */
  guint  offline_min_ms;     /* … for a time in [min, max], then reconnects */
  guint  offline_max_ms;
  double timeout_chance;     /* stops reporting in the middle of a job, so it times out */
  guint  idle_recheck_ms;    /* an idle device asks start-next again after about this long (0: never) */
} JdDeviceBehavior;

#define JD_DEVICE_BEHAVIOR_INIT { 1.0, 500, 2000, 0.0, 2000, 10000, 0.0, 60000 }

typedef enum {
  JD_DEVICE_AGENT_OFFLINE,    /* not connected (also while it plays offline) */
  JD_DEVICE_AGENT_IDLE,       /* connected, nothing to do */
  JD_DEVICE_AGENT_STARTING,   /* start-next sent */
  JD_DEVICE_AGENT_WORKING,    /* running a job's steps */
  JD_DEVICE_AGENT_STUCK,      /* plays a hung job: reports nothing more */
  JD_DEVICE_AGENT_REPORTING,  /* the final update sent */
} JdDeviceAgentState;

#define JD_TYPE_DEVICE_AGENT_STATE (jd_device_agent_state_get_type ())
GType jd_device_agent_state_get_type (void) G_GNUC_CONST;

#define JD_TYPE_DEVICE_AGENT (jd_device_agent_get_type ())
G_DECLARE_FINAL_TYPE (JdDeviceAgent, jd_device_agent, JD, DEVICE_AGENT, GObject)

/* A device on @connection (not yet connected) as @thing_name. @seed makes
 * its choices repeatable. */
JdDeviceAgent     *jd_device_agent_new            (JdMqttConnection       *connection,
                                                   const char             *thing_name,
                                                   const JdDeviceBehavior *behavior,
                                                   guint32                 seed);

void               jd_device_agent_start          (JdDeviceAgent          *self);
void               jd_device_agent_stop           (JdDeviceAgent          *self);

void               jd_device_agent_set_behavior   (JdDeviceAgent          *self,
                                                   const JdDeviceBehavior *behavior);
const JdDeviceBehavior *jd_device_agent_get_behavior (JdDeviceAgent       *self);

const char        *jd_device_agent_get_thing_name (JdDeviceAgent          *self);
JdJobsClient      *jd_device_agent_get_client     (JdDeviceAgent          *self);
JdDeviceAgentState jd_device_agent_get_state      (JdDeviceAgent          *self);
/* The job being worked on, or NULL. */
const char        *jd_device_agent_get_job_id     (JdDeviceAgent          *self);

/* Jobs this device finished, by the status it reported, and jobs it gave up
 * because they were canceled or removed under it. */
guint              jd_device_agent_get_n_succeeded  (JdDeviceAgent        *self);
guint              jd_device_agent_get_n_failed     (JdDeviceAgent        *self);
guint              jd_device_agent_get_n_rejected   (JdDeviceAgent        *self);
guint              jd_device_agent_get_n_interrupted (JdDeviceAgent       *self);

G_END_DECLS
