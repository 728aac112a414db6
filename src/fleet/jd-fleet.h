/* jd-fleet.h — many simulated devices in one process and one main loop:
 * each a JdDeviceAgent on its own JdMqttConnection with its own thing
 * certificate, so the broker's per-thing identities and ACLs apply to each
 * as they would to real devices. A GListModel of its agents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-device-agent.h"

G_BEGIN_DECLS

#define JD_TYPE_FLEET (jd_fleet_get_type ())
G_DECLARE_FINAL_TYPE (JdFleet, jd_fleet, JD, FLEET, GObject)

/* Devices connect to @host:@port and trust @ca_path. Every device's choices
 * come from @seed and its position, so a seed repeats a run. */
JdFleet       *jd_fleet_new              (const char             *host,
                                          guint16                 port,
                                          const char             *ca_path,
                                          guint32                 seed);

/* Adds a device (not started) for a thing with its certificate and key.
 * @behavior NULL: the fleet's. Returns the agent (owned by the fleet). */
JdDeviceAgent *jd_fleet_add_device       (JdFleet                *self,
                                          const char             *thing_name,
                                          const char             *cert_path,
                                          const char             *key_path,
                                          const JdDeviceBehavior *behavior);

/* The behaviour of devices added without one, and of every device now. */
void           jd_fleet_set_behavior     (JdFleet                *self,
                                          const JdDeviceBehavior *behavior);
const JdDeviceBehavior *jd_fleet_get_behavior (JdFleet           *self);

void           jd_fleet_start            (JdFleet                *self);
void           jd_fleet_stop             (JdFleet                *self);

guint          jd_fleet_get_n_devices    (JdFleet                *self);
JdDeviceAgent *jd_fleet_get_device       (JdFleet                *self,
                                          guint                   position);
/* Devices connected now, and jobs finished in all by status. */
guint          jd_fleet_count_online     (JdFleet                *self);
void           jd_fleet_count_finished   (JdFleet                *self,
                                          guint                  *succeeded,
                                          guint                  *failed,
                                          guint                  *rejected);

G_END_DECLS
