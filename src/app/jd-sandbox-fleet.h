/* jd-sandbox-fleet.h — the app's simulated devices: while the embedded
 * sandbox runs, the "simulated-devices" setting's number of things
 * (Device-01 …), each a real MQTT client with its own certificate running
 * the jobs it gets as a device would (JdServiceFleet, src/fleet), so that a
 * laptop demo has a fleet to roll jobs out to. Changing the setting starts
 * the new number; 0 stops them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-sandbox.h"

G_BEGIN_DECLS

#define JD_TYPE_SANDBOX_FLEET (jd_sandbox_fleet_get_type ())
G_DECLARE_FINAL_TYPE (JdSandboxFleet, jd_sandbox_fleet, JD, SANDBOX_FLEET, GObject)

/* Follows @settings' "simulated-devices" on the running @sandbox. */
JdSandboxFleet *jd_sandbox_fleet_new          (JdSandbox      *sandbox,
                                               GSettings      *settings);
/* The devices running now (0 while starting or stopped). */
guint           jd_sandbox_fleet_get_n_online (JdSandboxFleet *self);
/* The devices wanted: the setting's value. */
guint           jd_sandbox_fleet_get_n_wanted (JdSandboxFleet *self);
/* Disconnects every device, and stops following the setting. */
void            jd_sandbox_fleet_stop         (JdSandboxFleet *self);

G_END_DECLS
